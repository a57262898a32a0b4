package io.fleetpulse.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The simulator's command-line options, shared by {@code simulate} and {@code demo}. */
public final class SimulationOptions {

  /** The command this mixin is part of, to refuse a bad option as picocli refuses its own. */
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(names = "--devices", defaultValue = "50", description = "Number of devices (default: ${DEFAULT-VALUE})")
  int devices;

  @Option(names = "--fleets", defaultValue = "3", description = "Number of fleets (default: ${DEFAULT-VALUE})")
  int fleets;

  @Option(names = "--rate", defaultValue = "2", description = "Journal entries per second per device (default: ${DEFAULT-VALUE})")
  double rate;

  @Option(names = "--seed", defaultValue = "42", description = "Seed: the same seed replays the same fleet (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--scenarios", defaultValue = "all", split = ",",
      description = "Failures to replay: all, none, or a list of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
      completionCandidates = ScenarioNames.class)
  List<String> scenarios;

  @Option(names = "--profile", defaultValue = "steady", description = "What healthy devices log: steady (--rate entries/s each, "
      + "for load) or day (a healthy fleet's day from real lines: reboots without a real-time clock, release updates, DHCP "
      + "renewals, link flaps, VPN ping-restarts, single DNS and TLS blips; nothing in it should alert; failure scenarios "
      + "start in its last 15 minutes) (default: ${DEFAULT-VALUE})")
  String profile;

  @Option(names = "--hours", defaultValue = "24", description = "Hours of the day (--profile day) and of the replay (--speed) "
      + "(default: ${DEFAULT-VALUE})")
  double hours;

  @Option(names = "--speed", defaultValue = "1", description = "Fleet seconds per second: above 1, the first --hours are replayed "
      + "that much faster, starting far enough in the past to reach the present as they end (as devices uploading what they "
      + "logged offline; fleetpulse takes it as a backfill); then the fleet lives in the present (default: ${DEFAULT-VALUE})")
  double speed;

  /** Starts the simulated fleet pushing to the collector at {@code collectorUrl}. */
  public SimulationRun start(String collectorUrl) {
    return prepare(collectorUrl).start();
  }

  /** The simulated fleet these options describe, not pushing yet. */
  public SimulationRun prepare(String collectorUrl) {
    if (hours <= 0 || speed < 1) {
      throw new ParameterException(command.commandLine(), "--hours must be positive and --speed at least 1");
    }
    return new SimulationRun(new SimulatorSettings(devices, fleets, rate, seed, scenarioSet(), profile(),
        Duration.ofSeconds(Math.round(hours * 3600)), speed), collectorUrl);
  }

  /** The device → scenario assignments of a run, as lines for people to read. */
  public static List<String> describe(SimulationRun run) {
    return run.expectations().stream().map(expected -> String.format("%s (fleet %s): %s → expect %s", expected.deviceUuid(),
        expected.fleet(), expected.scenario(), expected.expected())).toList();
  }

  private Profile profile() {
    try {
      return Profile.valueOf(profile.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), "Unknown profile '" + profile + "'; choose steady or day");
    }
  }

  private EnumSet<Scenario> scenarioSet() {
    if (scenarios.contains("all")) {
      return EnumSet.allOf(Scenario.class);
    }
    EnumSet<Scenario> chosen = EnumSet.noneOf(Scenario.class);
    for (String name : scenarios) {
      if (!name.equals("none")) {
        try {
          chosen.add(Scenario.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_')));
        } catch (IllegalArgumentException e) {
          throw new ParameterException(command.commandLine(),
              "Unknown scenario '" + name + "'; choose from all, none, " + String.join(", ", new ScenarioNames()));
        }
      }
    }
    return chosen;
  }

  /** Scenario names as users type them: engine-sigkill, clock-2017, ... */
  static final class ScenarioNames extends ArrayList<String> {
    ScenarioNames() {
      for (Scenario scenario : Scenario.values()) {
        add(scenario.name().toLowerCase(Locale.ROOT).replace('_', '-'));
      }
    }
  }
}
