package io.fleetpulse.launcher.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The deployment artefacts in the repository, found from wherever Maven runs the tests. */
public final class RepositoryFiles {

  public static final Path ROOT = findRoot();
  static final Path COMPOSE_DIR = ROOT.resolve("deploy/compose");
  public static final Path COMPOSE_FILE = COMPOSE_DIR.resolve("compose.yaml");
  static final Path DOCKERFILE = ROOT.resolve("deploy/docker/Dockerfile");
  static final Path CHART = ROOT.resolve("helm/fleetpulse");
  static final Path RULES_DIR = CHART.resolve("files/prometheus");
  static final Path DASHBOARDS_DIR = COMPOSE_DIR.resolve("grafana/dashboards");

  private RepositoryFiles() {}

  /** Every file ending in {@code suffix} directly in {@code dir}, sorted. */
  static List<Path> list(Path dir, String suffix) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(file -> file.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path findRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("deploy/compose/compose.yaml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("Run the tests inside the fleetpulse repository: deploy/compose/compose.yaml not found above "
        + Path.of("").toAbsolutePath());
  }
}
