package io.fleetpulse.streams.software;

import io.fleetpulse.schemas.DeviceFacts;
import io.fleetpulse.schemas.Software;
import java.util.Objects;
import java.util.Optional;

/**
 * What a device runs, merged from its facts as they come: a fact reported again replaces the one before, a fact not
 * reported this time is kept (the supervisor's start line says nothing of the OS), and {@code since} moves only when
 * something changed.
 */
public final class SoftwareFacts {

  private SoftwareFacts() {}

  /** The device's software after {@code facts}, or empty when they change nothing (or are older than what is known). */
  public static Optional<Software> merge(Software known, DeviceFacts facts) {
    if (known != null && facts.getAt().isBefore(known.getSince())) {
      return Optional.empty();
    }
    Software merged = Software.newBuilder()
        .setOs(either(facts.getOs(), known == null ? null : known.getOs()))
        .setSupervisor(either(facts.getSupervisor(), known == null ? null : known.getSupervisor()))
        .setRelease(either(facts.getRelease(), known == null ? null : known.getRelease()))
        .setDeviceType(either(facts.getDeviceType(), known == null ? null : known.getDeviceType()))
        .setSince(facts.getAt())
        .build();
    boolean same = known != null && Objects.equals(merged.getOs(), known.getOs())
        && Objects.equals(merged.getSupervisor(), known.getSupervisor()) && Objects.equals(merged.getRelease(), known.getRelease())
        && Objects.equals(merged.getDeviceType(), known.getDeviceType());
    return same ? Optional.empty() : Optional.of(merged);
  }

  private static String either(String reported, String known) {
    return reported != null ? reported : known;
  }
}
