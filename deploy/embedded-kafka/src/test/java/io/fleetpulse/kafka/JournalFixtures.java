package io.fleetpulse.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The masterclass journal excerpts in {@code testdata/masterclass} ({@code journalctl -o json} lines),
 * found through the {@code fleetpulse.testdata} property the parent POM gives every test JVM.
 */
public final class JournalFixtures {

  private JournalFixtures() {}

  public static Path dir() {
    String dir = System.getProperty("fleetpulse.testdata");
    if (dir == null) {
      throw new IllegalStateException("fleetpulse.testdata is not set: run the tests through Maven, or pass -Dfleetpulse.testdata=<repo>/testdata");
    }
    return Path.of(dir);
  }

  /** The whole file, as the bytes a device would push. */
  public static String masterclass(String fileName) {
    try {
      return Files.readString(dir().resolve("masterclass").resolve(fileName), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
