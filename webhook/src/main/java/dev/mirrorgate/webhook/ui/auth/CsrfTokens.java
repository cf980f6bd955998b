package dev.mirrorgate.webhook.ui.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF tokens (synchronizer pattern): every session has a random secret, every form and POST of the
 * session carries it. What a page shows is masked afresh each time (a random pad, then the secret
 * XOR the pad), so compressed pages never repeat it byte for byte (BREACH). Callers with header
 * credentials (a proxy that adds them) have no session: their secret is an HMAC of their user name
 * under a key that lives in this process.
 */
public final class CsrfTokens {
  static final int SIZE = 32;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private final SecureRandom random;
  private final byte[] processKey = new byte[SIZE];

  public CsrfTokens(SecureRandom random) {
    this.random = random;
    random.nextBytes(processKey);
  }

  /** A new session's secret. */
  public byte[] newSecret() {
    byte[] secret = new byte[SIZE];
    random.nextBytes(secret);
    return secret;
  }

  /** The secret of a caller: its session's, else derived from its user name. */
  public byte[] secretOf(Caller caller) {
    if (caller.session() != null) {
      return caller.session().csrfSecret();
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(processKey, "HmacSHA256"));
      return mac.doFinal((caller.via() + "\0" + caller.user()).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is always available", e);
    }
  }

  /** {@code secret} masked with a fresh pad: what a form or page carries. */
  public String mask(byte[] secret) {
    byte[] pad = new byte[SIZE];
    random.nextBytes(pad);
    byte[] token = new byte[2 * SIZE];
    for (int i = 0; i < SIZE; i++) {
      token[i] = pad[i];
      token[SIZE + i] = (byte) (pad[i] ^ secret[i]);
    }
    return ENCODER.encodeToString(token);
  }

  /** Whether {@code presented} (a masked token, or null) carries {@code secret}; constant time. */
  public static boolean matches(byte[] secret, String presented) {
    if (presented == null || presented.length() > 200) {
      return false;
    }
    byte[] token;
    try {
      token = Base64.getUrlDecoder().decode(presented.trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (token.length != 2 * SIZE) {
      return false;
    }
    byte[] unmasked = new byte[SIZE];
    for (int i = 0; i < SIZE; i++) {
      unmasked[i] = (byte) (token[i] ^ token[SIZE + i]);
    }
    return MessageDigest.isEqual(secret, unmasked);
  }
}
