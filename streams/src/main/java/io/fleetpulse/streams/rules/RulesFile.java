package io.fleetpulse.streams.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.Severity;
import io.fleetpulse.streams.health.HealthChecks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Reads a rules file (CONTRACT.md, "Rules users write") into a {@link RuleSet}, or refuses it as a whole with every
 * error named: the rule, the field and the reason. Nothing half-valid is ever in force.
 *
 * <p>Limits keep a careless file from costing the pipeline: at most {@link #MAX_RULES} rules, patterns of at most
 * {@link #MAX_PATTERN} characters compiled by RE2 (linear time in the line, whatever the pattern), windows of at most
 * {@link #MAX_WINDOW} (what the detectors look back over).
 */
public final class RulesFile {

  public static final int MAX_RULES = 500;
  public static final int MAX_PATTERN = 1_000;
  /** RE2's compiled program size: bounds the per-character cost of one regex. */
  static final int MAX_PROGRAM = 5_000;
  public static final long MAX_FILE_BYTES = 1 << 20;
  public static final Duration MAX_WINDOW = Duration.ofHours(6);
  static final int MAX_NAME = 64;
  static final int MAX_TEXT = 1_000;

  private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9_]+");
  private static final java.util.regex.Pattern EVENT = java.util.regex.Pattern.compile("[A-Z][A-Z0-9_]*");
  private static final java.util.regex.Pattern FIELD = java.util.regex.Pattern.compile("_{0,2}[A-Z0-9][A-Z0-9_]*");
  private static final java.util.regex.Pattern CUSTOM_CHECK = java.util.regex.Pattern.compile(HealthChecks.CUSTOM_PREFIX + "[a-z0-9_]+");
  private static final java.util.regex.Pattern DURATION = java.util.regex.Pattern.compile("([0-9]{1,7})(ms|s|m|h|d)");
  /** Kinds fleetpulse raises itself, now or as the contract plans them. */
  private static final Set<String> BUILT_IN_KINDS = builtInKinds();
  private static final List<String> PRIORITIES = List.of("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug");
  private static final Set<String> RULE_KEYS = Set.of("name", "match", "fleet", "event", "alert");
  private static final Set<String> MATCH_KEYS = Set.of("unit", "identifier", "priority", "fields", "message");
  private static final Set<String> ALERT_KEYS = Set.of("count", "within", "severity", "check", "resolveAfter", "hint", "subject");
  private static final Duration DEFAULT_WITHIN = Duration.ofMinutes(10);
  private static final Duration DEFAULT_RESOLVE_AFTER = Duration.ofMinutes(30);

  /** A key given twice is an error, not "the last one wins". */
  private static final YAMLMapper YAML = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final List<RuleError> errors = new ArrayList<>();

  private RulesFile() {}

  /** The rules in {@code file}; an unreadable, oversized or invalid file is refused with its reasons. */
  public static RuleSet read(Path file) throws IOException, RulesRefusedException {
    return parse(text(file));
  }

  /** The file's text, refused unread when it is larger than {@link #MAX_FILE_BYTES}. */
  public static String text(Path file) throws IOException, RulesRefusedException {
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw new RulesRefusedException(List.of(new RuleError(null, null, "the file has " + size + " bytes, more than the "
          + MAX_FILE_BYTES + " allowed")));
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** The rules in a file's text, as one version; refused as a whole with every error when any part is wrong. */
  public static RuleSet parse(String text) throws RulesRefusedException {
    return new RulesFile().rules(text);
  }

  private RuleSet rules(String text) throws RulesRefusedException {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw new RulesRefusedException(List.of(new RuleError(null, null, "not valid YAML: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"))));
    }
    List<Rule> rules = new ArrayList<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new RuleSet(version(text), rules);
    }
    if (!root.isObject() || !root.has("rules")) {
      refuse(null, null, "expected a mapping with a 'rules' list at the top");
    } else {
      unknownKeys(root, Set.of("rules"), null, null);
      JsonNode list = root.get("rules");
      if (list.isNull()) {
        return finish(text, rules);
      }
      if (!list.isArray()) {
        refuse(null, "rules", "expected a list of rules");
      } else if (list.size() > MAX_RULES) {
        refuse(null, "rules", list.size() + " rules, more than the " + MAX_RULES + " allowed");
      } else {
        Set<String> names = new HashSet<>();
        Set<String> events = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
          Rule rule = rule(list.get(i), i, names, events);
          if (rule != null) {
            rules.add(rule);
          }
        }
      }
    }
    return finish(text, rules);
  }

  private RuleSet finish(String text, List<Rule> rules) throws RulesRefusedException {
    if (!errors.isEmpty()) {
      throw new RulesRefusedException(errors);
    }
    return new RuleSet(version(text), rules);
  }

  /** One rule, or null when it has errors (recorded). */
  private Rule rule(JsonNode node, int index, Set<String> names, Set<String> events) {
    String label = "#" + (index + 1);
    if (!node.isObject()) {
      refuse(label, null, "expected a mapping with name, match and event");
      return null;
    }
    int before = errors.size();
    String name = text(node, "name", label);
    if (name != null) {
      if (!NAME.matcher(name).matches() || name.length() > MAX_NAME) {
        refuse(label, "name", "'" + name + "' must be lower case letters, digits and _, at most " + MAX_NAME + " characters");
      } else {
        label = name;
        if (!names.add(name)) {
          refuse(label, "name", "a second rule of this name (names are unique)");
        }
      }
    } else if (!node.has("name")) {
      refuse(label, "name", "missing");
    }
    unknownKeys(node, RULE_KEYS, label, null);
    String event = text(node, "event", label);
    if (event == null && !node.has("event")) {
      refuse(label, "event", "missing: the event kind a match becomes, e.g. MODEM_LOST");
    } else if (event != null) {
      if (!EVENT.matcher(event).matches() || event.length() > MAX_NAME) {
        refuse(label, "event", "'" + event + "' must be upper snake case (e.g. MODEM_LOST), at most " + MAX_NAME + " characters");
      } else if (BUILT_IN_KINDS.contains(event)) {
        refuse(label, "event", event + " is a built-in kind; give the rule a kind of its own");
      } else if (!events.add(event)) {
        refuse(label, "event", "another rule already makes " + event + " events (one kind per rule)");
      }
    }
    String fleet = text(node, "fleet", label);
    Rule.Match match = match(node.get("match"), label);
    Rule.Alerting alert = node.has("alert") ? alerting(node.get("alert"), label, match) : null;
    if (errors.size() > before) {
      return null;
    }
    return new Rule(name, match, fleet, event, alert);
  }

  private Rule.Match match(JsonNode node, String label) {
    if (node == null || node.isNull()) {
      refuse(label, "match", "missing: give at least one of " + String.join(", ", sorted(MATCH_KEYS)));
      return null;
    }
    if (!node.isObject()) {
      refuse(label, "match", "expected a mapping of conditions");
      return null;
    }
    unknownKeys(node, MATCH_KEYS, label, "match.");
    if (node.isEmpty()) {
      refuse(label, "match", "no condition: a rule would match every line");
    }
    String unit = text(node, "unit", label, "match.");
    if (unit != null && unit.indexOf('.') < 0) {
      unit = unit + ".service"; // as journalctl -u reads a unit named without its type
    }
    String identifier = text(node, "identifier", label, "match.");
    Integer priority = priority(node.get("priority"), label);
    Map<String, String> fields = fields(node.get("fields"), label);
    Rule.MessageMatch message = message(node.get("message"), label);
    return new Rule.Match(unit, identifier, priority, fields, message);
  }

  private Integer priority(JsonNode node, String label) {
    if (node == null) {
      return null;
    }
    if (node.isInt() && node.asInt() >= 0 && node.asInt() <= 7) {
      return node.asInt();
    }
    int named = node.isTextual() ? PRIORITIES.indexOf(node.asText().toLowerCase(Locale.ROOT)) : -1;
    if (named >= 0) {
      return named;
    }
    refuse(label, "match.priority", "'" + node.asText() + "' is not a priority: 0-7 or " + String.join(", ", PRIORITIES));
    return null;
  }

  private Map<String, String> fields(JsonNode node, String label) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (node == null) {
      return fields;
    }
    if (!node.isObject()) {
      refuse(label, "match.fields", "expected a mapping of journal field names to values");
      return fields;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String where = "match.fields." + field.getKey();
      if (!FIELD.matcher(field.getKey()).matches()) {
        refuse(label, where, "not a journal field name (upper case, digits and _, e.g. _TRANSPORT)");
      } else if (field.getKey().equals("MESSAGE")) {
        refuse(label, where, "use match.message for the message");
      } else if (!field.getValue().isValueNode() || field.getValue().isNull()) {
        refuse(label, where, "expected a value to compare with");
      } else if (field.getValue().asText().length() > MAX_TEXT) {
        refuse(label, where, "longer than " + MAX_TEXT + " characters");
      } else {
        fields.put(field.getKey(), field.getValue().asText());
      }
    }
    return fields;
  }

  private Rule.MessageMatch message(JsonNode node, String label) {
    if (node == null) {
      return null;
    }
    if (!node.isObject() || node.size() != 1 || !(node.has("contains") || node.has("regex"))) {
      refuse(label, "match.message", "expected exactly one of {contains: TEXT} or {regex: PATTERN}");
      return null;
    }
    String field = node.has("contains") ? "contains" : "regex";
    String text = text(node, field, label, "match.message.");
    if (text == null) {
      return null;
    }
    if (text.isEmpty()) {
      refuse(label, "match.message." + field, "empty: it would match every line");
      return null;
    }
    if (text.length() > MAX_PATTERN) {
      refuse(label, "match.message." + field, text.length() + " characters, more than the " + MAX_PATTERN + " allowed");
      return null;
    }
    if (field.equals("contains")) {
      return new Rule.Contains(text);
    }
    try {
      Pattern pattern = Pattern.compile(text);
      if (pattern.programSize() > MAX_PROGRAM) {
        refuse(label, "match.message.regex", "too complex (RE2 program of " + pattern.programSize() + " instructions, at most "
            + MAX_PROGRAM + ")");
        return null;
      }
      return new Rule.Regex(pattern);
    } catch (PatternSyntaxException e) {
      refuse(label, "match.message.regex", "does not compile: " + e.getMessage()
          + " (RE2 syntax: no backreferences or lookaround; named groups as (?P<name>...))");
      return null;
    }
  }

  private Rule.Alerting alerting(JsonNode node, String label, Rule.Match match) {
    if (!node.isObject()) {
      refuse(label, "alert", "expected a mapping (count, within, severity, check, resolveAfter, hint, subject)");
      return null;
    }
    unknownKeys(node, ALERT_KEYS, label, "alert.");
    int count = 1;
    JsonNode countNode = node.get("count");
    if (countNode != null) {
      if (countNode.isInt() && countNode.asInt() >= 1 && countNode.asInt() <= 10_000) {
        count = countNode.asInt();
      } else {
        refuse(label, "alert.count", "'" + countNode.asText() + "' must be a whole number from 1 to 10000");
      }
    }
    Duration within = duration(node, "within", label, DEFAULT_WITHIN);
    Duration resolveAfter = duration(node, "resolveAfter", label, DEFAULT_RESOLVE_AFTER);
    Severity severity = Severity.warning;
    String severityText = text(node, "severity", label, "alert.");
    if (severityText != null) {
      try {
        severity = Severity.valueOf(severityText);
      } catch (IllegalArgumentException e) {
        refuse(label, "alert.severity", "'" + severityText + "' must be critical, warning or info");
      }
    }
    String check = text(node, "check", label, "alert.");
    if (check != null && !HealthChecks.ALL.contains(check) && !CUSTOM_CHECK.matcher(check).matches()) {
      refuse(label, "alert.check", "'" + check + "' is neither a built-in check (" + String.join(", ", HealthChecks.ALL)
          + ") nor check_custom_<name> (lower case letters, digits and _)");
    }
    String hint = text(node, "hint", label, "alert.");
    if (hint != null && hint.length() > MAX_TEXT) {
      refuse(label, "alert.hint", "longer than " + MAX_TEXT + " characters");
    }
    String subject = text(node, "subject", label, "alert.");
    if (subject != null && match != null) {
      if (!(match.message() instanceof Rule.Regex regex)) {
        refuse(label, "alert.subject", "names a group of the message's regex, and this rule has no match.message.regex");
      } else if (!regex.pattern().namedGroups().containsKey(subject)) {
        refuse(label, "alert.subject", "the regex has no group named '" + subject + "' (its groups: "
            + String.join(", ", sorted(regex.pattern().namedGroups().keySet())) + ")");
      }
    }
    return new Rule.Alerting(count, within, severity, check, resolveAfter, hint, subject);
  }

  private Duration duration(JsonNode node, String field, String label, Duration otherwise) {
    String text = text(node, field, label, "alert.");
    if (text == null) {
      return otherwise;
    }
    Matcher parts = DURATION.matcher(text);
    Duration duration = null;
    if (parts.matches()) {
      long amount = Long.parseLong(parts.group(1));
      duration = switch (parts.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
    if (duration == null || duration.isZero() || duration.compareTo(MAX_WINDOW) > 0) {
      refuse(label, "alert." + field, "'" + text + "' must be a duration such as 30s, 10m or 2h, more than zero and at most "
          + MAX_WINDOW.toHours() + "h");
      return otherwise;
    }
    return duration;
  }

  private String text(JsonNode node, String field, String label) {
    return text(node, field, label, "");
  }

  /** A scalar field as text; a list or mapping where text belongs is an error. */
  private String text(JsonNode node, String field, String label, String prefix) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isValueNode()) {
      refuse(label, prefix + field, "expected text, got a " + (value.isArray() ? "list" : "mapping"));
      return null;
    }
    return value.asText();
  }

  private void unknownKeys(JsonNode node, Set<String> known, String label, String prefix) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        refuse(label, (prefix == null ? "" : prefix) + name, "unknown field (known: " + String.join(", ", sorted(known)) + ")");
      }
    }
  }

  private void refuse(String rule, String field, String reason) {
    errors.add(new RuleError(rule, field, reason));
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }

  private static Set<String> builtInKinds() {
    Set<String> kinds = new HashSet<>();
    for (EventKind kind : EventKind.values()) {
      kinds.add(kind.name());
    }
    for (AlertKind kind : AlertKind.values()) {
      kinds.add(kind.name());
    }
    kinds.addAll(List.of("DEVICE_REBOOT", "RELEASE_REGRESSION", "PIPELINE_STALLED"));
    return Set.copyOf(kinds);
  }

  private static String version(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
