package io.fleetpulse.launcher;

import io.fleetpulse.api.pipeline.PipelineWatchdog;
import io.fleetpulse.api.pipeline.TransactionInspector;
import io.fleetpulse.collector.publish.JournalPublisher;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import io.fleetpulse.launcher.doctor.PipelineDoctor;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleetpulse doctor}: what holds the pipeline up, against the embedded broker of {@code run} or any Kafka. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    header = "Check the pipeline: hanging transactions, stuck partitions, the streams' lag, transactional ids in use.",
    description = {
        "Asks Kafka (kafka.bootstrap, or the embedded broker of a running ./fleetpulse run on embedded.port) which of "
            + "fleetpulse's partitions hold records behind an open transaction, which of those transactions hang (their "
            + "producer last wrote longer ago than --hanging-after), how far the streams are behind, and which "
            + "transactional ids exist. With --abort-hanging it ends the hanging transactions after saying what it will do: "
            + "committed where their coordinator decided to commit (the marker was lost), aborted otherwise.",
        "",
        "Exit code: 0 when nothing hangs (or everything hanging was ended), 1 when hanging transactions remain, "
            + "3 when Kafka cannot be reached.",
        ""})
final class DoctorCommand implements Callable<Integer> {

  @Mixin
  ConfigOptions options;

  @Spec
  CommandSpec spec;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
      description = "The Kafka cluster (default: kafka.bootstrap, else the embedded broker on 127.0.0.1:embedded.port)")
  String bootstrapServers;

  @Option(names = "--abort-hanging", description = "End the hanging transactions found: commit those their coordinator committed, abort the others")
  boolean abortHanging;

  @Option(names = "--hanging-after", paramLabel = "SECONDS",
      description = "A transaction open with no write for this long hangs (default: the pipeline watchdog's stall limit, "
          + "2 x kafka.deliveryTimeoutSeconds + 30 unless pipeline.stallSeconds is set)")
  Integer hangingAfterSeconds;

  @Override
  public Integer call() {
    List<String> flags = new ArrayList<>();
    if (bootstrapServers != null) {
      flags.add("kafka.bootstrap=" + bootstrapServers);
    }
    FleetpulseConfig config = options.load(flags);
    String bootstrap = config.toolsBootstrap();
    String applicationId = config.streams().applicationId();
    Duration hangingAfter = hangingAfterSeconds != null ? Duration.ofSeconds(hangingAfterSeconds) : config.pipeline().stallAfter(config.kafka());
    PrintWriter out = spec.commandLine().getOut();
    out.printf("Kafka at %s%n", bootstrap);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.CLIENT_ID_CONFIG, "fleetpulse-doctor", AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000))) {
      PipelineDoctor.Findings findings = new PipelineDoctor(new TransactionInspector(admin, Duration.ofSeconds(15)),
          new PipelineDoctor.Settings(PipelineWatchdog.topicPrefixes(applicationId),
              List.of(JournalPublisher.TRANSACTIONAL_ID_PREFIX, config.collector().ssh().transactionalId(), applicationId + "-"),
              applicationId, hangingAfter, abortHanging), out, Clock.systemUTC()).examine();
      out.printf("%d hanging, %d ended, %d left%n", findings.hanging(), findings.ended(), findings.unresolved());
      return findings.unresolved() == 0 ? 0 : 1;
    } catch (KafkaException e) {
      spec.commandLine().getErr().printf("fleetpulse doctor: cannot ask Kafka at %s (%s). Is ./fleetpulse run running, or is "
          + "kafka.bootstrap / --bootstrap-servers right?%n", bootstrap, e.getMessage());
      return 3;
    }
  }
}
