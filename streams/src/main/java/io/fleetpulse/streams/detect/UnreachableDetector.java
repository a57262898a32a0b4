package io.fleetpulse.streams.detect;

import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.ConnectionState;
import io.fleetpulse.schemas.DeviceStatus;
import io.fleetpulse.schemas.Severity;
import java.time.Instant;
import java.util.List;

/** DEVICE_UNREACHABLE: the SSH collector has not been streaming from the device for the configured time. */
public final class UnreachableDetector {

  private final DetectionSettings settings;

  public UnreachableDetector(DetectionSettings settings) {
    this.settings = settings;
  }

  public List<Finding> evaluate(DeviceStatus status, Instant now) {
    if (status.getState() == ConnectionState.STREAMING || status.getSince().plus(settings.unreachableAfter()).isAfter(now)) {
      return List.of();
    }
    String detail = status.getDetail() != null ? ": " + status.getDetail() : "";
    String summary = "Device unreachable over SSH since " + status.getSince() + " (" + status.getState() + detail + ")";
    return List.of(new Finding(AlertKind.DEVICE_UNREACHABLE, null, Severity.critical, status.getState().name(), summary,
        Hints.UNREACHABLE, List.of(summary), status.getSince()));
  }
}
