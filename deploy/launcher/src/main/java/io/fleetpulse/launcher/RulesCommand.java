package io.fleetpulse.launcher;

import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.collector.journal.JournalEntryNormalizer;
import io.fleetpulse.collector.journal.JournalJsonParser;
import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.journal.MalformedEntryException;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import io.fleetpulse.streams.rules.Rule;
import io.fleetpulse.streams.rules.RuleError;
import io.fleetpulse.streams.rules.RuleSet;
import io.fleetpulse.streams.rules.RulesBacktest;
import io.fleetpulse.streams.rules.RulesFile;
import io.fleetpulse.streams.rules.RulesRefusedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fleetpulse rules}: the users' rules files (CONTRACT.md, "Rules users write"). */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    header = "Check a rules file, and replay the stored journals through it, before it goes live.",
    subcommands = {RulesCommand.Check.class, RulesCommand.Backtest.class})
final class RulesCommand {

  /** {@code fleetpulse rules check FILE}. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      header = "Check a rules file: every error by rule and field, or each rule's matches among the masterclass's journal lines.",
      description = {
          "Reads FILE as the streams would (streams.rules). A valid file prints its version and, per rule, how many of the "
              + "masterclass's journal excerpts' lines it matches, with up to three of them (a rule's fleet condition is not "
              + "applied to them). A file with errors prints one line per error, naming the rule and the field; the rules in "
              + "force on a running instance are never changed by a file with errors.",
          "",
          "Exit code: 0 when the file is valid, 1 when it is not (or cannot be read)."})
  static final class Check implements Callable<Integer> {

    private static final int SAMPLES = 3;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The rules file (YAML)")
    Path file;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      RuleSet rules;
      try {
        rules = RulesFile.read(file);
      } catch (RulesRefusedException e) {
        for (RuleError error : e.errors()) {
          err.println(file + ": " + error);
        }
        return 1;
      } catch (IOException e) {
        err.println(file + ": cannot read it (" + e + ")");
        return 1;
      }
      List<MasterclassLine> lines = MasterclassLine.all();
      out.printf("%s: valid, %d rules, version %s%n", file, rules.rules().size(), rules.version());
      for (Rule rule : rules.rules()) {
        // The excerpts belong to no fleet of the user's: a rule for one fleet is tried on them all the same.
        Rule anyFleet = new Rule(rule.name(), rule.match(), null, rule.event(), rule.alert());
        List<MasterclassLine> matched = lines.stream().filter(line -> anyFleet.match(line.entry()).isPresent()).toList();
        out.printf("  %s -> %s%s: matches %d of the %d masterclass lines%n", rule.name(), rule.event(),
            rule.alert() == null ? "" : " (alerts)", matched.size(), lines.size());
        matched.stream().limit(SAMPLES).forEach(line -> out.printf("      %s:%d  %s%n", line.file(), line.number(), line.entry().getMessage()));
      }
      return 0;
    }
  }

  /** {@code fleetpulse rules backtest FILE --since 24h}. */
  @Command(
      name = "backtest",
      mixinStandardHelpOptions = true,
      header = "Replay the journals Kafka holds through a rules file, apart from the live pipeline: what each rule would have done.",
      description = {
          "Reads every journal topic from --since ago to its end (read_committed, its own consumer: the live pipeline is "
              + "not touched) and runs FILE's rules over each line as the streams would, judging each rule's alerts the same way. "
              + "Prints per rule the matching lines, on how many devices, the alerts it would have raised with their times, and "
              + "three sample lines; --json prints {\"rules\":[{\"name\",\"matches\",\"devices\",\"alerts\":[{\"device\","
              + "\"subject\",\"at\"}],\"samples\":[...]}]}. Progress goes to stderr every 5 s.",
          "",
          "Exit code: 0 with the report, 1 when the file is refused, 2 when Kafka cannot be read."})
  static final class Backtest implements Callable<Integer> {

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The rules file (YAML)")
    Path file;

    @Option(names = "--since", paramLabel = "DURATION", description = "How far back, e.g. 30m, 24h, 7d (default ${DEFAULT-VALUE})")
    String since = "24h";

    @Option(names = "--fleet", description = "Only this fleet's devices")
    String fleet;

    @Option(names = "--json", description = "Print the report as JSON")
    boolean json;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
        description = "The Kafka cluster (default: kafka.bootstrap, else the embedded broker on 127.0.0.1:embedded.port)")
    String bootstrapServers;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Duration back = duration(since);
      if (back == null) {
        err.println("--since: '" + since + "' is not a duration such as 30m, 24h or 7d");
        return 1;
      }
      RuleSet rules;
      try {
        rules = RulesFile.read(file);
      } catch (RulesRefusedException e) {
        e.errors().forEach(error -> err.println(file + ": " + error));
        return 1;
      } catch (IOException e) {
        err.println(file + ": cannot read it (" + e + ")");
        return 1;
      }
      List<String> flags = bootstrapServers == null ? List.of() : List.of("kafka.bootstrap=" + bootstrapServers);
      String bootstrap = options.load(flags).toolsBootstrap();
      Instant from = Instant.now().minus(back);
      RulesBacktest backtest = new RulesBacktest(rules);
      try {
        replay(bootstrap, from, backtest, err);
      } catch (KafkaException e) {
        err.printf("Kafka at %s could not be read: %s. Is kafka.bootstrap / --bootstrap-servers right?%n", bootstrap, e.getMessage());
        return 2;
      }
      List<RulesBacktest.RuleReport> reports = backtest.report();
      if (json) {
        out.println(jsonOf(reports).encodePrettily());
      } else {
        out.printf("%s (version %s) over the journals since %s%s: %,d lines%n", file, rules.version(), from,
            fleet == null ? "" : ", fleet " + fleet, backtest.entries());
        for (RulesBacktest.RuleReport report : reports) {
          out.printf("  %s -> %s: %,d matching lines on %,d devices%s%n", report.name(), report.event(), report.matches(), report.devices(),
              rules.rule(report.name()).orElseThrow().alert() == null ? "" : ", " + report.alerts().size() + " alerts");
          report.alerts().stream().limit(10).forEach(alert -> out.printf("      alert %s%s at %s%n", alert.device(),
              alert.subject() == null ? "" : " (" + alert.subject() + ")", alert.at()));
          if (report.alerts().size() > 10) {
            out.printf("      … and %d more (--json lists them all)%n", report.alerts().size() - 10);
          }
          report.samples().forEach(sample -> out.printf("      | %s%n", sample));
        }
      }
      return 0;
    }

    /** Every journal topic's records from {@code from} to the end they had when this started. */
    private void replay(String bootstrap, Instant from, RulesBacktest backtest, PrintWriter progress) {
      try (KafkaConsumer<String, JournalEntry> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          ConsumerConfig.CLIENT_ID_CONFIG, "fleetpulse-rules-backtest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
          ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000),
          new StringDeserializer(), FleetSerdes.journalEntry().deserializer())) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : Topics.journalTopics()) {
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        Map<TopicPartition, Long> start = new HashMap<>();
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(partition -> times.put(partition, from.toEpochMilli()));
        consumer.offsetsForTimes(times, Duration.ofSeconds(30)).forEach((partition, found) -> {
          long offset = found == null ? end.get(partition) : found.offset();
          start.put(partition, offset);
          consumer.seek(partition, offset);
        });
        long total = partitions.stream().mapToLong(partition -> end.get(partition) - start.get(partition)).sum();
        long read = 0;
        long nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
        List<TopicPartition> open = new ArrayList<>(partitions.stream().filter(p -> start.get(p) < end.get(p)).toList());
        consumer.pause(partitions.stream().filter(p -> !open.contains(p)).toList());
        while (!open.isEmpty()) {
          for (ConsumerRecord<String, JournalEntry> record : consumer.poll(Duration.ofMillis(500))) {
            read++;
            if (fleet == null || fleet.equals(record.value().getFleet())) {
              backtest.accept(record.value());
            }
          }
          for (TopicPartition partition : List.copyOf(open)) {
            if (consumer.position(partition) >= end.get(partition)) {
              open.remove(partition);
              consumer.pause(List.of(partition));
            }
          }
          if (System.nanoTime() > nextProgress) {
            progress.printf("backtest: read %,d of %,d journal records (%.0f %%)%n", read, total, total == 0 ? 100.0 : 100.0 * read / total);
            progress.flush();
            nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
          }
        }
      }
    }

    private static JsonObject jsonOf(List<RulesBacktest.RuleReport> reports) {
      JsonArray rules = new JsonArray();
      for (RulesBacktest.RuleReport report : reports) {
        JsonArray alerts = new JsonArray();
        report.alerts().forEach(alert -> alerts.add(new JsonObject().put("device", alert.device()).put("subject", alert.subject())
            .put("at", alert.at().toString())));
        rules.add(new JsonObject().put("name", report.name()).put("matches", report.matches()).put("devices", report.devices())
            .put("alerts", alerts).put("samples", new JsonArray(report.samples())));
      }
      return new JsonObject().put("rules", rules);
    }

    private static Duration duration(String text) {
      Matcher parts = Pattern.compile("([0-9]{1,6})([mhd])").matcher(text);
      if (!parts.matches()) {
        return null;
      }
      long amount = Long.parseLong(parts.group(1));
      return switch (parts.group(2)) {
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
  }

  /** One line of the masterclass's journal excerpts, packaged with the launcher, as the collector files it. */
  record MasterclassLine(String file, int number, JournalEntry entry) {

    private static final Pattern FILE = Pattern.compile("^\\| (\\S+\\.ndjson) \\|", Pattern.MULTILINE);

    static List<MasterclassLine> all() {
      JournalJsonParser parser = new JournalJsonParser(JournalLimits.DEFAULT);
      JournalEntryNormalizer normalizer = new JournalEntryNormalizer();
      DeviceRef device = new DeviceRef("00000000000000000000000000000000", "masterclass");
      List<MasterclassLine> lines = new ArrayList<>();
      Matcher files = FILE.matcher(resource("INDEX.md"));
      while (files.find()) {
        String file = files.group(1);
        String[] jsonLines = resource(file).split("\n");
        for (int i = 0; i < jsonLines.length; i++) {
          if (jsonLines[i].isBlank()) {
            continue;
          }
          byte[] bytes = jsonLines[i].getBytes(StandardCharsets.UTF_8);
          try {
            lines.add(new MasterclassLine(file, i + 1, normalizer.normalize(parser.parse(bytes, 0, bytes.length), device, Instant.EPOCH,
                "push-json")));
          } catch (MalformedEntryException e) {
            throw new IllegalStateException("masterclass/" + file + " line " + (i + 1) + " is malformed: " + e.getMessage(), e);
          }
        }
      }
      return lines;
    }

    private static String resource(String name) {
      try (InputStream in = MasterclassLine.class.getResourceAsStream("/masterclass/" + name)) {
        if (in == null) {
          throw new IllegalStateException("masterclass/" + name + " is missing from the launcher jar");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
