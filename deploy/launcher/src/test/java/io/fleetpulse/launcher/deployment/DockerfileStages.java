package io.fleetpulse.launcher.deployment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The stages of a Dockerfile with the instructions each one has, its base stage's included. */
final class DockerfileStages {

  private static final Pattern FROM = Pattern.compile("(?i)^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?");
  private static final Pattern ENV_PAIR = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)");

  /** One stage: the image or stage it starts from, and its instructions (continuation lines joined). */
  record Stage(String name, String from, List<String> instructions) {}

  private final Map<String, Stage> stages = new LinkedHashMap<>();

  DockerfileStages(Path dockerfile) {
    String joined = RepositoryFiles.read(dockerfile).replaceAll("\\\\\\n\\s*", " ");
    Stage current = null;
    for (String line : joined.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList()) {
      Matcher from = FROM.matcher(line);
      if (from.find()) {
        String name = from.group(2) == null ? "stage" + stages.size() : from.group(2);
        current = new Stage(name, from.group(1), new ArrayList<>());
        stages.put(name, current);
      } else if (current != null) {
        current.instructions().add(line);
      }
    }
  }

  boolean has(String stage) {
    return stages.containsKey(stage);
  }

  /** The stage's instructions after its base stages' ones, as the built image has them. */
  List<String> instructions(String stage) {
    Stage found = stages.get(stage);
    if (found == null) {
      throw new AssertionError("The Dockerfile has no stage " + stage + "; it has " + stages.keySet());
    }
    List<String> all = new ArrayList<>(stages.containsKey(found.from()) ? instructions(found.from()) : List.of());
    all.addAll(found.instructions());
    return all;
  }

  /** The last value of {@code instruction} (USER, CMD, HEALTHCHECK, ...) in the built image, or null. */
  String last(String stage, String instruction) {
    String value = null;
    for (String line : instructions(stage)) {
      if (line.toUpperCase(java.util.Locale.ROOT).startsWith(instruction + " ")) {
        value = line.substring(instruction.length() + 1).strip();
      }
    }
    return value;
  }

  /** The environment the image's process starts with (ENV key=value instructions). */
  Map<String, String> environment(String stage) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : instructions(stage)) {
      if (line.startsWith("ENV ")) {
        Matcher pair = ENV_PAIR.matcher(line.substring(4));
        while (pair.find()) {
          env.put(pair.group(1), pair.group(2).replace("\"", ""));
        }
      }
    }
    return env;
  }
}
