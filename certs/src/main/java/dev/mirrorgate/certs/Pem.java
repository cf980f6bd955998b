package dev.mirrorgate.certs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * PEM text to and from JDK certificate and key objects.
 *
 * <p>Certificates are written as {@code CERTIFICATE} blocks, private keys as unencrypted PKCS#8
 * {@code PRIVATE KEY}. Reading accepts what openssl and cert-manager write: PKCS#8, PKCS#1 ({@code
 * RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}, with or without a leading {@code EC
 * PARAMETERS} block). The objects returned are the JDK's own, so they work in any JSSE context.
 */
public final class Pem {
  private static final String ENCRYPTED_KEY =
      "the private key is encrypted; mirrorgate needs an unencrypted key"
          + " (decrypt it with: openssl pkey -in key.pem -out key-plain.pem)";

  private Pem() {}

  /** The certificates as concatenated {@code CERTIFICATE} blocks, in the given order. */
  public static String encodeCertificates(List<X509Certificate> certs) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (X509Certificate cert : certs) {
        writer.writeObject(cert);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot PEM-encode certificate", e);
    }
    return out.toString();
  }

  /** The key as one unencrypted PKCS#8 {@code PRIVATE KEY} block. */
  public static String encodePrivateKey(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot PEM-encode " + key.getAlgorithm() + " private key", e);
    }
    return out.toString();
  }

  /**
   * All certificates in the text, in order.
   *
   * @throws CertificateException when the text holds no certificate, a block is not a certificate
   *     (a private key in a certificate bundle is a mistake worth stopping for), or a block is
   *     malformed
   */
  public static List<X509Certificate> readCertificates(String pem) throws CertificateException {
    Objects.requireNonNull(pem, "pem");
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> certs = new ArrayList<>();
    try (PemReader reader = new PemReader(new StringReader(pem))) {
      for (PemObject block; (block = reader.readPemObject()) != null; ) {
        String where = "PEM block " + (certs.size() + 1);
        if (!block.getType().equals("CERTIFICATE")) {
          throw new CertificateException(
              where + " is a \"" + block.getType() + "\", expected a \"CERTIFICATE\"");
        }
        try {
          certs.add(
              (X509Certificate)
                  factory.generateCertificate(new ByteArrayInputStream(block.getContent())));
        } catch (CertificateException e) {
          throw new CertificateException(
              where + " is not a valid X.509 certificate: " + e.getMessage(), e);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new CertificateException("malformed certificate PEM: " + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new CertificateException(
          "no certificate found: expected \"-----BEGIN CERTIFICATE-----\" blocks"
              + (pem.isBlank() ? ", got empty text" : ""));
    }
    return List.copyOf(certs);
  }

  /**
   * The one private key in the text: PKCS#8, PKCS#1 or SEC1.
   *
   * @throws CertificateException when there is no key, more than one, the key is encrypted, or the
   *     text holds something else (a certificate, a public key)
   */
  public static PrivateKey readPrivateKey(String pem) throws CertificateException {
    Objects.requireNonNull(pem, "pem");
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    PrivateKey found = null;
    int index = 0;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object block; (block = parser.readObject()) != null; ) {
        index++;
        PrivateKey key =
            switch (block) {
              case ASN1ObjectIdentifier curve -> null; // "EC PARAMETERS" from openssl ecparam
              case PrivateKeyInfo info -> converter.getPrivateKey(info);
              case PEMKeyPair pair -> converter.getPrivateKey(namedCurve(pair, index));
              case PKCS8EncryptedPrivateKeyInfo encrypted ->
                  throw new CertificateException(ENCRYPTED_KEY);
              case PEMEncryptedKeyPair encrypted -> throw new CertificateException(ENCRYPTED_KEY);
              case X509CertificateHolder cert ->
                  throw new CertificateException(
                      "PEM block " + index + " is a certificate, expected a private key");
              case SubjectPublicKeyInfo publicKey ->
                  throw new CertificateException(
                      "PEM block " + index + " is a public key, expected a private key");
              default ->
                  throw new CertificateException(
                      "PEM block " + index + " is not a private key (" + block.getClass() + ")");
            };
        if (key != null && found != null) {
          throw new CertificateException("PEM holds more than one private key");
        }
        found = key != null ? key : found;
      }
    } catch (CertificateException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new CertificateException("malformed private key PEM: " + e.getMessage(), e);
    }
    if (found == null) {
      throw new CertificateException(
          "no private key found: expected a \"PRIVATE KEY\", \"RSA PRIVATE KEY\""
              + " or \"EC PRIVATE KEY\" block"
              + (pem.isBlank() ? ", got empty text" : ""));
    }
    return found;
  }

  /** The key of a PKCS#1 or SEC1 block; a SEC1 key must name its curve to be usable. */
  private static PrivateKeyInfo namedCurve(PEMKeyPair pair, int index) throws CertificateException {
    PrivateKeyInfo info = pair.getPrivateKeyInfo();
    AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
    if (algorithm.getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)
        && algorithm.getParameters() == null) {
      throw new CertificateException(
          "PEM block " + index + ": the EC private key does not name its curve");
    }
    return info;
  }
}
