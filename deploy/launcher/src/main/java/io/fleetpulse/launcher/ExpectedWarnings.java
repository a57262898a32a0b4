package io.fleetpulse.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops the WARN lines Kafka and Micrometer log on every start although nothing is wrong, so that a newcomer's
 * console shows only what needs their attention (registered in {@code logback.xml}):
 * <ul>
 *   <li>a stream thread's metadata asking for the streams' own repartition or changelog topics before the streams
 *       created them ("recoverable issue … UNKNOWN_TOPIC_OR_PARTITION"), at first start; a missing topic of anyone
 *       else's is still said;</li>
 *   <li>the controller's "Performing controller activation. The metadata log appears to be empty", on a new data
 *       directory;</li>
 *   <li>Micrometer's "already registered" for Vert.x's server gauges, which the instances of one server (one per
 *       event loop, on one port) share.</li>
 * </ul>
 */
public final class ExpectedWarnings extends TurboFilter {

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable error) {
    if (level != Level.WARN || format == null || logger == null) {
      return FilterReply.NEUTRAL;
    }
    String name = logger.getName();
    boolean expected = switch (name) {
      case "org.apache.kafka.clients.NetworkClient" -> format.contains("reported a recoverable issue") && onlyStreamsOwnTopics(format);
      case "org.apache.kafka.controller.QuorumController" -> format.contains("The metadata log appears to be empty");
      case "io.micrometer.core.instrument.MeterRegistry" -> format.contains("has been already registered (MeterId{name='vertx.");
      default -> false;
    };
    return expected ? FilterReply.DENY : FilterReply.NEUTRAL;
  }

  /**
   * True when the metadata errors at the end of the line ({@code {topic=ERROR, …}}: Kafka formats its messages
   * itself) name only Kafka Streams' internal topics, none of them with more than not being created yet.
   */
  static boolean onlyStreamsOwnTopics(String message) {
    int open = message.lastIndexOf('{');
    int close = message.lastIndexOf('}');
    if (open < 0 || close < open + 2) {
      return false;
    }
    for (String topic : message.substring(open + 1, close).split(", ")) {
      int equals = topic.lastIndexOf('=');
      String name = equals < 0 ? topic : topic.substring(0, equals);
      if (equals < 0 || !(name.endsWith("-repartition") || name.endsWith("-changelog"))
          || !topic.substring(equals + 1).equals("UNKNOWN_TOPIC_OR_PARTITION")) {
        return false;
      }
    }
    return true;
  }
}
