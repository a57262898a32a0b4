package io.fleetpulse.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A benchmark's table in the results file (docs/benchmarks.md): its title and header once, then a row per run. */
final class ResultsFile {

  private ResultsFile() {}

  static void appendRow(Path results, String title, String header, String row) throws IOException {
    if (!Files.exists(results) || !Files.readString(results).contains(header)) {
      Files.writeString(results, "\n" + title + "\n\n" + header, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    Files.writeString(results, row, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
