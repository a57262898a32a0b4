package io.fleetpulse.streams.rules;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules file ({@code streams.rules}), read at start and again whenever it changes (looked at every
 * {@link #EVERY}): a valid new version goes to {@link #onChange} (by default straight into force; with several
 * instances, to {@link RulesTopic}, which puts it in force everywhere); a refused file, or one that vanished, leaves
 * the rules in force as they are, and says why in the log, in {@link #status()} (GET /api/v1/rules) and in the
 * metrics ({@code fleetpulse_rules_refused} 1).
 */
public final class RulesFileWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RulesFileWatcher.class);
  static final Duration EVERY = Duration.ofSeconds(2);

  /** The rules in force and why the last read of the file was refused (null: it was not). */
  public record Status(RuleSet inForce, String error) {}

  /** A version of the file that passed: its rules, its text and when it was written. */
  public record Accepted(RuleSet rules, String text, Instant modified) {}

  private final Path file;
  private final RulesInForce rules;
  private final ScheduledExecutorService timer;
  private final Accepted first;
  private volatile String error;
  private volatile Consumer<Accepted> onChange;
  private Object seen;

  /**
   * Reads the file and puts it in force; a file that cannot be read or is invalid refuses the start, naming every
   * error: there are no rules in force yet to keep.
   */
  public RulesFileWatcher(Path file, RulesInForce rules) throws IOException, RulesRefusedException {
    this.file = file;
    this.rules = rules;
    this.onChange = accepted -> rules.replace(accepted.rules());
    this.seen = stamp();
    this.first = read();
    rules.replace(first.rules());
    log.info("Rules {} in force: {} rules from {}", first.rules().version(), first.rules().rules().size(), file);
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "fleetpulse-rules-watch");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** The file as read at start. */
  public Accepted first() {
    return first;
  }

  /** Where a valid changed version goes from now on, instead of straight into force. */
  public RulesFileWatcher onChange(Consumer<Accepted> handler) {
    this.onChange = handler;
    return this;
  }

  /** Looks at the file every {@link #EVERY} from now on. */
  public RulesFileWatcher start(MeterRegistry metrics) {
    Gauge.builder("fleetpulse.rules.in.force", () -> rules.current().rules().size())
        .description("User rules in force (streams.rules)").register(metrics);
    Gauge.builder("fleetpulse.rules.refused", () -> error == null ? 0 : 1)
        .description("1 when the rules file's last version was refused or the file vanished: the previous rules stay in force")
        .register(metrics);
    timer.scheduleWithFixedDelay(this::check, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  public Status status() {
    return new Status(rules.current(), error);
  }

  /** Looks at the file once: reads it only if its size, time or identity changed. */
  void check() {
    Object now;
    try {
      now = stamp();
    } catch (NoSuchFileException e) {
      refused("the rules file " + file + " vanished; the rules in force (" + rules.current().version() + ") stay");
      seen = null;
      return;
    } catch (IOException | RuntimeException e) {
      refused("the rules file " + file + " cannot be read (" + e + "); the rules in force stay");
      return;
    }
    if (Objects.equals(now, seen)) {
      return;
    }
    seen = now;
    try {
      Accepted next = read();
      error = null;
      if (!next.rules().version().equals(rules.current().version())) {
        log.info("Rules file {} changed: version {}, {} rules", file, next.rules().version(), next.rules().rules().size());
        onChange.accept(next);
      }
    } catch (RulesRefusedException e) {
      refused(e.getMessage() + "; the rules in force (" + rules.current().version() + ") stay");
      e.errors().forEach(each -> log.warn("  {}", each));
    } catch (IOException | RuntimeException e) {
      refused("the rules file " + file + " cannot be read (" + e + "); the rules in force stay");
    }
  }

  private Accepted read() throws IOException, RulesRefusedException {
    Instant modified = Files.getLastModifiedTime(file).toInstant();
    String text = RulesFile.text(file);
    return new Accepted(RulesFile.parse(text), text, modified);
  }

  private void refused(String why) {
    if (!why.equals(error)) {
      log.warn("{} (check it with ./fleetpulse rules check {})", why, file);
    }
    error = why;
  }

  private Object stamp() throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return List.of(attributes.size(), attributes.lastModifiedTime(), Objects.toString(attributes.fileKey()));
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
