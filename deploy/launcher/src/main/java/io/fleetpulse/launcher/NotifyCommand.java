package io.fleetpulse.launcher;

import io.fleetpulse.api.notify.DeadLetterReplay;
import io.fleetpulse.api.notify.NotifyRoute;
import io.fleetpulse.api.notify.NotifySettings;
import io.fleetpulse.api.silence.SilenceBook;
import io.fleetpulse.schemas.Topics;
import java.time.Clock;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import io.fleetpulse.launcher.config.NotifyRoutes;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code fleetpulse notify replay}: what a receiver missed during an outage, sent again. */
@Command(name = "notify", mixinStandardHelpOptions = true, header = "Alert notification routes: replay what a receiver missed.",
    subcommands = NotifyCommand.Replay.class)
final class NotifyCommand {

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      header = "Send a route's dead-lettered alerts (fleet.alerts.dlq) to its receiver again, now that it answers.",
      description = {
          "Reads the alerts the route gave up on (its receiver refused them or was down for all attempts) and sends them "
              + "again, in the order they were dead-lettered per device, marked as late (webhooks: X-Fleetpulse-Replayed and "
              + "the same Idempotency-Key as the first attempt; chat: a 'Late' line). A firing alert that has resolved since "
              + "is not sent. What was replayed is remembered: a second replay sends only what was dead-lettered since, "
              + "unless --since asks for a time again. The first failure stops the replay (the receiver is still down); "
              + "run it again later.",
          "",
          "Exit code: 0 when everything was sent, 1 when the receiver failed, 2 for a bad route or time.",
          ""})
  static final class Replay implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--route", required = true, paramLabel = "NAME", description = "The route, as named in notifications.routes")
    String routeName;

    @Option(names = "--since", paramLabel = "TIME",
        description = "Replay what was dead-lettered from this time on (RFC 3339, e.g. 2026-12-07T01:00:00Z), replayed before or not")
    String since;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
        description = "The Kafka cluster (default: kafka.bootstrap, else the embedded broker on 127.0.0.1:embedded.port)")
    String bootstrapServers;

    @Override
    public Integer call() throws Exception {
      List<String> flags = new ArrayList<>();
      if (bootstrapServers != null) {
        flags.add("kafka.bootstrap=" + bootstrapServers);
      }
      FleetpulseConfig config = options.load(flags);
      List<NotifyRoute> routes = NotifyRoutes.of(config.notifications().routes(), System.getenv());
      NotifyRoute route = routes.stream().filter(candidate -> candidate.name().equals(routeName)).findFirst()
          .orElseThrow(() -> new ParameterException(spec.commandLine(), "No route named '" + routeName + "'; the configured ones: "
              + (routes.isEmpty() ? "none" : routes.stream().map(NotifyRoute::name).collect(Collectors.joining(", ")))));
      Optional<Instant> from;
      try {
        from = Optional.ofNullable(since).map(Instant::parse);
      } catch (DateTimeParseException e) {
        throw new ParameterException(spec.commandLine(), "--since must be an RFC 3339 UTC time such as 2026-12-07T01:00:00Z, not '" + since + "'");
      }
      String bootstrap = config.toolsBootstrap();
      FleetpulseConfig.Notifications notify = config.notifications();
      String publicUrl = notify.publicUrl().isEmpty() ? "http://" + config.api().host() + ":" + config.api().port() : notify.publicUrl();
      NotifySettings settings = new NotifySettings(bootstrap, publicUrl, routes, notify.retry(),
          Duration.ofSeconds(notify.resendIntervalSeconds()), Duration.ofMinutes(notify.incidentUpdateMinutes()));
      PrintWriter out = spec.commandLine().getOut();
      out.printf("Replaying the dead letters of route %s (%s) from Kafka at %s%s%n", route.name(), route.type(), bootstrap,
          from.map(time -> ", dead-lettered since " + time).orElse(""));
      out.flush();
      DeadLetterReplay.Result result;
      // What an admin silenced or acknowledged since is not sent by hand either.
      try (SilenceBook silences = new SilenceBook(bootstrap, Clock.systemUTC()).start()) {
        if (!silences.awaitLoaded(Duration.ofSeconds(30))) {
          out.printf("The silences of %s could not be read in 30 s; replaying without them%n", Topics.SILENCES);
        }
        result = new DeadLetterReplay(settings, silences::mutes).replay(route, from, out);
      }
      out.printf("%d dead letter(s) of route %s: %d sent, %d resolved since, %d silenced or acknowledged since (not sent)%s%n",
          result.letters(), route.name(), result.delivered(), result.resolvedSince(), result.muted(),
          result.stoppedOn().map(error -> "; stopped on " + error).orElse(""));
      out.flush();
      return result.stoppedOn().isPresent() ? 1 : 0;
    }
  }
}
