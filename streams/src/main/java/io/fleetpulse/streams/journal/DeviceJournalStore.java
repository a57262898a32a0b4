package io.fleetpulse.streams.journal;

import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Each device's recent journal lines, keyed so that one device's lines sort in the order the device wrote them:
 * {@code uuid|boot|monotonic|seqnum}, the boot numbered in the order fleetpulse first saw it (wall clocks jump on
 * these devices; within a boot the monotonic clock does not). Beside it, an index per device: its boots' numbers,
 * how many lines it holds and the oldest one's receive time, so keeping the store within its retention costs no
 * scan.
 */
public final class DeviceJournalStore {

  public static final String LINES = "device-journal";
  public static final String INDEX = "device-journal-index";

  private DeviceJournalStore() {}

  public static StoreBuilder<KeyValueStore<String, JournalEntry>> lines() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LINES), Serdes.String(), FleetSerdes.journalEntry());
  }

  /** Read and written for every line: cached, so a chatty device's counters are written once per commit. */
  public static StoreBuilder<KeyValueStore<String, Long>> index() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INDEX), Serdes.String(), Serdes.Long()).withCachingEnabled();
  }

  /** The prefix of every line of one device. */
  public static String devicePrefix(String device) {
    return device + "|";
  }

  /** Where a line sorts among its device's: by boot (as first seen), monotonic time, sequence number. */
  public static String key(String device, long boot, long monotonicUs, long seqnum) {
    // Built by hand: String.format was a tenth of keeping a line.
    StringBuilder key = new StringBuilder(device.length() + 46).append(device).append('|');
    padded(key, boot, 6).append('|');
    padded(key, monotonicUs, 16).append('|');
    return padded(key, seqnum, 20).toString();
  }

  private static StringBuilder padded(StringBuilder key, long value, int width) {
    String digits = Long.toString(value);
    for (int i = digits.length(); i < width; i++) {
      key.append('0');
    }
    return key.append(digits);
  }

  /** The boot number a line's key holds. */
  public static long bootOf(String key) {
    int start = key.indexOf('|') + 1;
    return Long.parseLong(key.substring(start, key.indexOf('|', start)));
  }

  static String bootKey(String device, String bootId) {
    return device + "|boot|" + bootId;
  }

  static String bootsKey(String device) {
    return device + "|#boots";
  }

  static String linesKey(String device) {
    return device + "|#lines";
  }

  static String oldestKey(String device) {
    return device + "|#oldest";
  }

  /** The prefix of the index's entries that number a device's boots ({@code uuid|boot|<boot id>} → number). */
  static String bootIndexPrefix(String device) {
    return device + "|boot|";
  }
}
