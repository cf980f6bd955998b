package dev.mirrorgate.webhook.owned;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/** htpasswd lines with bcrypt hashes ({@code htpasswd -B}), the only kind distribution reads. */
public final class Htpasswd {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Htpasswd() {}

  public static String line(String user, String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return user
        + ":"
        + OpenBSDBCrypt.generate("2y", password.getBytes(StandardCharsets.UTF_8), salt, 5)
        + "\n";
  }
}
