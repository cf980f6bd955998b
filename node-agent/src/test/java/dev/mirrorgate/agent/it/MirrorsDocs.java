package dev.mirrorgate.agent.it;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * Mirrors documents of a given number of mirrors and an exact size in bytes, each mirror with its
 * own CA bundle (the worst case for the agent's memory: nothing shared), sized to fill the
 * document.
 */
final class MirrorsDocs {

  private MirrorsDocs() {}

  /** {@code mirrors} mirrors in exactly {@code bytes} bytes; {@code seed} varies the CAs. */
  static String of(int mirrors, int bytes, long seed) {
    int fixed = "mirrors:\n".length();
    for (int i = 0; i < mirrors; i++) {
      fixed += entry(i, "").length();
    }
    // Each 64 base64 characters cost 71 bytes ("      " + 64 + "\n"); keep room for the padding.
    int perMirror = Math.max(0, (bytes - fixed - 80) / Math.max(mirrors, 1));
    int base64 = perMirror / 71 * 64 + Math.max(0, perMirror % 71 - 7);
    StringBuilder b = new StringBuilder("mirrors:\n");
    Random random = new Random(seed);
    for (int i = 0; i < mirrors; i++) {
      b.append(entry(i, ca(random, base64)));
    }
    int left = bytes - b.toString().getBytes(StandardCharsets.UTF_8).length;
    if (left < 0 || (left > 0 && left < 2)) {
      throw new IllegalArgumentException(mirrors + " mirrors do not fit in " + bytes + " bytes");
    }
    if (left > 0) {
      b.append('#').append("x".repeat(left - 2)).append('\n');
    }
    return b.toString();
  }

  private static String ca(Random random, int base64Chars) {
    if (base64Chars <= 0) {
      return "";
    }
    byte[] raw = new byte[base64Chars * 3 / 4 + 3];
    random.nextBytes(raw);
    String text = Base64.getEncoder().encodeToString(raw).substring(0, base64Chars);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length(); i += 64) {
      b.append("      ").append(text, i, Math.min(text.length(), i + 64)).append('\n');
    }
    return b.toString();
  }

  private static String entry(int i, String caLines) {
    String address = "10." + (96 + i / 62_500) + "." + (i / 250 % 250) + "." + (i % 250 + 1);
    return "  - name: m"
        + i
        + "\n    upstream: registry"
        + i
        + ".example.com\n    endpoint: https://"
        + address
        + ":443\n    masquerade: mirror"
        + i
        + ".mirrorgate.test\n    address: "
        + address
        + "\n    caBundle: |\n      -----BEGIN CERTIFICATE-----\n"
        + caLines
        + "      -----END CERTIFICATE-----\n";
  }
}
