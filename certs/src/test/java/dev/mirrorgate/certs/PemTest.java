package dev.mirrorgate.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;

class PemTest {
  private static final CertificateAuthority CA =
      CertificateAuthority.create(
          "pem CA", Duration.ofDays(30), KeyAlgorithm.EC_P256, Clock.systemUTC());
  private static final IssuedCertificate LEAF =
      CA.issue(LeafSpec.server("leaf", List.of("leaf.example"), List.of(), Duration.ofDays(1)));

  @Test
  void certificatesRoundTripInOrder() throws Exception {
    String pem = Pem.encodeCertificates(LEAF.chain());
    assertThat(pem)
        .startsWith("-----BEGIN CERTIFICATE-----\n")
        .endsWith("-----END CERTIFICATE-----\n");
    assertThat(pem.split("-----BEGIN CERTIFICATE-----", -1)).hasSize(3);
    assertThat(Pem.readCertificates(pem)).containsExactly(LEAF.certificate(), CA.certificate());
  }

  @Test
  void readsCertificatesWithCrLfAndSurroundingText() throws Exception {
    String pem =
        "subject=CN = leaf\r\n"
            + Pem.encodeCertificates(List.of(CA.certificate())).replace("\n", "\r\n")
            + "trailing notes\r\n";
    assertThat(Pem.readCertificates(pem)).containsExactly(CA.certificate());
  }

  @Test
  void privateKeysRoundTripAsPkcs8() throws Exception {
    String pem = Pem.encodePrivateKey(LEAF.privateKey());
    assertThat(pem)
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    assertThat(Pem.readPrivateKey(pem)).isEqualTo(LEAF.privateKey());
  }

  @Test
  void readsTraditionalSec1AndPkcs1Keys() throws Exception {
    KeyPair ec = KeyAlgorithm.EC_P256.generateKeyPair(new SecureRandom());
    String sec1 = sec1WithCurve(ec.getPrivate());
    assertThat(sec1).startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(((ECPrivateKey) Pem.readPrivateKey(sec1)).getS())
        .isEqualTo(((ECPrivateKey) ec.getPrivate()).getS());

    KeyPair rsa = KeyAlgorithm.RSA_2048.generateKeyPair(new SecureRandom());
    String pkcs1 = traditional(rsa);
    assertThat(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(Pem.readPrivateKey(pkcs1)).isEqualTo(rsa.getPrivate());
    assertThat(Pem.readPrivateKey(Pem.encodePrivateKey(rsa.getPrivate())))
        .isEqualTo(rsa.getPrivate());
  }

  @Test
  void certificateErrorsSayWhatIsWrong() {
    assertCertificateError(
        "",
        "no certificate found: expected \"-----BEGIN CERTIFICATE-----\" blocks, got empty text");
    assertCertificateError("just some text\n", "no certificate found");
    assertCertificateError(
        CA.certificatePem() + LEAF.privateKeyPem(),
        "PEM block 2 is a \"PRIVATE KEY\", expected a \"CERTIFICATE\"");
    assertCertificateError(
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        "PEM block 1 is not a valid X.509 certificate");
    assertCertificateError("-----BEGIN CERTIFICATE-----\nAAAA\n", "malformed certificate PEM");
    assertCertificateError(
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        "malformed certificate PEM");
  }

  @Test
  void privateKeyErrorsSayWhatIsWrong() {
    assertKeyError("", "no private key found");
    assertKeyError("   \n", "got empty text");
    assertKeyError(CA.certificatePem(), "PEM block 1 is a certificate, expected a private key");
    assertKeyError(
        publicKeyPem(CA.certificate().getPublicKey()),
        "PEM block 1 is a public key, expected a private key");
    assertKeyError(
        LEAF.privateKeyPem() + CA.privateKeyPem(), "PEM holds more than one private key");
    assertKeyError(
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "malformed private key PEM");
    assertKeyError(
        "-----BEGIN WHATEVER-----\nAAAA\n-----END WHATEVER-----\n", "malformed private key PEM");
  }

  @Test
  void legacyEncryptedKeysAreRefusedWithAHint() throws Exception {
    String encrypted =
        traditional(KeyAlgorithm.EC_P256.generateKeyPair(new SecureRandom()))
            .replace(
                "-----BEGIN EC PRIVATE KEY-----\n",
                "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                    + "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n");
    assertKeyError(encrypted, "the private key is encrypted");
    assertKeyError(encrypted, "openssl pkey -in key.pem -out key-plain.pem");
  }

  @Test
  void fingerprintIsUppercaseHexPairsWithColons() {
    assertThat(Fingerprints.sha256(CA.certificate())).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    assertThat(Fingerprints.sha256(CA.certificate()))
        .isNotEqualTo(Fingerprints.sha256(LEAF.certificate()));
  }

  private static void assertCertificateError(String pem, String message) {
    assertThatThrownBy(() -> Pem.readCertificates(pem))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining(message);
  }

  private static void assertKeyError(String pem, String message) {
    assertThatThrownBy(() -> Pem.readPrivateKey(pem))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining(message);
  }

  @Test
  void sec1KeyWithoutItsCurveIsRefusedClearly() throws Exception {
    // JcaPEMWriter writes a JDK EC key as SEC1 without the curve: unusable, and said so
    assertKeyError(
        traditional(KeyAlgorithm.EC_P256.generateKeyPair(new SecureRandom())),
        "PEM block 1: the EC private key does not name its curve");
  }

  /** SEC1 as openssl writes it: the curve inside the key structure. */
  private static String sec1WithCurve(PrivateKey key) throws Exception {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
    org.bouncycastle.asn1.sec.ECPrivateKey inner =
        org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
    org.bouncycastle.asn1.sec.ECPrivateKey withCurve =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
            256, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters());
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new PemObject("EC PRIVATE KEY", withCurve.getEncoded()));
    }
    return out.toString();
  }

  /** PKCS#1 for RSA, SEC1 for EC: what JcaPEMWriter writes for a bare private key. */
  private static String traditional(KeyPair keys) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(keys.getPrivate());
    }
    return out.toString();
  }

  private static String publicKeyPem(PublicKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
