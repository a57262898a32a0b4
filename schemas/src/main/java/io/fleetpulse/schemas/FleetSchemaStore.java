package io.fleetpulse.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * The schemas a reader can decode: every record's current schema plus the older versions kept for
 * upgrades. Avro's single-object encoding puts each writer schema's 64-bit fingerprint in front of the
 * record; the decoder looks the writer schema up here and resolves it to the reader's, filling defaults.
 *
 * <p>When a record's schema changes, add its previous {@code .avsc} here (see docs/operations.md,
 * schema evolution) so records already in the topics stay readable.
 */
public final class FleetSchemaStore implements SchemaStore {

  /** Alert before its {@code rule} field: what the previous release reads, and writes. */
  public static final Schema ALERT_1 = history("Alert-1.avsc");

  /** Alert before RELEASE_REGRESSION and OS_ROLLBACK, with {@code rule}: what the previous release reads, and writes. */
  public static final Schema ALERT_2 = history("Alert-2.avsc");

  /** DeviceEvent before DEVICE_REBOOT: what the previous release reads, and writes. */
  public static final Schema DEVICE_EVENT_1 = history("DeviceEvent-1.avsc");

  /** DeviceHealth before {@code software}: what the previous release reads, and writes. */
  public static final Schema DEVICE_HEALTH_1 = history("DeviceHealth-1.avsc");

  private final SchemaStore.Cache cache = new SchemaStore.Cache();

  private FleetSchemaStore() {}

  /** The store with every current fleetpulse schema. */
  public static FleetSchemaStore current() {
    FleetSchemaStore store = new FleetSchemaStore();
    for (Schema schema : List.of(
        JournalEntry.getClassSchema(), DeviceEvent.getClassSchema(), Alert.getClassSchema(),
        DeviceHealth.getClassSchema(), DiskSample.getClassSchema(), DeviceStatus.getClassSchema(), DeviceFacts.getClassSchema(),
        RestartOutlier.getClassSchema())) {
      store.add(schema);
    }
    return store.add(ALERT_1).add(ALERT_2).add(DEVICE_EVENT_1).add(DEVICE_HEALTH_1);
  }

  /** Also accept records written with {@code schema} (an older or newer version of one of ours). */
  public FleetSchemaStore add(Schema schema) {
    cache.addSchema(schema);
    return this;
  }

  @Override
  public Schema findByFingerprint(long fingerprint) {
    return cache.findByFingerprint(fingerprint);
  }

  private static Schema history(String file) {
    try (InputStream in = FleetSchemaStore.class.getResourceAsStream("history/" + file)) {
      if (in == null) {
        throw new IllegalStateException("schema history/" + file + " is missing from the schemas jar");
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema history/" + file, e);
    }
  }

  /** The fingerprint single-object encoding writes for {@code schema}. */
  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }
}
