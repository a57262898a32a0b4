package io.fleetpulse.collector.push;

import io.fleetpulse.collector.journal.JournalLimits;

/** Where the push endpoints listen and what they accept. */
public record PushSettings(String host, int port, JournalLimits limits) {

  public static final int DEFAULT_PORT = 19532;
}
