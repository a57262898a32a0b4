package io.fleetpulse.api.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What must be up before this process serves traffic (for {@code /readyz}): the streams instance
 * running, the collector listening, and so on, each under a name an operator can read.
 */
public final class Readiness {

  private final Map<String, BooleanSupplier> checks = new LinkedHashMap<>();

  public Readiness require(String name, BooleanSupplier ready) {
    checks.put(name, ready);
    return this;
  }

  /** Names of the checks that are not ready yet; empty when the process is ready. */
  public List<String> notReady() {
    return checks.entrySet().stream().filter(check -> !check.getValue().getAsBoolean()).map(Map.Entry::getKey).toList();
  }
}
