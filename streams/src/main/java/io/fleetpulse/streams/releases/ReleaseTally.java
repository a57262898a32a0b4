package io.fleetpulse.streams.releases;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One device's time on one release: when fleetpulse first and last saw it there, how long it was observed (its
 * exposure: the advances of its last seen while on the release, so from its first to its last sighting there), how
 * many events and alerts of each kind it had there, the checks failing as of its latest health, and the OS it ran.
 *
 * <p>A silence counts as observed time. Capping it would undercount a device that uploads hours of persistent journal
 * at once after a network outage (its last seen jumps, its events all count), and a device switched off has no events
 * on any release: its silence dilutes both releases' rates alike, where an undercount would inflate one.
 */
public record ReleaseTally(long firstAt, long lastAt, long exposureMs, Map<String, Long> counts, Set<String> failing, String os) {

  /** A tally from {@code at}; 0 when not known yet (a count arriving before any health), set by the first sighting. */
  static ReleaseTally startingAt(long at) {
    return new ReleaseTally(at, at, 0, new TreeMap<>(), new TreeSet<>(), null);
  }

  /**
   * Its health as of last seen {@code at} (0: it sent no journal yet), {@code since} being when it was last seen before on
   * this release (0: not yet); only the time between two sightings is observed time.
   */
  ReleaseTally seen(long since, long at, Set<String> failingNow, String osNow) {
    long observed = since > 0 && at > since ? at - since : 0;
    return new ReleaseTally(at > 0 && (firstAt == 0 || at < firstAt) ? at : firstAt, Math.max(lastAt, at), exposureMs + observed, counts,
        new TreeSet<>(failingNow), osNow != null ? osNow : os);
  }

  ReleaseTally counted(String kind) {
    Map<String, Long> more = new TreeMap<>(counts);
    more.merge(kind, 1L, Long::sum);
    return new ReleaseTally(firstAt, lastAt, exposureMs, more, failing, os);
  }
}
