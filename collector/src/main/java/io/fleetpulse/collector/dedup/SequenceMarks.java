package io.fleetpulse.collector.dedup;

import io.fleetpulse.schemas.JournalEntry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per device, the highest journal sequence number accepted for each sequence-number id: an entry at or
 * below it was already delivered and is a re-send (a client retrying after a 503, or an overlapping
 * {@code journalctl --since} window). Entries without a sequence number are never dropped.
 *
 * <p>Senders send in journal order (systemd-journal-upload and journalctl both do), so one number per
 * sequence-number id is enough. A device keeps the marks of its few most recent ids (a new id begins
 * when its journal is recreated, e.g. after a reflash).
 */
public final class SequenceMarks {

  static final int IDS_PER_DEVICE = 8;

  private final Map<String, Map<String, Long>> byDevice = new ConcurrentHashMap<>();

  /** Marks as loaded from the store at start-up. */
  public SequenceMarks(Map<String, Map<String, Long>> initial) {
    initial.forEach((device, marks) -> byDevice.put(device, bounded(marks)));
  }

  /** A filter for one request of one device, starting from the device's current marks. */
  public ResendFilter filterFor(String deviceUuid) {
    return new ResendFilter(Map.copyOf(byDevice.getOrDefault(deviceUuid, Map.of())));
  }

  /** Records that these entries (all of one device) are in Kafka; returns the device's marks now. */
  public Map<String, Long> delivered(String deviceUuid, List<JournalEntry> entries) {
    Map<String, Long> marks = byDevice.computeIfAbsent(deviceUuid, key -> bounded(Map.of()));
    synchronized (marks) {
      for (JournalEntry entry : entries) {
        if (entry.getSeqnumId() != null && entry.getSeqnum() != null) {
          marks.merge(entry.getSeqnumId(), entry.getSeqnum(), Math::max);
        }
      }
      return Map.copyOf(marks);
    }
  }

  private static Map<String, Long> bounded(Map<String, Long> marks) {
    Map<String, Long> map = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > IDS_PER_DEVICE;
      }
    };
    map.putAll(marks);
    return map;
  }

  /** Decides, entry by entry in request order, whether an entry was delivered before. */
  public static final class ResendFilter {
    private final Map<String, Long> seen;

    ResendFilter(Map<String, Long> marks) {
      this.seen = new java.util.HashMap<>(marks);
    }

    /** True when the entry was delivered before (or earlier in this request); otherwise remembers it. */
    public boolean isResent(JournalEntry entry) {
      String id = entry.getSeqnumId();
      Long seqnum = entry.getSeqnum();
      if (id == null || seqnum == null) {
        return false;
      }
      Long mark = seen.get(id);
      if (mark != null && Long.compareUnsigned(seqnum, mark) <= 0) {
        return true;
      }
      seen.put(id, seqnum);
      return false;
    }
  }
}
