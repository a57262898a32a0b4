package io.fleetpulse.streams.detect;

import io.fleetpulse.schemas.DeviceEvent;
import java.time.Instant;
import java.util.List;

/** One alert kind's rule over a device's recent events. */
public interface Detector {

  /**
   * @param recent the device's events from {@code now} minus {@link DetectionSettings#lookback()} up to
   *     {@code now}, in event-time order
   */
  List<Finding> evaluate(List<DeviceEvent> recent, Instant now);
}
