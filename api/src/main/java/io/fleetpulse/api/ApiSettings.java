package io.fleetpulse.api;

/** Where the REST API listens. */
public record ApiSettings(String host, int port) {

  public static final int DEFAULT_PORT = 8080;
}
