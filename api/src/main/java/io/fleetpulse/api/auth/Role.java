package io.fleetpulse.api.auth;

/** What a token may do: viewers read; admins also change things. */
public enum Role {
  VIEWER,
  ADMIN;

  public boolean covers(Role required) {
    return compareTo(required) >= 0;
  }
}
