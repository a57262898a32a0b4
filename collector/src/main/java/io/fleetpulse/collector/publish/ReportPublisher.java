package io.fleetpulse.collector.publish;

import io.fleetpulse.schemas.DiskSample;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.Topics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes disk samples to {@code fleet.metrics.disk}, keyed by device uuid; completes once Kafka acknowledged all. */
public final class DiskSamplePublisher implements AutoCloseable {

  private final Vertx vertx;
  private final KafkaProducer<String, DiskSample> producer;

  public DiskSamplePublisher(Vertx vertx, PublisherSettings settings) {
    this.vertx = vertx;
    this.producer = new KafkaProducer<>(settings.producerConfig("fleetpulse-collector-disk"), new StringSerializer(),
        FleetSerdes.diskSample().serializer());
  }

  public Future<Void> publish(List<DiskSample> samples) {
    // send() may block for metadata: never on an event loop.
    return vertx.executeBlocking(() -> {
      List<CompletableFuture<?>> acks = new ArrayList<>();
      for (DiskSample sample : samples) {
        CompletableFuture<Object> ack = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(Topics.METRICS_DISK, null, sample.getReceivedAt().toEpochMilli(),
            Topics.deviceKey(sample.getDeviceUuid()), sample), (metadata, error) -> {
              if (error == null) {
                ack.complete(metadata);
              } else {
                ack.completeExceptionally(error);
              }
            });
        acks.add(ack);
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
      return null;
    }, false);
  }

  @Override
  public void close() {
    producer.close();
  }
}
