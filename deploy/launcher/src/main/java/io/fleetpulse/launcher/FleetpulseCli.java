package io.fleetpulse.launcher;

import io.fleetpulse.bench.BenchCommand;
import io.fleetpulse.launcher.config.ConfigException;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fleetpulse} command. Subcommands are listed only once they work. */
@Command(
    name = "fleetpulse",
    mixinStandardHelpOptions = true,
    versionProvider = FleetpulseCli.Version.class,
    description = "Fleet-health pipeline for balenaOS devices: journals in, alerts and device health out.",
    subcommands = {DemoCommand.class, RunCommand.class, RoleCommand.Collector.class, RoleCommand.Api.class, BrokerCommand.class,
        ClusterCommand.class,
        SimulateCommand.class, BenchCommand.class,
        TokenCommand.class, DoctorCommand.class, NotifyCommand.class, SshCommand.class, JournalCommand.class, RulesCommand.class, CommandLine.HelpCommand.class})
public final class FleetpulseCli {

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    CommandLine cli = new CommandLine(new FleetpulseCli());
    cli.setExecutionExceptionHandler((error, commandLine, parseResult) -> {
      if (error instanceof ConfigException) {
        commandLine.getErr().println("fleetpulse: " + error.getMessage());
        return 2;
      }
      throw error;
    });
    System.exit(cli.execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = FleetpulseCli.class.getPackage().getImplementationVersion();
      return new String[] {"fleetpulse " + (version == null ? "development build" : version)};
    }
  }
}
