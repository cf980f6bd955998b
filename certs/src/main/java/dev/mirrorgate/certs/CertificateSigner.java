package dev.mirrorgate.certs;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The X.509 mechanics shared by CA and leaf issuance: names, serials, key identifiers, signing.
 *
 * <p>Bouncy Castle builds and encodes; the JDK's own providers sign and parse, so no security
 * provider is registered and the certificates and keys handed out are plain JDK objects.
 */
final class CertificateSigner {
  /** Serial numbers are random, positive and at most 20 octets, as RFC 5280 asks. */
  private static final int SERIAL_BITS = 159;

  private CertificateSigner() {}

  static X500Name commonName(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  static BigInteger randomSerial(SecureRandom random) {
    BigInteger serial;
    do {
      serial = new BigInteger(SERIAL_BITS, random);
    } while (serial.signum() == 0);
    return serial;
  }

  static Date date(Instant instant) {
    return Date.from(instant);
  }

  /** SHA256withECDSA for EC keys, SHA256withRSA for RSA keys. */
  static String signatureAlgorithm(PrivateKey signingKey) {
    return switch (signingKey.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default ->
          throw new IllegalArgumentException(
              "cannot sign with a " + signingKey.getAlgorithm() + " key; use an EC or RSA key");
    };
  }

  static SubjectKeyIdentifier subjectKeyIdentifier(PublicKey key) {
    return extensionUtils().createSubjectKeyIdentifier(key);
  }

  /**
   * The issuer's key identifier alone (no issuer name and serial), so a leaf still chains to a CA
   * that was re-issued with the same key.
   */
  static AuthorityKeyIdentifier authorityKeyIdentifier(X509Certificate issuer) {
    byte[] ski = issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (ski == null) {
      return extensionUtils().createAuthorityKeyIdentifier(issuer.getPublicKey());
    }
    try {
      byte[] keyId =
          SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(ski))
              .getKeyIdentifier();
      return new AuthorityKeyIdentifier(keyId);
    } catch (IOException e) {
      throw new IllegalArgumentException("issuer has a malformed subjectKeyIdentifier", e);
    }
  }

  static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder(signatureAlgorithm(signingKey)).build(signingKey)));
    } catch (OperatorCreationException | CertificateException e) {
      throw new IllegalStateException("cannot sign certificate: " + e.getMessage(), e);
    }
  }

  static void addExtension(
      X509v3CertificateBuilder builder,
      ASN1ObjectIdentifier oid,
      boolean critical,
      ASN1Encodable value) {
    try {
      builder.addExtension(oid, critical, value);
    } catch (CertIOException e) {
      throw new IllegalArgumentException("cannot encode extension " + oid + ": " + e, e);
    }
  }

  private static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-1 (for key identifiers) is required of every JDK", e);
    }
  }

  /** Whether the private key signs what the public key verifies (works for RSA and EC alike). */
  static boolean matches(PublicKey publicKey, PrivateKey privateKey) {
    if (!publicKey.getAlgorithm().equals(privateKey.getAlgorithm())) {
      return false;
    }
    try {
      String algorithm = signatureAlgorithm(privateKey);
      byte[] challenge = "mirrorgate key match".getBytes(StandardCharsets.UTF_8);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}
