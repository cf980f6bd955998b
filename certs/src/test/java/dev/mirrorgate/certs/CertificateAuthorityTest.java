package dev.mirrorgate.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
  private static final Duration CA_VALIDITY = Duration.ofDays(365);
  private static final CertificateAuthority CA =
      CertificateAuthority.create("mirrorgate CA", CA_VALIDITY, KeyAlgorithm.EC_P256, CLOCK);
  private static final LeafSpec WEBHOOK =
      LeafSpec.server(
          "mirrorgate-webhook",
          List.of("mirrorgate-webhook.mirrorgate.svc", "*.mirror.example"),
          List.of("10.96.0.15", "2001:db8::1"),
          Duration.ofDays(90));

  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  // java.security.cert.X509Certificate#getKeyUsage indexes
  private static final int DIGITAL_SIGNATURE = 0;
  private static final int KEY_ENCIPHERMENT = 2;
  private static final int KEY_CERT_SIGN = 5;
  private static final int CRL_SIGN = 6;

  @Test
  void caIsSelfSignedWithPathLenZeroAndCertSignUsages() throws Exception {
    X509Certificate ca = CA.certificate();
    assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=mirrorgate CA");
    assertThat(ca.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
    assertThat(ca.getBasicConstraints()).isZero(); // CA:TRUE, pathLen 0
    assertThat(ca.getCriticalExtensionOIDs()).contains(BASIC_CONSTRAINTS, KEY_USAGE);
    assertThat(usages(ca)).containsExactlyInAnyOrder(KEY_CERT_SIGN, CRL_SIGN);
    assertThat(ca.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
    assertThat(ca.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(ca.getNotBefore().toInstant()).isEqualTo(T0.minus(Duration.ofMinutes(5)));
    assertThat(ca.getNotAfter().toInstant()).isEqualTo(T0.plus(CA_VALIDITY));
    ca.verify(ca.getPublicKey());
  }

  @Test
  void leafIsAServerCertificateWithTheRequestedNames() throws Exception {
    X509Certificate leaf = CA.issue(WEBHOOK).certificate();
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=mirrorgate-webhook");
    assertThat(leaf.getIssuerX500Principal()).isEqualTo(CA.certificate().getSubjectX500Principal());
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1); // CA:FALSE
    assertThat(leaf.getCriticalExtensionOIDs()).contains(BASIC_CONSTRAINTS, KEY_USAGE);
    assertThat(usages(leaf)).containsExactly(DIGITAL_SIGNATURE);
    assertThat(leaf.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThat(leaf.getSubjectAlternativeNames())
        .containsExactly(
            List.of(2, "mirrorgate-webhook.mirrorgate.svc"),
            List.of(2, "*.mirror.example"),
            List.of(7, "10.96.0.15"),
            List.of(7, "2001:db8:0:0:0:0:0:1"));
    assertThat(leaf.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo("EC");
    leaf.verify(CA.certificate().getPublicKey());
  }

  @Test
  void leafKeyIdentifiersLinkToTheCa() throws Exception {
    X509Certificate leaf = CA.issue(WEBHOOK).certificate();
    byte[] caKeyId = keyIdentifier(CA.certificate());
    AuthorityKeyIdentifier aki =
        AuthorityKeyIdentifier.getInstance(
            JcaX509ExtensionUtils.parseExtensionValue(
                leaf.getExtensionValue(Extension.authorityKeyIdentifier.getId())));
    assertThat(aki.getKeyIdentifierOctets()).isEqualTo(caKeyId);
    assertThat(aki.getAuthorityCertIssuer()).isNull(); // key id only: survives CA re-issue
    assertThat(keyIdentifier(leaf)).isNotEqualTo(caKeyId);
  }

  @Test
  void leafValidityIsBackdatedForSkewAndCappedAtTheCasNotAfter() {
    X509Certificate leaf = CA.issue(WEBHOOK).certificate();
    assertThat(leaf.getNotBefore().toInstant()).isEqualTo(T0.minus(Duration.ofMinutes(5)));
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(T0.plus(Duration.ofDays(90)));

    LeafSpec tooLong =
        LeafSpec.server("long", List.of("long.example"), List.of(), Duration.ofDays(3650));
    assertThat(CA.issue(tooLong).certificate().getNotAfter())
        .isEqualTo(CA.certificate().getNotAfter());
  }

  @Test
  void leafNotBeforeIsNeverEarlierThanTheCas() throws Exception {
    MutableClock clock = new MutableClock(T0);
    CertificateAuthority ca =
        CertificateAuthority.load(CA.certificatePem(), CA.privateKeyPem(), clock);
    clock.set(T0.minus(Duration.ofMinutes(3))); // inside the CA's backdated window
    assertThat(ca.issue(WEBHOOK).certificate().getNotBefore())
        .isEqualTo(CA.certificate().getNotBefore());
  }

  @Test
  void serialsAreRandomPositiveAndAtMost159Bits() {
    Set<BigInteger> serials = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      BigInteger serial = CA.issue(WEBHOOK).certificate().getSerialNumber();
      assertThat(serial.signum()).isPositive();
      assertThat(serial.bitLength()).isLessThanOrEqualTo(159);
      serials.add(serial);
    }
    assertThat(serials).hasSize(20);
    assertThat(CA.certificate().getSerialNumber().signum()).isPositive();
  }

  @Test
  void issuedCertificateCarriesLeafThenCa() throws Exception {
    IssuedCertificate issued = CA.issue(WEBHOOK);
    assertThat(issued.chain()).containsExactly(issued.certificate(), CA.certificate());
    assertThat(Pem.readCertificates(issued.certificateChainPem())).isEqualTo(issued.chain());
    assertThat(Pem.readCertificates(issued.certificatePem())).containsExactly(issued.certificate());
    assertThat(issued.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(Pem.readPrivateKey(issued.privateKeyPem())).isEqualTo(issued.privateKey());
    assertThat(issued.toString()).doesNotContain("PRIVATE").contains("CN=mirrorgate-webhook");
  }

  @Test
  void issuedCertificateRoundTripsThroughPemAndChecksTheKey() throws Exception {
    IssuedCertificate issued = CA.issue(WEBHOOK);
    IssuedCertificate read =
        IssuedCertificate.fromPem(issued.certificateChainPem(), issued.privateKeyPem());
    assertThat(read).isEqualTo(issued);
    assertThatThrownBy(
            () ->
                IssuedCertificate.fromPem(
                    issued.certificateChainPem(), CA.issue(WEBHOOK).privateKeyPem()))
        .isInstanceOf(CertificateException.class)
        .hasMessage(
            "the private key (EC) does not belong to the certificate \"CN=mirrorgate-webhook\"");
  }

  @Test
  void aChainOfIssuersOnlyGetsTheLeafPutFirst() {
    IssuedCertificate issued = CA.issue(WEBHOOK);
    assertThat(
            new IssuedCertificate(
                    issued.certificate(), issued.privateKey(), List.of(CA.certificate()))
                .chain())
        .isEqualTo(issued.chain());
    assertThat(new IssuedCertificate(issued.certificate(), issued.privateKey(), null).chain())
        .containsExactly(issued.certificate());
  }

  @Test
  void rsaLeafFromAnEcCaAlsoGetsKeyEncipherment() throws Exception {
    X509Certificate leaf = CA.issue(WEBHOOK.withAlgorithm(KeyAlgorithm.RSA_2048)).certificate();
    assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(usages(leaf)).containsExactlyInAnyOrder(DIGITAL_SIGNATURE, KEY_ENCIPHERMENT);
    assertThat(leaf.getSigAlgName()).isEqualTo("SHA256withECDSA"); // signed by the EC CA
    leaf.verify(CA.certificate().getPublicKey());
  }

  @Test
  void loadRoundTripsThroughPem() throws Exception {
    CertificateAuthority loaded =
        CertificateAuthority.load(CA.certificatePem(), CA.privateKeyPem(), CLOCK);
    assertThat(loaded.certificate()).isEqualTo(CA.certificate());
    assertThat(loaded.privateKey()).isEqualTo(CA.privateKey());
    loaded.issue(WEBHOOK).certificate().verify(CA.certificate().getPublicKey());
    assertThat(loaded.toString()).contains(Fingerprints.sha256(CA.certificate()));
  }

  @Test
  void loadRejectsALeafAsCa() {
    IssuedCertificate leaf = CA.issue(WEBHOOK);
    assertThatThrownBy(
            () -> CertificateAuthority.load(leaf.certificatePem(), leaf.privateKeyPem(), CLOCK))
        .isInstanceOf(CertificateException.class)
        .hasMessage(
            "certificate \"CN=mirrorgate-webhook\" is not a CA: it lacks basicConstraints CA:TRUE");
  }

  @Test
  void loadRejectsAKeyOfAnotherCa() {
    CertificateAuthority other =
        CertificateAuthority.create("other CA", CA_VALIDITY, KeyAlgorithm.EC_P256, CLOCK);
    assertThatThrownBy(
            () -> CertificateAuthority.load(CA.certificatePem(), other.privateKeyPem(), CLOCK))
        .isInstanceOf(CertificateException.class)
        .hasMessage(
            "the private key (EC) does not belong to the CA certificate \"CN=mirrorgate CA\"");
  }

  @Test
  void loadRejectsMoreThanOneCertificate() {
    String two = CA.certificatePem() + CA.issue(WEBHOOK).certificatePem();
    assertThatThrownBy(() -> CertificateAuthority.load(two, CA.privateKeyPem(), CLOCK))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("exactly one certificate, found 2");
  }

  @Test
  void refusesToIssueOutsideTheCasValidity() {
    MutableClock clock = new MutableClock(T0);
    CertificateAuthority ca =
        CertificateAuthority.create("short CA", Duration.ofDays(1), KeyAlgorithm.EC_P256, clock);
    clock.advance(Duration.ofDays(1));
    assertThatIllegalStateException()
        .isThrownBy(() -> ca.issue(WEBHOOK))
        .withMessageContaining("CN=short CA expired at 2026-03-02T12:00:00Z");
    clock.set(T0.minus(Duration.ofHours(1)));
    assertThatIllegalStateException()
        .isThrownBy(() -> ca.issue(WEBHOOK))
        .withMessageContaining("is not valid before 2026-03-01T11:55:00Z");
  }

  @Test
  void createRejectsBadArguments() {
    assertThatThrownBy(
            () -> CertificateAuthority.create(" ", CA_VALIDITY, KeyAlgorithm.EC_P256, CLOCK))
        .hasMessageContaining("commonName must not be blank");
    assertThatThrownBy(
            () -> CertificateAuthority.create("ca", Duration.ZERO, KeyAlgorithm.EC_P256, CLOCK))
        .hasMessageContaining("validity must be positive");
  }

  @Test
  void toStringNeverShowsKeyMaterial() {
    assertThatCode(CA::toString).doesNotThrowAnyException();
    assertThat(CA.toString()).doesNotContain("PRIVATE").contains("CN=mirrorgate CA");
  }

  private static Set<Integer> usages(X509Certificate cert) {
    Set<Integer> set = new HashSet<>();
    boolean[] bits = cert.getKeyUsage();
    for (int i = 0; i < bits.length; i++) {
      if (bits[i]) {
        set.add(i);
      }
    }
    return set;
  }

  private static byte[] keyIdentifier(X509Certificate cert) throws Exception {
    return SubjectKeyIdentifier.getInstance(
            JcaX509ExtensionUtils.parseExtensionValue(
                cert.getExtensionValue(Extension.subjectKeyIdentifier.getId())))
        .getKeyIdentifier();
  }
}
