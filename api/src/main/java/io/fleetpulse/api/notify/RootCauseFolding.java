package io.fleetpulse.api.notify;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One chat message per problem on a device: when its clock steps back to 2017, TIME_JUMP fires, and seconds later
 * the VPN's TLS fails with cause CLOCK_SKEW; a device whose DNS breaks gets DNS_FAILURE, then VPN_TLS_FAILURE with
 * cause DNS. The second alert is a consequence of the first: while the root alert fires and was posted, the
 * consequence is not posted on its own, and the root's resolution says what it took with it. A consequence
 * still failing when its root resolves is a problem of its own from then on: its resolution is posted.
 *
 * <p>A pure function of the alerts it is shown, in order, like {@link IncidentFolding}: a restarted route rebuilds
 * it by showing it the alerts it had handled before ({@link RouteWorker}).
 */
final class RootCauseFolding {

  /** What a root alert's resolution reports: the consequences folded into it, and those still failing. */
  record Consequences(List<String> resolved, List<String> stillFailing) {
    static final Consequences NONE = new Consequences(List.of(), List.of());

    boolean any() {
      return !resolved.isEmpty() || !stillFailing.isEmpty();
    }
  }

  /** The alert kind a consequence's cause names: VPN TLS failing because of the clock is the clock's problem. */
  private static final Map<String, AlertKind> ROOT_OF_CAUSE = Map.of("CLOCK_SKEW", AlertKind.TIME_JUMP, "DNS", AlertKind.DNS_FAILURE);

  /** Root alerts posted and firing, by device and kind, with the consequences folded into each. */
  private final Map<String, Folded> roots = new HashMap<>();
  /** Consequences folded into a root: alert id → the root's key. */
  private final Map<String, String> consequenceOf = new HashMap<>();

  /** A root's consequences: alert id → its kind, and whether it still fires. */
  private static final class Folded {
    final Map<String, String> kinds = new LinkedHashMap<>();
    final Map<String, Boolean> firing = new LinkedHashMap<>();
  }

  /**
   * Shown each alert this route posts or would post, in order. True when the alert is the consequence of a root
   * alert posted before and should not be posted on its own.
   */
  boolean fold(Alert alert) {
    if (alert.getDeviceUuid() == null) {
      return false;
    }
    String folding = consequenceOf.get(alert.getId());
    if (folding != null) {
      roots.get(folding).firing.put(alert.getId(), alert.getState() == AlertState.FIRING);
      return true;
    }
    Optional<String> root = rootOf(alert).map(kind -> key(alert.getDeviceUuid(), kind));
    if (alert.getState() == AlertState.FIRING && root.isPresent() && roots.containsKey(root.get())) {
      Folded into = roots.get(root.get());
      into.kinds.put(alert.getId(), alert.getKind().name());
      into.firing.put(alert.getId(), true);
      consequenceOf.put(alert.getId(), root.get());
      return true;
    }
    return false;
  }

  /**
   * Shown each alert this route is about to post. For a root alert that resolves: the consequences that were
   * folded into it; those still failing are posted on their own from now on.
   */
  Consequences posting(Alert alert) {
    if (alert.getDeviceUuid() == null || rootOf(alert).isPresent() || !ROOT_OF_CAUSE.containsValue(alert.getKind())) {
      return Consequences.NONE;
    }
    String key = key(alert.getDeviceUuid(), alert.getKind());
    if (alert.getState() == AlertState.FIRING) {
      roots.putIfAbsent(key, new Folded());
      return Consequences.NONE;
    }
    Folded folded = roots.remove(key);
    if (folded == null) {
      return Consequences.NONE;
    }
    folded.kinds.keySet().forEach(consequenceOf::remove);
    List<String> resolved = folded.kinds.entrySet().stream().filter(e -> !folded.firing.get(e.getKey())).map(Map.Entry::getValue).toList();
    List<String> stillFailing = folded.kinds.entrySet().stream().filter(e -> folded.firing.get(e.getKey())).map(Map.Entry::getValue).toList();
    return new Consequences(resolved, stillFailing);
  }

  /** The root kind of a consequence alert (VPN_TLS_FAILURE with a cause that is another alert of the device). */
  private static Optional<AlertKind> rootOf(Alert alert) {
    if (alert.getKind() != AlertKind.VPN_TLS_FAILURE || alert.getCause() == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(ROOT_OF_CAUSE.get(alert.getCause()));
  }

  private static String key(String device, AlertKind kind) {
    return device + "\u0000" + kind.name();
  }
}
