package io.fleetpulse.launcher.config;

/** Configuration that cannot be used; the message tells the operator what to change. */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
