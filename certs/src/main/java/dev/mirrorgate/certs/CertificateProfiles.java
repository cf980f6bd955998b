package dev.mirrorgate.certs;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/** The two kinds of certificate mirrorgate makes, extension by extension. */
final class CertificateProfiles {
  private CertificateProfiles() {}

  /**
   * A self-signed root that signs leaves only: basicConstraints CA:TRUE pathLen 0 and keyUsage
   * keyCertSign + cRLSign (both critical), subjectKeyIdentifier.
   */
  static X509Certificate rootCa(
      String commonName, KeyPair keys, Instant notBefore, Instant notAfter, SecureRandom random) {
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            CertificateSigner.commonName(commonName),
            CertificateSigner.randomSerial(random),
            CertificateSigner.date(notBefore),
            CertificateSigner.date(notAfter),
            CertificateSigner.commonName(commonName),
            keys.getPublic());
    CertificateSigner.addExtension(
        builder, Extension.basicConstraints, true, new BasicConstraints(0));
    CertificateSigner.addExtension(
        builder, Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    CertificateSigner.addExtension(
        builder,
        Extension.subjectKeyIdentifier,
        false,
        CertificateSigner.subjectKeyIdentifier(keys.getPublic()));
    return CertificateSigner.sign(builder, keys.getPrivate());
  }

  /**
   * A TLS server leaf: basicConstraints CA:FALSE and keyUsage digitalSignature (+ keyEncipherment
   * for RSA keys), both critical; extendedKeyUsage serverAuth; the spec's subjectAltNames; subject
   * and authority key identifiers.
   */
  static X509Certificate serverLeaf(
      X509Certificate issuer,
      PrivateKey issuerKey,
      LeafSpec spec,
      PublicKey leafKey,
      Instant notBefore,
      Instant notAfter,
      SecureRandom random) {
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            CertificateSigner.randomSerial(random),
            CertificateSigner.date(notBefore),
            CertificateSigner.date(notAfter),
            CertificateSigner.commonName(spec.commonName()),
            leafKey);
    int usage =
        KeyUsage.digitalSignature | (spec.algorithm().isRsa() ? KeyUsage.keyEncipherment : 0);
    CertificateSigner.addExtension(
        builder, Extension.basicConstraints, true, new BasicConstraints(false));
    CertificateSigner.addExtension(builder, Extension.keyUsage, true, new KeyUsage(usage));
    CertificateSigner.addExtension(
        builder,
        Extension.extendedKeyUsage,
        false,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    CertificateSigner.addExtension(
        builder,
        Extension.subjectAlternativeName,
        false,
        SubjectAlternativeNames.encode(spec.dnsNames(), spec.ipAddresses()));
    CertificateSigner.addExtension(
        builder,
        Extension.subjectKeyIdentifier,
        false,
        CertificateSigner.subjectKeyIdentifier(leafKey));
    CertificateSigner.addExtension(
        builder,
        Extension.authorityKeyIdentifier,
        false,
        CertificateSigner.authorityKeyIdentifier(issuer));
    return CertificateSigner.sign(builder, issuerKey);
  }
}
