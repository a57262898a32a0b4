package io.fleetpulse.collector.dedup;

import io.fleetpulse.schemas.JournalEntry;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per device, the highest journal sequence number delivered for each sequence-number id: an entry at or
 * below it was delivered before and is a re-send (a client retrying after a 503, or an overlapping
 * {@code journalctl --since} window). Entries without a sequence number are never dropped.
 *
 * <p>Senders send in journal order (systemd-journal-upload and journalctl both do), so one number per id
 * is enough, with one exception: when Kafka fails part-way through a batch, entries after the first
 * lost one may have been delivered. The mark then stops below the lost entry and the delivered ones
 * above it are remembered one by one (in memory), so the re-send delivers exactly the lost ones.
 * A device keeps the marks of its few most recent ids (a new id begins when its journal is recreated).
 */
public final class SequenceMarks {

  static final int IDS_PER_DEVICE = 8;

  private final Map<String, DeviceMarks> byDevice = new ConcurrentHashMap<>();

  /** Marks as loaded from the store at start-up. */
  public SequenceMarks(Map<String, Map<String, Long>> initial) {
    initial.forEach((device, marks) -> {
      DeviceMarks loaded = new DeviceMarks();
      marks.forEach((id, seqnum) -> loaded.byId.put(id, new Mark(seqnum)));
      byDevice.put(device, loaded);
    });
  }

  /** A filter for one request of one device, starting from what the device has delivered so far. */
  public ResendFilter filterFor(String deviceUuid) {
    DeviceMarks marks = byDevice.get(deviceUuid);
    return new ResendFilter(marks == null ? Map.of() : marks.copy());
  }

  /**
   * Records the outcome of sending a device's entries: {@code delivered} are in Kafka, {@code lost} are
   * not. Returns the device's marks as they should be stored.
   */
  public Map<String, Long> delivered(String deviceUuid, List<JournalEntry> delivered, List<JournalEntry> lost) {
    DeviceMarks marks = byDevice.computeIfAbsent(deviceUuid, key -> new DeviceMarks());
    synchronized (marks) {
      Map<String, Long> firstLost = new HashMap<>();
      for (JournalEntry entry : lost) {
        if (entry.getSeqnumId() != null && entry.getSeqnum() != null) {
          firstLost.merge(entry.getSeqnumId(), entry.getSeqnum(), Math::min);
        }
      }
      for (JournalEntry entry : delivered) {
        if (entry.getSeqnumId() != null && entry.getSeqnum() != null) {
          Long lostFrom = firstLost.get(entry.getSeqnumId());
          marks.byId.computeIfAbsent(entry.getSeqnumId(), id -> new Mark(-1))
              .delivered(entry.getSeqnum(), lostFrom != null && entry.getSeqnum() > lostFrom);
        }
      }
      Map<String, Long> stored = new HashMap<>();
      marks.byId.forEach((id, mark) -> stored.put(id, mark.upTo));
      return stored;
    }
  }

  private static final class DeviceMarks {
    private final Map<String, Mark> byId = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Mark> eldest) {
        return size() > IDS_PER_DEVICE;
      }
    };

    synchronized Map<String, Mark> copy() {
      Map<String, Mark> copy = new HashMap<>();
      byId.forEach((id, mark) -> copy.put(id, mark.copy()));
      return copy;
    }
  }

  /** Everything up to {@code upTo} was delivered, and the numbers in {@code ahead} above it. */
  private static final class Mark {
    private long upTo;
    private final TreeSet<Long> ahead = new TreeSet<>();

    Mark(long upTo) {
      this.upTo = upTo;
    }

    boolean covers(long seqnum) {
      return seqnum <= upTo || ahead.contains(seqnum);
    }

    void delivered(long seqnum, boolean afterALostEntry) {
      if (afterALostEntry) {
        ahead.add(seqnum);
      } else if (seqnum > upTo) {
        upTo = seqnum;
        ahead.headSet(upTo, true).clear();
      }
    }

    Mark copy() {
      Mark copy = new Mark(upTo);
      copy.ahead.addAll(ahead);
      return copy;
    }
  }

  /** Decides, entry by entry in request order, whether an entry was delivered before. */
  public static final class ResendFilter {
    private final Map<String, Mark> seen;

    ResendFilter(Map<String, Mark> marks) {
      this.seen = new HashMap<>(marks);
    }

    /** True when the entry was delivered before (or came earlier in this request); otherwise remembers it. */
    public boolean isResent(JournalEntry entry) {
      String id = entry.getSeqnumId();
      Long seqnum = entry.getSeqnum();
      if (id == null || seqnum == null) {
        return false;
      }
      Mark mark = seen.computeIfAbsent(id, key -> new Mark(-1));
      if (mark.covers(seqnum)) {
        return true;
      }
      mark.delivered(seqnum, false);
      return false;
    }
  }
}
