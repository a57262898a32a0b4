package io.fleetpulse.collector.ssh;

import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.schemas.DeviceFacts;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what a device runs from {@code /etc/os-release} and balenaOS's {@code /etc/balena-supervisor/supervisor.conf}
 * ({@code KEY=value} lines, values maybe quoted): the OS from {@code PRETTY_NAME} (else {@code NAME VERSION}), the
 * device type from {@code SLUG} (else {@code MACHINE}), the supervisor from {@code SUPERVISOR_VERSION} (else
 * {@code SUPERVISOR_TAG}) without its leading {@code v}. The app release is not in either file: the device's facts
 * endpoint or its supervisor's API say it. Values that are too long or hold control characters are left out.
 */
public final class SoftwareFactsParser {

  static final int MAX_VALUE = 128;

  private SoftwareFactsParser() {}

  public static Optional<DeviceFacts> parse(String output, DeviceRef device, Instant at) {
    Map<String, String> values = new HashMap<>();
    for (String line : output.split("\n")) {
      int equals = line.indexOf('=');
      if (equals <= 0 || line.startsWith("#")) {
        continue;
      }
      String value = unquoted(line.substring(equals + 1).strip());
      if (!value.isEmpty() && value.length() <= MAX_VALUE && value.chars().noneMatch(Character::isISOControl)) {
        values.putIfAbsent(line.substring(0, equals).strip(), value);
      }
    }
    String os = values.containsKey("PRETTY_NAME") ? values.get("PRETTY_NAME")
        : values.containsKey("NAME") && values.containsKey("VERSION") ? values.get("NAME") + " " + values.get("VERSION") : null;
    String deviceType = values.getOrDefault("SLUG", values.get("MACHINE"));
    String supervisor = values.getOrDefault("SUPERVISOR_VERSION", values.get("SUPERVISOR_TAG"));
    if (supervisor != null && supervisor.startsWith("v")) {
      supervisor = supervisor.substring(1);
    }
    if (os == null && deviceType == null && supervisor == null) {
      return Optional.empty();
    }
    return Optional.of(DeviceFacts.newBuilder().setDeviceUuid(device.uuid()).setFleet(device.fleet()).setOs(os)
        .setSupervisor(supervisor).setDeviceType(deviceType).setSource("ssh").setAt(at).build());
  }

  private static String unquoted(String value) {
    if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }
}
