package io.fleetpulse.api;

import io.fleetpulse.api.auth.ApiToken;
import io.fleetpulse.api.auth.Role;
import java.util.List;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Where the REST API listens and who may use it.
 *
 * @param tokens bearer tokens for the API; empty means no authentication (loopback only)
 * @param metricsToken a separate token for scraping {@code /metrics}, or null to leave it open
 * @param advertised how other api instances reach this one (Kafka Streams' {@code application.server});
 *     null for a single instance
 * @param perDeviceSeriesCap at most this many per-device series ({@code fleetpulse_device_failing}) in /metrics
 * @param journalReaders who may read devices' journals (they can hold secrets): viewers, or only admins
 */
public record ApiSettings(String host, int port, List<ApiToken> tokens, ApiToken metricsToken, HostInfo advertised,
                          int perDeviceSeriesCap, Role journalReaders) {

  public static final int DEFAULT_PER_DEVICE_SERIES_CAP = 1000;

  public static final int DEFAULT_PORT = 8080;
  public ApiSettings {
    tokens = List.copyOf(tokens);
  }

  /** Journals readable by viewers. */
  public ApiSettings(String host, int port, List<ApiToken> tokens, ApiToken metricsToken, HostInfo advertised, int perDeviceSeriesCap) {
    this(host, port, tokens, metricsToken, advertised, perDeviceSeriesCap, Role.VIEWER);
  }

  /** No authentication: for loopback-only use and tests. */
  public static ApiSettings open(String host, int port) {
    return new ApiSettings(host, port, List.of(), null, null, DEFAULT_PER_DEVICE_SERIES_CAP);
  }
}
