package io.fleetpulse.api.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What must be up before this process serves traffic (for {@code /readyz}): the streams instance
 * running, the collector listening, and so on, each under a name an operator can read; and what,
 * once running, makes its answers incomplete (a stalled pipeline), each with its problems spelled out.
 */
public final class Readiness {

  private final Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
  private final Map<String, Supplier<List<String>>> degradations = new LinkedHashMap<>();

  public Readiness require(String name, BooleanSupplier ready) {
    checks.put(name, ready);
    return this;
  }

  /** {@code problems} non-empty makes the process DEGRADED (not ready) under {@code name}. */
  public Readiness degradedWhen(String name, Supplier<List<String>> problems) {
    degradations.put(name, problems);
    return this;
  }

  /** Names of the checks that are not ready yet; empty when the process is ready. */
  public List<String> notReady() {
    return checks.entrySet().stream().filter(check -> !check.getValue().getAsBoolean()).map(Map.Entry::getKey).toList();
  }

  /** The current problems by name; empty when nothing degrades this process. */
  public Map<String, List<String>> problems() {
    Map<String, List<String>> problems = new LinkedHashMap<>();
    degradations.forEach((name, supplier) -> {
      List<String> current = supplier.get();
      if (!current.isEmpty()) {
        problems.put(name, current);
      }
    });
    return problems;
  }
}
