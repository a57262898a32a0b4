package io.fleetpulse.bench;

import io.fleetpulse.bench.crash.CrashBenchCommand;
import picocli.CommandLine.Command;

/** {@code fleetpulse bench …}: benchmarks run side by side with their baseline, in the same run. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    header = "Run a benchmark next to its baseline and append the result to docs/benchmarks.md.",
    subcommands = {IngestBenchCommand.class, PipelineBenchCommand.class, QueryBenchCommand.class, SshBenchCommand.class,
        CrashBenchCommand.class, PushMemoryBenchCommand.class, FleetBenchCommand.class, SimulatorBenchCommand.class,
        NoiseBenchCommand.class})
public final class BenchCommand {}
