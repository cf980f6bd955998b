package dev.mirrorgate.certs;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** Certificate fingerprints in the form {@code openssl x509 -fingerprint} prints them. */
public final class Fingerprints {
  private static final HexFormat COLON_HEX = HexFormat.ofDelimiter(":").withUpperCase();

  private Fingerprints() {}

  /** SHA-256 over the DER encoding, as uppercase hex pairs joined by colons ({@code AB:CD:...}). */
  public static String sha256(X509Certificate cert) {
    try {
      return COLON_HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be DER-encoded", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
