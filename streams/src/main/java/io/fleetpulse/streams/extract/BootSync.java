package io.fleetpulse.streams.extract;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A Raspberry Pi has no real-time clock: it boots at the last time it saved, and NTP steps its clock
 * forward minutes after boot. That step is healthy and expected, unlike a clock that stays wrong (NTP
 * blocked) or one that steps back. A TIME_JUMP forward within {@code window} of its boot is tagged
 * {@code source=boot-sync} (the detector that saw it kept as {@code detectedBy}) and alerts nobody. A step the
 * journal's clocks show counts from the boot's newest entry before it: with each unit on its own topic, the first
 * entry to cross the step may be one logged hours later, read before the lines of the minute the clock was set.
 */
public final class BootSync {

  /** The {@code source} of a TIME_JUMP that is a clock being set at boot. */
  public static final String SOURCE = "boot-sync";

  private final Duration window;

  public BootSync(Duration window) {
    this.window = window;
  }

  /**
   * {@code event} tagged as a boot sync when it is one; otherwise {@code event} itself.
   *
   * @param monotonicUs the earliest the event's clock step may have happened, after its boot; null when unknown
   */
  DeviceEvent tag(Long monotonicUs, DeviceEvent event) {
    if (event.getKind() != EventKind.TIME_JUMP || monotonicUs == null
        || monotonicUs > window.toNanos() / 1_000 || !forward(event.getDetails())) {
      return event;
    }
    Map<String, String> details = new HashMap<>(event.getDetails());
    details.put("detectedBy", details.getOrDefault("source", "journal"));
    details.put("source", SOURCE);
    return DeviceEvent.newBuilder(event).setDetails(details)
        .setSummary(event.getSummary() + " (the clock set at boot)").build();
  }

  /** Whether a TIME_JUMP event is a boot sync: no alert for it. */
  public static boolean isBootSync(DeviceEvent event) {
    return event.getKind() == EventKind.TIME_JUMP && SOURCE.equals(event.getDetails().get("source"));
  }

  private static boolean forward(Map<String, String> details) {
    if ("+".equals(details.get("direction"))) {
      return true;
    }
    String seconds = details.get("seconds");
    try {
      return seconds != null && Double.parseDouble(seconds) > 0;
    } catch (NumberFormatException notANumber) {
      return false;
    }
  }
}
