package io.fleetpulse.streams.detect;

import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.Severity;
import java.time.Instant;
import java.util.List;

/** DNS_FAILURE: ≥ N name-resolution failures within the window, from any program. */
public final class DnsDetector implements Detector {

  private final DetectionSettings settings;

  public DnsDetector(DetectionSettings settings) {
    this.settings = settings;
  }

  @Override
  public List<Finding> evaluate(List<DeviceEvent> recent, Instant now) {
    List<DeviceEvent> failures = RecentEvents.of(recent, EventKind.DNS_FAILURE, now, settings.dnsWindow());
    if (failures.size() < settings.dnsFailures()) {
      return List.of();
    }
    String host = failures.stream().map(e -> e.getDetails().get("host")).filter(h -> h != null).reduce((a, b) -> b).orElse(null);
    String summary = host != null
        ? "DNS lookup failed " + failures.size() + " times, last for " + host
        : "DNS lookup failed " + failures.size() + " times";
    return List.of(new Finding(AlertKind.DNS_FAILURE, null, Severity.critical, null, summary, Hints.DNS,
        RecentEvents.evidence(failures), RecentEvents.first(failures)));
  }
}
