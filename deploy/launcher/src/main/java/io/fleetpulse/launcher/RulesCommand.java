package io.fleetpulse.launcher;

import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.collector.journal.JournalEntryNormalizer;
import io.fleetpulse.collector.journal.JournalJsonParser;
import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.journal.MalformedEntryException;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.rules.Rule;
import io.fleetpulse.streams.rules.RuleError;
import io.fleetpulse.streams.rules.RuleSet;
import io.fleetpulse.streams.rules.RulesFile;
import io.fleetpulse.streams.rules.RulesRefusedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fleetpulse rules}: the users' rules files (CONTRACT.md, "Rules users write"). */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    header = "Check a rules file before it goes live.",
    subcommands = {RulesCommand.Check.class})
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
