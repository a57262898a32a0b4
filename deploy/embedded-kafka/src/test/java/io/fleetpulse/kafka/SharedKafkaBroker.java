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
 * JUnit 5 extension: one embedded Kafka broker per test JVM, shared by every test class that uses it.
 *
 * <p>Starting a broker costs seconds; the suite starts it once per module and stops it when the JVM's
 * tests end (the root store closes it). Tests keep out of each other's way by using their own topics,
 * consumer groups and device ids.
 *
 * <pre>{@code
 * @ExtendWith(SharedKafkaBroker.class)
 * class MyIT {
 *   @Test void works(EmbeddedKafkaBroker kafka) { ... kafka.bootstrapServers() ... }
 * }
 * }</pre>
 */
public final class SharedKafkaBroker implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedKafkaBroker.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    broker(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmbeddedKafkaBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return broker(context);
  }

  /** The shared broker, started on first use. */
  public static EmbeddedKafkaBroker broker(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(RunningBroker.class, key -> RunningBroker.start(), RunningBroker.class)
        .broker();
  }

  /** Closed by JUnit when the root context ends; removes the broker's temporary data. */
  private record RunningBroker(EmbeddedKafkaBroker broker, Path dataDir) implements AutoCloseable {

    static RunningBroker start() {
      try {
        Path dataDir = Files.createTempDirectory("fleetpulse-test-kafka");
        return new RunningBroker(new EmbeddedKafkaBroker(EmbeddedKafkaBroker.Settings.of(dataDir)).start(), dataDir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      broker.close();
      try (Stream<Path> paths = Files.walk(dataDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }
}
