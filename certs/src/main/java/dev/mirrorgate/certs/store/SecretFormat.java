package dev.mirrorgate.certs.store;

import dev.mirrorgate.certs.CaBundle;
import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.KeyMismatchException;
import dev.mirrorgate.certs.Pem;
import dev.mirrorgate.certs.store.CertificateProblem.Reason;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Secret layout (type {@code kubernetes.io/tls}, so it also mounts as an ordinary TLS Secret):
 *
 * <ul>
 *   <li>{@code tls.crt}: the serving leaf, then the CA that signed it
 *   <li>{@code tls.key}: the serving leaf's key
 *   <li>{@code ca.crt}: the CA bundle clients trust (old and new CA during a rotation)
 *   <li>{@code ca.key}: the key of the signing CA; the signing CA is the certificate in {@code
 *       ca.crt} that this key belongs to
 *   <li>annotation {@value #SIGNER_SINCE}: when the signing CA joined the bundle
 * </ul>
 *
 * Pure: maps of bytes in and out.
 */
public final class SecretFormat {
  public static final String TYPE = "kubernetes.io/tls";
  public static final String TLS_CRT = "tls.crt";
  public static final String TLS_KEY = "tls.key";
  public static final String CA_CRT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String SIGNER_SINCE = "mirrorgate.dev/ca-signer-since";

  private SecretFormat() {}

  /** The Secret's data. */
  public static Map<String, byte[]> data(ServingCertificates value) {
    Map<String, byte[]> data = new LinkedHashMap<>();
    data.put(TLS_CRT, bytes(value.serving().certificateChainPem()));
    data.put(TLS_KEY, bytes(value.serving().privateKeyPem()));
    data.put(CA_CRT, bytes(value.trusted().pem()));
    data.put(CA_KEY, bytes(value.signer().privateKeyPem()));
    return data;
  }

  /** The Secret's annotations. */
  public static Map<String, String> annotations(ServingCertificates value) {
    return Map.of(SIGNER_SINCE, value.signerSince().toString());
  }

  /**
   * Reads a stored Secret. A broken CA part ({@code ca.crt}, {@code ca.key}) cannot be repaired
   * without breaking trust and is thrown; a broken leaf part is returned as a problem with a null
   * serving leaf, to be reissued.
   *
   * @param where names the Secret in messages ({@code ns/name})
   * @throws CertificateException naming the key and what is wrong with it
   */
  public static Decoded decode(
      String where, Map<String, byte[]> data, Map<String, String> annotations, Clock clock)
      throws CertificateException {
    Map<String, byte[]> d = data == null ? Map.of() : data;
    CaBundle trusted;
    PrivateKey caKey;
    try {
      trusted = CaBundle.parse(text(d, CA_CRT, where));
    } catch (CertificateException e) {
      throw new CertificateException(where + ": " + CA_CRT + ": " + e.getMessage(), e);
    }
    try {
      caKey = Pem.readPrivateKey(text(d, CA_KEY, where));
    } catch (CertificateException e) {
      throw new CertificateException(where + ": " + CA_KEY + ": " + e.getMessage(), e);
    }
    CertificateAuthority signer = null;
    for (X509Certificate ca : trusted.certificates()) {
      try {
        signer = CertificateAuthority.of(ca, caKey, clock);
        break;
      } catch (CertificateException notThisOne) {
        // the key belongs to another CA of the bundle
      }
    }
    if (signer == null) {
      throw new CertificateException(
          where + ": " + CA_KEY + " belongs to none of the CAs in " + CA_CRT + " " + trusted);
    }
    Instant since = signerSince(annotations, signer);
    List<CertificateProblem> problems = new ArrayList<>();
    IssuedCertificate serving = null;
    try {
      serving = IssuedCertificate.fromPem(text(d, TLS_CRT, where), text(d, TLS_KEY, where));
    } catch (CertificateException e) {
      Reason reason = e instanceof KeyMismatchException ? Reason.MISMATCH : Reason.MALFORMED;
      problems.add(
          new CertificateProblem(
              reason, where + ": " + TLS_CRT + "/" + TLS_KEY + ": " + e.getMessage()));
    }
    return new Decoded(new ServingCertificates(trusted, signer, serving, since), problems);
  }

  private static Instant signerSince(Map<String, String> annotations, CertificateAuthority signer) {
    String value = annotations == null ? null : annotations.get(SIGNER_SINCE);
    if (value != null) {
      try {
        return Instant.parse(value);
      } catch (DateTimeParseException e) {
        // fall through: the CA's own start is a safe lower bound
      }
    }
    return signer.certificate().getNotBefore().toInstant();
  }

  private static String text(Map<String, byte[]> data, String key, String where)
      throws CertificateException {
    byte[] value = data.get(key);
    if (value == null) {
      throw new CertificateException("missing key " + key);
    }
    return new String(value, StandardCharsets.US_ASCII);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** A decoded Secret and what was wrong with its leaf part. */
  public record Decoded(ServingCertificates value, List<CertificateProblem> problems) {
    public Decoded {
      problems = List.copyOf(problems);
    }
  }
}
