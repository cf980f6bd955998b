package dev.mirrorgate.certs;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;

/** The key types mirrorgate issues. ECDSA P-256 is the default; RSA is for peers that need it. */
public enum KeyAlgorithm {
  /** ECDSA on NIST P-256 (secp256r1), signed with SHA256withECDSA. */
  EC_P256,
  /** RSA with a 2048-bit modulus, signed with SHA256withRSA. */
  RSA_2048,
  /** RSA with a 3072-bit modulus, signed with SHA256withRSA. */
  RSA_3072;

  /** Whether keys of this algorithm are RSA keys (their leaves also get keyEncipherment). */
  public boolean isRsa() {
    return this != EC_P256;
  }

  KeyPair generateKeyPair(SecureRandom random) {
    try {
      KeyPairGenerator generator;
      switch (this) {
        case EC_P256 -> {
          generator = KeyPairGenerator.getInstance("EC");
          generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        }
        case RSA_2048 -> {
          generator = KeyPairGenerator.getInstance("RSA");
          generator.initialize(2048, random);
        }
        case RSA_3072 -> {
          generator = KeyPairGenerator.getInstance("RSA");
          generator.initialize(3072, random);
        }
        default -> throw new AssertionError(this);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot generate " + this + " keys", e);
    }
  }
}
