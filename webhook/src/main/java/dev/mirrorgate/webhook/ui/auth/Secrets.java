package dev.mirrorgate.webhook.ui.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Comparisons of secrets that take the same time whatever the values and their lengths. */
final class Secrets {
  private Secrets() {}

  /** SHA-256 of the UTF-8 bytes. */
  static byte[] sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /**
   * Whether two secrets are equal, in constant time: their SHA-256 digests are compared with {@link
   * MessageDigest#isEqual}, so not even the length of the expected secret shows in the timing.
   */
  static boolean equal(byte[] expectedDigest, String presented) {
    return MessageDigest.isEqual(expectedDigest, sha256(presented));
  }
}
