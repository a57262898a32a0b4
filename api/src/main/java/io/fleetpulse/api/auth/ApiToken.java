package io.fleetpulse.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A bearer token as configured: its owner's name, its role, and the SHA-256 of the token (the token
 * itself is never stored). {@code ./fleetpulse token} makes new ones.
 */
public record ApiToken(String name, Role role, String sha256) {

  public ApiToken {
    if (sha256 == null || !sha256.toLowerCase(Locale.ROOT).matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("token " + name + ": sha256 must be the 64 hex digits of the token's SHA-256");
    }
    sha256 = sha256.toLowerCase(Locale.ROOT);
  }

  public boolean matches(byte[] presentedDigest) {
    return MessageDigest.isEqual(HexFormat.of().parseHex(sha256), presentedDigest);
  }

  public static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  public static String sha256Hex(String token) {
    return HexFormat.of().formatHex(digest(token));
  }
}
