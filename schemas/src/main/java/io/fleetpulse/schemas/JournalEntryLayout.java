package io.fleetpulse.schemas;

import java.util.stream.Collectors;
import org.apache.avro.Schema;

/**
 * The field layout of a {@link JournalEntry} record that fleetpulse's hand-written codecs rely on: the
 * collector's encoder and the topology's journal source, which skip Avro's generic schema walk on the
 * hottest paths. Each checks it when it is made ({@link #requireCurrent}), so a schema change stops them
 * at start-up instead of letting them write or read wrong records.
 */
public final class JournalEntryLayout {

  /** Each field's name and type, in the order the codecs write and read them, as {@link #of} describes a schema. */
  public static final String FIELDS = "deviceUuid:string fleet:string unit:string syslogIdentifier:[null,string] "
      + "pid:[null,int] priority:[null,int] transport:[null,string] bootId:[null,string] realtimeUs:[null,long] "
      + "monotonicUs:[null,long] seqnumId:[null,string] seqnum:[null,long] cursor:[null,string] hostname:[null,string] "
      + "message:[null,string] messageBytes:[null,bytes] fields:map<string> binaryFields:map<bytes> receivedAt:long "
      + "ingest:string";

  private JournalEntryLayout() {}

  /** Throws unless JournalEntry's current schema has exactly the {@link #FIELDS} layout {@code codec} was written for. */
  public static void requireCurrent(String codec) {
    String current = of(JournalEntry.getClassSchema());
    if (!FIELDS.equals(current)) {
      throw new IllegalStateException("JournalEntry's schema changed; teach " + codec + " (and JournalEntryLayout.FIELDS) "
          + "the new one. Expected " + FIELDS + ", found " + current);
    }
  }

  /** Each field's name and type, in order: what the order and form of a record's bytes depend on. */
  static String of(Schema schema) {
    return schema.getFields().stream().map(field -> field.name() + ":" + describe(field.schema()))
        .collect(Collectors.joining(" "));
  }

  private static String describe(Schema schema) {
    return switch (schema.getType()) {
      case UNION -> schema.getTypes().stream().map(JournalEntryLayout::describe).collect(Collectors.joining(",", "[", "]"));
      case MAP -> "map<" + describe(schema.getValueType()) + ">";
      default -> schema.getType().getName();
    };
  }
}
