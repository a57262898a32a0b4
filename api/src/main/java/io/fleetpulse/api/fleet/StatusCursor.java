package io.fleetpulse.api.fleet;

import io.fleetpulse.api.devices.QueryParameters;
import io.fleetpulse.schemas.Status;
import io.fleetpulse.schemas.Topics;
import java.util.List;

/**
 * Where a page of the device list ends. In uuid order, the last uuid; with {@code sort=status} (problems
 * first: FAIL, WARN, UNKNOWN, OK, each in uuid order) the last device's status and uuid, written
 * {@code FAIL:<uuid>}.
 *
 * @param status null in uuid order, or at the very start
 * @param uuid null at the start
 */
public record StatusCursor(Status status, String uuid) {

  /** The statuses in the order support reads them. */
  public static final List<Status> PROBLEMS_FIRST = List.of(Status.FAIL, Status.WARN, Status.UNKNOWN, Status.OK);

  static StatusCursor of(String uuid) {
    return new StatusCursor(null, uuid);
  }

  /** A {@code sort=status} cursor from the query (null: the first page). */
  static StatusCursor parse(String text) {
    if (text == null) {
      return new StatusCursor(null, null);
    }
    int colon = text.indexOf(':');
    String uuid = colon < 0 ? null : text.substring(colon + 1);
    Status status = colon < 0 ? null : PROBLEMS_FIRST.stream().filter(s -> s.name().equals(text.substring(0, colon))).findFirst().orElse(null);
    if (status == null || !Topics.isDeviceUuid(uuid)) {
      throw new QueryParameters.BadParameter("cursor", "the 'next' value of a previous page sorted by status (STATUS:uuid)", text);
    }
    return new StatusCursor(status, uuid);
  }

  static int rank(Status status) {
    return PROBLEMS_FIRST.indexOf(status);
  }

  @Override
  public String toString() {
    return status.name() + ":" + uuid;
  }
}
