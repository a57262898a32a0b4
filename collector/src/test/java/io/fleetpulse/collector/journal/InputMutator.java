package io.fleetpulse.collector.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Makes fuzz inputs: valid bodies with a few bytes flipped, inserted, deleted or repeated, and pure noise. */
public final class InputMutator {

  /** Bytes that mean something to one of the formats, so insertions hit the parsers' edge cases. */
  private static final String STRUCTURAL = "\n={}[]\",0:9";

  private InputMutator() {}

  /** Flips, inserts, deletes and duplicates bytes of a valid input. */
  public static byte[] mutate(byte[] seed, Random random) {
    List<Byte> bytes = new ArrayList<>();
    for (byte b : seed) {
      bytes.add(b);
    }
    int mutations = 1 + random.nextInt(8);
    for (int i = 0; i < mutations && !bytes.isEmpty(); i++) {
      int at = random.nextInt(bytes.size());
      switch (random.nextInt(4)) {
        case 0 -> bytes.set(at, (byte) random.nextInt(256));
        case 1 -> bytes.add(at, (byte) STRUCTURAL.charAt(random.nextInt(STRUCTURAL.length())));
        case 2 -> bytes.remove(at);
        default -> bytes.addAll(at, bytes.subList(at, Math.min(bytes.size(), at + random.nextInt(16))).stream().toList());
      }
    }
    byte[] out = new byte[bytes.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = bytes.get(i);
    }
    return out;
  }

  public static byte[] randomBytes(Random random) {
    byte[] bytes = new byte[random.nextInt(600)];
    random.nextBytes(bytes);
    return bytes;
  }
}
