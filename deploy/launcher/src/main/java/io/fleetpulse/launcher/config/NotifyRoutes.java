package io.fleetpulse.launcher.config;

import io.fleetpulse.api.notify.AlertMatch;
import io.fleetpulse.api.notify.NotifyRoute;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the configured routes into notifier routes, reading {@code ${NAME}} values from the environment. */
public final class NotifyRoutes {

  private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private NotifyRoutes() {}

  public static List<NotifyRoute> of(List<FleetpulseConfig.Route> routes, Map<String, String> env) {
    return routes.stream().map(route -> {
      NotifyRoute.ReceiverType type;
      try {
        type = NotifyRoute.ReceiverType.valueOf(String.valueOf(route.type()).toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("Notifier route " + route.name() + ": type must be slack, mattermost, teams, webhook or alertmanager, not "
            + route.type());
      }
      try {
        return new NotifyRoute(route.name(), type, resolve(route.url(), env, route.name()), resolve(route.secret(), env, route.name()),
            new AlertMatch(set(route.kinds()), set(route.severities()), set(route.fleets())), resolve(route.token(), env, route.name()),
            route.channel());
      } catch (IllegalArgumentException e) {
        throw new ConfigException("Notifier " + e.getMessage());
      }
    }).toList();
  }

  private static String resolve(String value, Map<String, String> env, String route) {
    if (value == null) {
      return null;
    }
    Matcher reference = ENV_REFERENCE.matcher(value);
    if (!reference.matches()) {
      return value;
    }
    String resolved = env.get(reference.group(1));
    if (resolved == null) {
      throw new ConfigException("Notifier route " + route + " refers to ${" + reference.group(1) + "}, which is not set in the environment");
    }
    return resolved;
  }

  private static Set<String> set(List<String> values) {
    return values == null ? Set.of() : Set.copyOf(values);
  }
}
