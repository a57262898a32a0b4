package io.fleetpulse.collector.push;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;

/** Makes a test broker slow for producers the way a saturated cluster is: a produce quota, enforced by delaying answers. */
final class ProducerQuota {

  private ProducerQuota() {}

  /** Sets (or, with null, removes) the default produce quota of every client, in bytes per second. */
  static void set(EmbeddedKafkaBroker kafka, Double bytesPerSecond) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      ClientQuotaEntity everyClient = new ClientQuotaEntity(Collections.singletonMap(ClientQuotaEntity.CLIENT_ID, null));
      admin.alterClientQuotas(List.of(new ClientQuotaAlteration(everyClient,
          List.of(new ClientQuotaAlteration.Op("producer_byte_rate", bytesPerSecond))))).all().get();
    }
  }
}
