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

  /** Each value a {@code byte[]} or a {@code String}. */
  private final Map<String, List<Object>> values = new LinkedHashMap<>();
  private final Set<String> omitted = new LinkedHashSet<>();

  public void add(String name, byte[] value) {
    append(name, value);
  }

  /** A value that arrived as text. */
  public void addText(String name, String value) {
    append(name, value);
  }

  private void append(String name, Object value) {
    List<Object> list = values.get(name);
    if (list == null) {
      list = new ArrayList<>(1);
      values.put(name, list);
    }
    list.add(value);
  }

  /** journalctl prints {@code null} for a field larger than its data threshold. */
  public void addOmitted(String name) {
    omitted.add(name);
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** The first value's bytes, or null. */
  public byte[] first(String name) {
    List<Object> list = values.get(name);
    return list == null ? null : bytes(list.get(0));
  }

  /** The first value as text (lossy where it is not UTF-8), or null. */
  public String text(String name) {
    List<Object> list = values.get(name);
    if (list == null) {
      return null;
    }
    Object value = list.get(0);
    return value instanceof String text ? text : new String((byte[]) value, StandardCharsets.UTF_8);
  }

  /** The fields received, in order. */
  public Set<String> names() {
    return values.keySet();
  }

  /** The first value of a field as received: a {@code String} if it came as text, else its {@code byte[]}; or null. */
  public Object firstReceived(String name) {
    List<Object> list = values.get(name);
    return list == null ? null : list.get(0);
  }

  /** The last value of a field as received, like {@link #firstReceived}. */
  public Object lastReceived(String name) {
    List<Object> list = values.get(name);
    return list == null ? null : list.get(list.size() - 1);
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
