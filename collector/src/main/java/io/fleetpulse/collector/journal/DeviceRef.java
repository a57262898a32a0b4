package io.fleetpulse.collector.journal;

/** Which device sent the entries, and the fleet it belongs to. */
public record DeviceRef(String uuid, String fleet) {

  public static final String DEFAULT_FLEET = "default";
}
