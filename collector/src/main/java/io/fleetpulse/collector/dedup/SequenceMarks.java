package io.fleetpulse.collector.dedup;

import io.fleetpulse.schemas.JournalEntry;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per device, the highest journal sequence number committed for each sequence-number id: an entry at or
 * below it was delivered before and is a re-send (a client retrying after a 503, or an overlapping
 * {@code journalctl --since} window). Entries without a sequence number are never dropped.
 *
 * <p>Senders send in journal order (systemd-journal-upload and journalctl both do), and a batch of
 * entries is committed to Kafka together with its mark or not at all, so one number per id is enough.
 * A device keeps the marks of its {@value #IDS_PER_DEVICE} most recently used ids (a new id begins when
 * its journal is recreated). Shared by every event loop; one device's pushes run one after another.
 */
public final class SequenceMarks {

  static final int IDS_PER_DEVICE = 8;

  private final Map<String, Map<String, Long>> byDevice = new ConcurrentHashMap<>();
  private final Map<String, Boolean> inDoubt = new ConcurrentHashMap<>();

  /** Marks as loaded from the store at start-up. */
  public SequenceMarks(Map<String, Map<String, Long>> initial) {
    initial.forEach((device, marks) -> byDevice.put(device, Map.copyOf(marks)));
  }

  /** A filter for one request of one device, starting from what the device has committed so far. */
  public ResendFilter filterFor(String deviceUuid) {
    return new ResendFilter(byDevice.getOrDefault(deviceUuid, Map.of()));
  }

  /**
   * Records marks read back from the store (read_committed): a batch committed together with {@code marks} (as
   * {@link ResendFilter#marks()} gave them). The only way marks advance, so they never run ahead of what Kafka
   * committed, whatever a producer was told.
   */
  public void committed(String deviceUuid, Map<String, Long> marks) {
    byDevice.merge(deviceUuid, Map.copyOf(marks), SequenceMarks::later);
  }

  /**
   * Kafka may or may not have committed a batch of the device: until {@code settled} completes (its transaction is
   * decided), the device's pushes are refused ({@link #isInDoubt}). Its marks, if it committed, come from the store
   * like every other ({@link #committed}, called by the follower): never from our own reading of the outcome.
   */
  public void inDoubt(String deviceUuid, CompletionStage<?> settled) {
    inDoubt.put(deviceUuid, true);
    settled.whenComplete((outcome, error) -> {
      // Unknown for good only when the collector stops; the marks stored in Kafka tell its successor.
      if (error == null) {
        inDoubt.remove(deviceUuid);
      }
    });
  }

  public boolean isInDoubt(String deviceUuid) {
    return inDoubt.containsKey(deviceUuid);
  }

  /** The newer marks, keeping the higher number of an id both have (ids only move forward). */
  private static Map<String, Long> later(Map<String, Long> current, Map<String, Long> next) {
    Map<String, Long> merged = new HashMap<>(next);
    next.forEach((id, seqnum) -> merged.merge(id, current.getOrDefault(id, -1L), Math::max));
    return Map.copyOf(merged);
  }

  /** Decides, entry by entry in request order, whether an entry was delivered before. */
  public static final class ResendFilter {
    /** In order of last use, so that the ids kept are the most recent. */
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>(16, 0.75f, true);

    ResendFilter(Map<String, Long> marks) {
      seen.putAll(marks);
    }

    /** True when the entry was delivered before, or was let through earlier in this request. */
    public boolean isResent(JournalEntry entry) {
      String id = entry.getSeqnumId();
      Long seqnum = entry.getSeqnum();
      if (id == null || seqnum == null) {
        return false;
      }
      Long upTo = seen.get(id);
      return upTo != null && seqnum <= upTo;
    }

    /** Remembers an entry that is let through (after {@link #isResent} said it is new): it goes into the marks. */
    public void letThrough(JournalEntry entry) {
      if (entry.getSeqnumId() != null && entry.getSeqnum() != null) {
        seen.put(entry.getSeqnumId(), entry.getSeqnum());
      }
    }

    /** The device's marks once every entry let through so far is committed: to be stored with them. */
    public Map<String, Long> marks() {
      Map<String, Long> recent = new HashMap<>();
      int skip = seen.size() - IDS_PER_DEVICE;
      for (Map.Entry<String, Long> mark : seen.entrySet()) {
        if (skip-- <= 0) {
          recent.put(mark.getKey(), mark.getValue());
        }
      }
      return recent;
    }
  }
}
