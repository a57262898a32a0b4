package io.fleetpulse.collector.journal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields of one journal entry exactly as received, before normalisation: every value kept as the
 * device sent it (journald fields are byte strings; text is only an interpretation), fields that may
 * repeat kept in order, and fields the sender omitted as too large remembered by name.
 *
 * <p>A value is held as bytes, or as text when the sender already gave it as text (a JSON string is
 * decoded Unicode): turning that back into bytes only for normalisation to decode them again was a
 * fair share of the ingest's CPU.
 */
public final class JournalFields {

  /**
   * Each value a {@code byte[]} or a {@code String}, or {@link Repeated} for a field that occurs more than
   * once: nearly every field occurs once, and a list per field was a fair share of parsing's allocations.
   * Sized for a typical entry (about 25 fields) so that the map does not grow while it is filled.
   */
  private final Map<String, Object> values = new LinkedHashMap<>(64);
  private Set<String> omitted = Set.of();

  /** The values of a field that occurred more than once, in order. */
  private static final class Repeated {
    final List<Object> values = new ArrayList<>(2);
  }

  public void add(String name, byte[] value) {
    append(name, value);
  }

  /** A value that arrived as text. */
  public void addText(String name, String value) {
    append(name, value);
  }

  private void append(String name, Object value) {
    Object previous = values.putIfAbsent(name, value);
    if (previous instanceof Repeated repeated) {
      repeated.values.add(value);
    } else if (previous != null) {
      Repeated repeated = new Repeated();
      repeated.values.add(previous);
      repeated.values.add(value);
      values.put(name, repeated);
    }
  }

  /** journalctl prints {@code null} for a field larger than its data threshold. */
  public void addOmitted(String name) {
    if (omitted.isEmpty()) {
      omitted = new LinkedHashSet<>();
    }
    omitted.add(name);
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** The first value's bytes, or null. */
  public byte[] first(String name) {
    Object value = firstReceived(name);
    return value == null ? null : bytes(value);
  }

  /** The first value as text (lossy where it is not UTF-8), or null. */
  public String text(String name) {
    Object value = firstReceived(name);
    return value == null || value instanceof String ? (String) value : new String((byte[]) value, StandardCharsets.UTF_8);
  }

  /** The fields received, in order. */
  public Set<String> names() {
    return values.keySet();
  }

  /** The first value of a field as received: a {@code String} if it came as text, else its {@code byte[]}; or null. */
  public Object firstReceived(String name) {
    Object value = values.get(name);
    return value instanceof Repeated repeated ? repeated.values.get(0) : value;
  }

  /** The last value of a field as received, like {@link #firstReceived}. */
  public Object lastReceived(String name) {
    Object value = values.get(name);
    return value instanceof Repeated repeated ? repeated.values.get(repeated.values.size() - 1) : value;
  }

  public Set<String> omitted() {
    return omitted;
  }

  public int fieldCount() {
    return values.size() + omitted.size();
  }

  private static byte[] bytes(Object value) {
    return value instanceof String text ? text.getBytes(StandardCharsets.UTF_8) : (byte[]) value;
  }
}
