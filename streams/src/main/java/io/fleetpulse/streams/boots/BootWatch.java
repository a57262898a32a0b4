package io.fleetpulse.streams.boots;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.extract.EventExtractor;
import io.fleetpulse.streams.time.SpokenDuration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Notices every new boot of a device and says why the device rebooted: one DEVICE_REBOOT event per new boot, with
 * its {@link RebootReason}, the previous boot's id and its uptime.
 *
 * <p>The reason is not judged at the new boot's first line. With each unit on a topic of its own, the old boot's last
 * lines (systemd's shutdown sequence) may arrive after the new boot's first ones, and evidence of a panic or a
 * rollback is written early in the new boot. So the judgement waits until the new boot has run for
 * {@link #SETTLE} by its own clock, or fleetpulse has known it that long (a device that went quiet again); a third
 * boot arriving first forces it.
 *
 * <p>Like {@code DeviceClocks}, the boots live in a task-local memo over the store, written only when what a
 * judgement would say changes (a new boot, new evidence, a minute more uptime), not for every line. Devices with a
 * reboot awaiting its judgement are remembered in memory and found again in the store at {@link #init}.
 */
public final class BootWatch {

  public static final String STORE = "device-boots";
  /** How long a new boot runs before its reboot is judged. */
  public static final Duration SETTLE = Duration.ofMinutes(2);
  private static final long UPTIME_SLACK_US = Duration.ofMinutes(1).toNanos() / 1000;

  private final KeyValueStore<String, DeviceBoots> store;
  private final Map<String, Known> memo = new HashMap<>();
  private final Set<String> awaitingJudgement = new HashSet<>();

  /** A device's boots as of its newest line, and the copy last written to the store. */
  private static final class Known {
    DeviceBoots now;
    DeviceBoots stored;

    Known(DeviceBoots stored) {
      this.now = stored;
      this.stored = stored;
    }
  }

  public BootWatch(KeyValueStore<String, DeviceBoots> store) {
    this.store = store;
  }

  public static StoreBuilder<KeyValueStore<String, DeviceBoots>> builder() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), org.apache.kafka.common.serialization.Serdes.String(),
        DeviceBoots.serde()).withCachingEnabled();
  }

  /** Finds the reboots that were awaiting their judgement when the task last stopped. */
  public void init() {
    try (KeyValueIterator<String, DeviceBoots> all = store.all()) {
      all.forEachRemaining(kv -> {
        if (!kv.value.judged()) {
          awaitingJudgement.add(kv.key);
        }
      });
    }
  }

  /**
   * Takes in one journal entry placed at {@code at}, with the events it made.
   *
   * @return the DEVICE_REBOOT events it settles (usually none)
   */
  public List<DeviceEvent> see(JournalEntry entry, Instant at, List<DeviceEvent> events, long nowMs) {
    String bootId = entry.getBootId();
    Long monoUs = entry.getMonotonicUs();
    if (bootId == null || monoUs == null) {
      return List.of();
    }
    String device = entry.getDeviceUuid();
    Known known = memo.computeIfAbsent(device, d -> new Known(store.get(d)));
    String fleet = entry.getFleet();
    int evidence = BootEvidence.of(entry);
    boolean underVoltage = events.stream().anyMatch(event -> event.getKind() == EventKind.UNDER_VOLTAGE);
    String line = evidence == 0 || entry.getMessage() == null ? "" : EventExtractor.line(entry.getMessage());
    long atMs = at.toEpochMilli();

    DeviceBoots boots = known.now;
    List<DeviceEvent> reboots = new ArrayList<>(0);
    if (boots == null) {
      boots = new DeviceBoots(fleet, null, Boot.first(bootId, atMs, monoUs, nowMs).after(atMs, monoUs, evidence, underVoltage, line), true);
    } else if (bootId.equals(boots.current().bootId())) {
      boots = new DeviceBoots(fleet, boots.previous(), boots.current().after(atMs, monoUs, evidence, underVoltage, line), boots.judged());
    } else if (boots.previous() != null && bootId.equals(boots.previous().bootId())) {
      boots = new DeviceBoots(fleet, boots.previous().after(atMs, monoUs, evidence, underVoltage, line), boots.current(), boots.judged());
    } else if (atMs - monoUs / 1000 < boots.current().startedAtMs()) {
      // A boot older than the current one, backfilled late: history, not a reboot.
      return List.of();
    } else {
      if (!boots.judged()) {
        reboots.add(reboot(device, boots, entry.getReceivedAt()));
      }
      boots = new DeviceBoots(fleet, boots.current(), Boot.first(bootId, atMs, monoUs, nowMs).after(atMs, monoUs, evidence, underVoltage, line),
          false);
    }
    if (!boots.judged() && settled(boots.current(), nowMs)) {
      reboots.add(reboot(device, boots, entry.getReceivedAt()));
      boots = new DeviceBoots(fleet, boots.previous(), boots.current(), true);
    }
    remember(device, known, boots);
    return reboots;
  }

  /** The DEVICE_REBOOT events of reboots that have waited long enough, by the processing clock. */
  public List<DeviceEvent> judgeSettled(long nowMs) {
    List<DeviceEvent> reboots = new ArrayList<>(0);
    for (String device : List.copyOf(awaitingJudgement)) {
      Known known = memo.computeIfAbsent(device, d -> new Known(store.get(d)));
      DeviceBoots boots = known.now;
      if (boots == null || boots.judged()) {
        awaitingJudgement.remove(device);
      } else if (settled(boots.current(), nowMs)) {
        reboots.add(reboot(device, boots, Instant.ofEpochMilli(nowMs)));
        remember(device, known, new DeviceBoots(boots.fleet(), boots.previous(), boots.current(), true));
      }
    }
    return reboots;
  }

  private static boolean settled(Boot boot, long nowMs) {
    return boot.lastMonoUs() >= SETTLE.toNanos() / 1000 || nowMs - boot.firstSeenMs() >= SETTLE.toMillis();
  }

  private void remember(String device, Known known, DeviceBoots boots) {
    if (boots.judged()) {
      awaitingJudgement.remove(device);
    } else {
      awaitingJudgement.add(device);
    }
    boolean changed = known.stored == null || boots.judged() != known.stored.judged() || !boots.fleet().equals(known.stored.fleet())
        || boots.current().differsMuchFrom(known.stored.current(), UPTIME_SLACK_US)
        || (boots.previous() != null && boots.previous().differsMuchFrom(known.stored.previous(), UPTIME_SLACK_US));
    if (changed) {
      store.put(device, boots);
      known.stored = boots;
    }
    known.now = boots;
  }

  private static DeviceEvent reboot(String device, DeviceBoots boots, Instant receivedAt) {
    Boot previous = boots.previous();
    Boot next = boots.current();
    RebootReason.Judgement judgement = RebootReason.judge(previous, next);
    Duration uptime = Duration.ofNanos(previous.lastMonoUs() * 1000);
    Map<String, String> details = new HashMap<>();
    details.put("reason", judgement.reason().wireName);
    details.put("previousBoot", previous.bootId());
    details.put("uptime", Long.toString(uptime.toSeconds()));
    if (!judgement.line().isEmpty()) {
      details.put(EventExtractor.LINE, judgement.line());
    }
    if (judgement.rollback()) {
      details.put("rollback", "true");
    }
    String summary = judgement.reason().description
        + (judgement.rollback() ? " (rolled back to the previous OS)" : "")
        + "; the previous boot was up " + SpokenDuration.of(uptime);
    return DeviceEvent.newBuilder()
        .setDeviceUuid(device)
        .setFleet(boots.fleet())
        .setKind(EventKind.DEVICE_REBOOT)
        .setAt(Instant.ofEpochMilli(next.startedAtMs()))
        .setSummary(summary)
        .setDetails(details)
        .setBootId(next.bootId())
        .setReceivedAt(receivedAt)
        .build();
  }
}
