package io.fleetpulse.launcher.deployment;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression (or a Grafana query) selects. Not a full PromQL parser: it removes
 * what cannot be a metric name (strings, label matchers, ranges, Grafana variables, grouping label lists)
 * and keeps the identifiers that are not functions or keywords. Good enough for rules and dashboards,
 * and strict in the direction that matters: a name it cannot classify is reported, never ignored.
 */
final class PromQlMetricNames {

  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and",
      "or", "unless", "offset", "inf", "nan", "atan2");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");
  private static final Pattern LABEL_LIST = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\(\\s*([^,)]*)");
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

  private PromQlMetricNames() {}

  static Set<String> of(String expression) {
    Matcher labelValues = LABEL_VALUES.matcher(expression);
    String expr = labelValues.find() ? labelValues.group(1) : expression;
    expr = STRING.matcher(expr).replaceAll(" ");
    expr = MATCHERS.matcher(expr).replaceAll(" ");
    expr = RANGE.matcher(expr).replaceAll(" ");
    expr = GRAFANA_VARIABLE.matcher(expr).replaceAll(" ");
    expr = LABEL_LIST.matcher(expr).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher identifier = IDENTIFIER.matcher(expr);
    while (identifier.find()) {
      boolean isFunction = identifier.group(2) != null;
      String name = identifier.group(1);
      if (!isFunction && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        names.add(name);
      }
    }
    return names;
  }
}
