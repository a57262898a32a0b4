package io.fleetpulse.streams.releases;

import java.util.List;
import java.util.Set;

/**
 * What health by release takes from one fleet signal: either a device seen alive on a release ({@code release} set,
 * with its OS and failing checks), or something to count on whatever release the device runs ({@code counts}: the
 * kinds it adds to, a reboot adding to DEVICE_REBOOT and to its reason's own count).
 */
public record ReleaseSignal(String device, long at, String release, String os, Set<String> failing, long since, List<String> counts) {

  /** @param at last seen, 0 when it has sent no journal yet; @param since when it began running the release, 0 when unknown */
  public static ReleaseSignal seen(String device, long at, String release, String os, Set<String> failing, long since) {
    return new ReleaseSignal(device, at, release, os, failing, since, List.of());
  }

  public static ReleaseSignal counting(String device, long at, List<String> kinds) {
    return new ReleaseSignal(device, at, null, null, Set.of(), 0L, kinds);
  }
}
