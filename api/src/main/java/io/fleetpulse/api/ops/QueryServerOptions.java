package io.fleetpulse.api.ops;

import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * Server options of the endpoints people and Prometheus query (the API, the collector's ops port): a
 * connection that says nothing for a minute — half-sent headers, a client gone without a FIN — is closed,
 * and TCP keepalive finds peers that vanished.
 */
public final class QueryServerOptions {

  public static final int IDLE_TIMEOUT_SECONDS = 60;

  private QueryServerOptions() {}

  public static HttpServerOptions of(String host, int port) {
    return new HttpServerOptions().setHost(host).setPort(port).setTcpKeepAlive(true)
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS);
  }
}
