package io.fleetpulse.api.notify;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.FleetSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one {@link RouteWorker} thread per configured route, and the redelivery of their dead letters ({@link DeadLetterRedelivery}). */
public final class Notifiers implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Notifiers.class);

  private final NotifySettings settings;
  private final MeterRegistry metrics;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final List<Thread> workers = new ArrayList<>();
  private KafkaProducer<String, Alert> deadLetters;

  private final DeadLetterRedelivery.Settings redelivery;
  private Muting muting = Muting.NONE;

  /** Without automatic redelivery: dead letters wait for {@code ./fleetpulse notify replay}. */
  public Notifiers(NotifySettings settings, MeterRegistry metrics) {
    this(settings, metrics, DeadLetterRedelivery.Settings.OFF);
  }

  /**
   * @param redeliverEvery how often dead letters are sent again on their own (zero: never)
   * @param redeliverFor how far back they are (older ones wait for {@code notify replay})
   * @param redeliversHere whether this instance is the one of its deployment that redelivers now
   */
  public Notifiers(NotifySettings settings, MeterRegistry metrics, Duration redeliverEvery, Duration redeliverFor, BooleanSupplier redeliversHere) {
    this(settings, metrics, new DeadLetterRedelivery.Settings(redeliverEvery, redeliverFor, redeliversHere));
  }

  private Notifiers(NotifySettings settings, MeterRegistry metrics, DeadLetterRedelivery.Settings redelivery) {
    this.settings = settings;
    this.metrics = metrics;
    this.redelivery = redelivery;
  }

  /** What the routes must not send: silences and acknowledgements (none by default). */
  public Notifiers muting(Muting muting) {
    this.muting = muting;
    return this;
  }

  public Notifiers start() {
    if (settings.routes().isEmpty()) {
      return this;
    }
    deadLetters = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
        ProducerConfig.CLIENT_ID_CONFIG, "fleetpulse-notify-dead-letters",
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), FleetSerdes.alert().serializer());
    for (NotifyRoute route : settings.routes()) {
      Thread worker = new Thread(new RouteWorker(route, settings, deadLetters, stopping, muting, metrics), "notify-" + route.name());
      worker.start();
      workers.add(worker);
      log.info("Notifying {} of {}", route, route.match().equals(AlertMatch.ALL) ? "every alert" : route.match());
    }
    if (redelivery.on()) {
      Thread redeliver = new Thread(new DeadLetterRedelivery(redelivery, settings, muting, stopping), "notify-redelivery");
      redeliver.setDaemon(true);
      redeliver.start();
      workers.add(redeliver);
      log.info("Dead-lettered alerts are sent again every {} (longer while a receiver stays down), for up to {}", redelivery.every(),
          redelivery.maxAge());
    }
    return this;
  }

  /** Stops every route; an alert in the middle of its retries stays uncommitted and is redelivered on restart. */
  @Override
  public void close() throws InterruptedException {
    stopping.countDown();
    for (Thread worker : workers) {
      worker.join(15_000);
    }
    if (deadLetters != null) {
      deadLetters.close();
    }
  }
}
