package io.fleetpulse.collector.publish;

import io.fleetpulse.schemas.DeviceFacts;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes what devices report besides their journal, keyed by device uuid: disk samples to {@code fleet.metrics.disk},
 * software facts to {@code fleet.device.facts}. Each publish completes once Kafka acknowledged all its records. Both
 * are small and idempotent to re-send (a sample or a fact again changes nothing), so one plain producer serves them.
 */
public final class ReportPublisher implements AutoCloseable {

  private final Vertx vertx;
  private final KafkaProducer<String, byte[]> producer;
  private final Serializer<DiskSample> disk = FleetSerdes.diskSample().serializer();
  private final Serializer<DeviceFacts> facts = FleetSerdes.deviceFacts().serializer();

  public ReportPublisher(Vertx vertx, PublisherSettings settings) {
    this.vertx = vertx;
    this.producer = new KafkaProducer<>(settings.producerConfig("fleetpulse-collector-reports"), new StringSerializer(),
        new ByteArraySerializer());
  }

  public Future<Void> publishDiskSamples(List<DiskSample> samples) {
    return publish(samples.stream().map(sample -> new ProducerRecord<>(Topics.METRICS_DISK, null, sample.getReceivedAt().toEpochMilli(),
        Topics.deviceKey(sample.getDeviceUuid()), disk.serialize(Topics.METRICS_DISK, sample))).toList());
  }

  public Future<Void> publishFacts(DeviceFacts deviceFacts) {
    return publish(List.of(new ProducerRecord<>(Topics.DEVICE_FACTS, null, deviceFacts.getAt().toEpochMilli(),
        Topics.deviceKey(deviceFacts.getDeviceUuid()), facts.serialize(Topics.DEVICE_FACTS, deviceFacts))));
  }

  private Future<Void> publish(List<ProducerRecord<String, byte[]>> records) {
    // send() may block for metadata: never on an event loop.
    return vertx.executeBlocking(() -> {
      List<CompletableFuture<?>> acks = new ArrayList<>();
      for (ProducerRecord<String, byte[]> record : records) {
        CompletableFuture<Object> ack = new CompletableFuture<>();
        producer.send(record, (metadata, error) -> {
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
