package io.fleetpulse.launcher.config;

import io.fleetpulse.api.ApiSettings;
import io.fleetpulse.api.auth.ApiToken;
import io.fleetpulse.api.auth.Role;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.state.HostInfo;

/** Turns the configured API section into the API's settings, refusing unusable tokens by name. */
public final class ApiSection {

  private ApiSection() {}

  /** @param port the port to listen on and advertise to other instances (the configured one, or a free one for 0) */
  public static ApiSettings settings(FleetpulseConfig.Api api, int port) {
    List<ApiToken> tokens = api.tokens().stream()
        .map(token -> token(token.name(), role(token.role(), "API token " + token.name() + ": role"), token.sha256())).toList();
    ApiToken metrics = metricsToken(api);
    String advertisedHost = api.advertisedHost().isEmpty() ? api.host() : api.advertisedHost();
    return new ApiSettings(api.host(), port, tokens, metrics, new HostInfo(advertisedHost, port), api.perDeviceSeriesCap(),
        role(api.journalRole(), "api.journalRole"));
  }

  private static Role role(String role, String what) {
    try {
      return Role.valueOf(String.valueOf(role).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(what + " must be viewer or admin, not " + role);
    }
  }

  /** The separate scrape token of /metrics, or null when /metrics is open. */
  public static ApiToken metricsToken(FleetpulseConfig.Api api) {
    return api.metricsTokenSha256().isEmpty() ? null : token("metrics", Role.VIEWER, api.metricsTokenSha256());
  }

  private static ApiToken token(String name, Role role, String sha256) {
    try {
      return new ApiToken(name, role, sha256);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("API " + e.getMessage());
    }
  }
}
