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
 * bytes the device sent (journald fields are byte strings; text is only an interpretation), fields
 * that may repeat kept in order, and fields the sender omitted as too large remembered by name.
 */
public final class JournalFields {

  private final Map<String, List<byte[]>> values = new LinkedHashMap<>();
  private final Set<String> omitted = new LinkedHashSet<>();
  private int totalBytes;

  public void add(String name, byte[] value) {
    values.computeIfAbsent(name, key -> new ArrayList<>(1)).add(value);
    totalBytes += name.length() + value.length;
  }

  /** journalctl prints {@code null} for a field larger than its data threshold. */
  public void addOmitted(String name) {
    omitted.add(name);
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** The first value of a field, or null. */
  public byte[] first(String name) {
    List<byte[]> list = values.get(name);
    return list == null ? null : list.get(0);
  }

  /** The first value as text (lossy where it is not UTF-8), or null. */
  public String text(String name) {
    byte[] value = first(name);
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  public Map<String, List<byte[]>> values() {
    return values;
  }

  public Set<String> omitted() {
    return omitted;
  }

  public int fieldCount() {
    return values.size() + omitted.size();
  }

  public int totalBytes() {
    return totalBytes;
  }
}
