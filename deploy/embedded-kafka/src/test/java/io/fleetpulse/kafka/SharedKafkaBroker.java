package io.fleetpulse.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one embedded Kafka broker per test JVM, shared by every test class that uses it,
 * whichever test engine runs it (jqwik properties reach it through {@link #broker()}).
 *
 * <p>Starting a broker costs seconds; the suite starts it once per module and stops it when the test
 * JVM exits. Tests keep out of each other's way by using their own topics, consumer groups and device ids.
 *
 * <pre>{@code
 * @ExtendWith(SharedKafkaBroker.class)
 * class MyIT {
 *   @Test void works(EmbeddedKafkaBroker kafka) { ... kafka.bootstrapServers() ... }
 * }
 * }</pre>
 */
public final class SharedKafkaBroker implements BeforeAllCallback, ParameterResolver {

  private static RunningBroker running;

  @Override
  public void beforeAll(ExtensionContext context) {
    broker();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmbeddedKafkaBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return broker();
  }

  /** The shared broker, started on first use; stopped, and its data removed, when the JVM exits. */
  public static synchronized EmbeddedKafkaBroker broker() {
    if (running == null) {
      running = RunningBroker.start();
      Runtime.getRuntime().addShutdownHook(new Thread(running::close, "shared-kafka-broker-stop"));
    }
    return running.broker();
  }

  private record RunningBroker(EmbeddedKafkaBroker broker, Path dataDir) {

    static RunningBroker start() {
      try {
        Path dataDir = Files.createTempDirectory("fleetpulse-test-kafka");
        return new RunningBroker(new EmbeddedKafkaBroker(EmbeddedKafkaBroker.Settings.of(dataDir)).start(), dataDir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void close() {
      broker.close();
      try (Stream<Path> paths = Files.walk(dataDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
