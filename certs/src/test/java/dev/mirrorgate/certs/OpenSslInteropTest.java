package dev.mirrorgate.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our PEM against this machine's {@code openssl}, both ways: keys and certificates openssl makes
 * load here, and what we write openssl parses and verifies. Skipped when openssl is absent.
 */
class OpenSslInteropTest {
  private static final Clock CLOCK = Clock.systemUTC(); // openssl verify uses the real time
  private static final CertificateAuthority CA =
      CertificateAuthority.create(
          "mirrorgate CA", Duration.ofDays(30), KeyAlgorithm.EC_P256, CLOCK);
  private static final LeafSpec WEBHOOK =
      LeafSpec.server(
          "mirrorgate-webhook",
          List.of("mirrorgate-webhook.mirrorgate.svc", "localhost"),
          List.of("127.0.0.1", "2001:db8::1"),
          Duration.ofDays(1));

  @TempDir Path dir;

  @BeforeAll
  static void requireOpenSsl() {
    boolean present;
    try {
      Process process = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
      present = process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      present = false;
    }
    Assumptions.assumeTrue(present, "openssl is not installed");
  }

  @Test
  void readsSec1KeyWithEcParametersFromEcparam() throws Exception {
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "sec1.pem");
    openssl("pkey", "-in", "sec1.pem", "-out", "pkcs8.pem");
    assertThat(read("sec1.pem")).contains("BEGIN EC PARAMETERS", "BEGIN EC PRIVATE KEY");
    assertThat(read("pkcs8.pem")).contains("BEGIN PRIVATE KEY");

    ECPrivateKey sec1 = (ECPrivateKey) Pem.readPrivateKey(read("sec1.pem"));
    ECPrivateKey pkcs8 = (ECPrivateKey) Pem.readPrivateKey(read("pkcs8.pem"));
    assertThat(sec1.getS()).isEqualTo(pkcs8.getS());
  }

  @Test
  void readsEcKeyFromGenpkeyAndItsSec1FormWithoutParameters() throws Exception {
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "k.pem");
    openssl("ec", "-in", "k.pem", "-out", "sec1.pem");
    assertThat(read("sec1.pem")).startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(((ECPrivateKey) Pem.readPrivateKey(read("k.pem"))).getS())
        .isEqualTo(((ECPrivateKey) Pem.readPrivateKey(read("sec1.pem"))).getS());
  }

  @Test
  void readsRsaKeyAsPkcs8AndPkcs1() throws Exception {
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "k.pem");
    openssl("pkey", "-in", "k.pem", "-traditional", "-out", "pkcs1.pem");
    assertThat(read("k.pem")).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(read("pkcs1.pem")).startsWith("-----BEGIN RSA PRIVATE KEY-----");

    RSAPrivateCrtKey pkcs8 = (RSAPrivateCrtKey) Pem.readPrivateKey(read("k.pem"));
    RSAPrivateCrtKey pkcs1 = (RSAPrivateCrtKey) Pem.readPrivateKey(read("pkcs1.pem"));
    assertThat(pkcs1.getModulus()).isEqualTo(pkcs8.getModulus());
    assertThat(pkcs1.getPrivateExponent()).isEqualTo(pkcs8.getPrivateExponent());
  }

  @Test
  void refusesEncryptedKeysInBothForms() throws Exception {
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "plain.pem");
    openssl(
        "pkey", "-in", "plain.pem", "-aes-128-cbc", "-passout", "pass:secret", "-out", "p8.pem");
    openssl("ec", "-in", "plain.pem", "-aes128", "-passout", "pass:secret", "-out", "legacy.pem");
    assertThat(read("p8.pem")).contains("BEGIN ENCRYPTED PRIVATE KEY");
    assertThat(read("legacy.pem")).contains("Proc-Type: 4,ENCRYPTED");
    for (String file : List.of("p8.pem", "legacy.pem")) {
      assertThatThrownBy(() -> Pem.readPrivateKey(read(file)))
          .isInstanceOf(CertificateException.class)
          .hasMessageStartingWith("the private key is encrypted");
    }
  }

  @Test
  void loadsAnOpensslCaAndIssuesLeavesOpensslVerifies() throws Exception {
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "ca-key.pem");
    opensslCertificate("ca-key.pem", "ca.pem", "openssl CA", "critical,CA:TRUE");
    CertificateAuthority ca = CertificateAuthority.load(read("ca.pem"), read("ca-key.pem"), CLOCK);
    assertThat(ca.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=openssl CA");

    IssuedCertificate leaf = ca.issue(WEBHOOK);
    write("leaf.pem", leaf.certificatePem());
    String verified =
        openssl(
            "verify",
            "-CAfile",
            "ca.pem",
            "-purpose",
            "sslserver",
            "-verify_hostname",
            "mirrorgate-webhook.mirrorgate.svc",
            "-verify_ip",
            "127.0.0.1",
            "leaf.pem");
    assertThat(verified).contains("leaf.pem: OK");
  }

  @Test
  void loadRejectsAnOpensslCertificateThatIsNotACa() throws Exception {
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "key.pem");
    opensslCertificate("key.pem", "cert.pem", "not a CA", "critical,CA:FALSE");
    assertThatThrownBy(() -> CertificateAuthority.load(read("cert.pem"), read("key.pem"), CLOCK))
        .isInstanceOf(CertificateException.class)
        .hasMessage("certificate \"CN=not a CA\" is not a CA: it lacks basicConstraints CA:TRUE");
  }

  @Test
  void loadRejectsAKeyThatDoesNotMatchTheCertificate() throws Exception {
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "key.pem");
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "other.pem");
    opensslCertificate("key.pem", "ca.pem", "openssl CA", "critical,CA:TRUE");
    assertThatThrownBy(() -> CertificateAuthority.load(read("ca.pem"), read("other.pem"), CLOCK))
        .isInstanceOf(CertificateException.class)
        .hasMessage("the private key (EC) does not belong to the CA certificate \"CN=openssl CA\"");
  }

  @Test
  void loadRejectsAnEd25519CaWithAClearMessage() throws Exception {
    openssl("genpkey", "-algorithm", "ED25519", "-out", "key.pem");
    opensslCertificate("key.pem", "ca.pem", "edwards CA", "critical,CA:TRUE");
    assertThatThrownBy(() -> CertificateAuthority.load(read("ca.pem"), read("key.pem"), CLOCK))
        .isInstanceOf(CertificateException.class)
        .hasMessage("CA key algorithm EdDSA is not supported; use an EC or RSA key");
  }

  @Test
  void opensslReadsOurCaAsAPathLenZeroCa() throws Exception {
    write("ca.pem", CA.certificatePem());
    String text = openssl("x509", "-in", "ca.pem", "-noout", "-text");
    assertThat(text)
        .contains("Subject: CN = mirrorgate CA")
        .contains("X509v3 Basic Constraints: critical", "CA:TRUE, pathlen:0")
        .contains("X509v3 Key Usage: critical", "Certificate Sign, CRL Sign")
        .contains("X509v3 Subject Key Identifier")
        .contains("ecdsa-with-SHA256");
  }

  @Test
  void opensslReadsAndVerifiesOurLeaf() throws Exception {
    IssuedCertificate leaf = CA.issue(WEBHOOK);
    write("ca.pem", CA.certificatePem());
    write("leaf.pem", leaf.certificatePem());
    write("chain.pem", leaf.certificateChainPem());
    String text = openssl("x509", "-in", "leaf.pem", "-noout", "-text");
    assertThat(text)
        .contains("Subject: CN = mirrorgate-webhook", "Issuer: CN = mirrorgate CA")
        .contains("X509v3 Basic Constraints: critical", "CA:FALSE")
        .contains("X509v3 Key Usage: critical", "Digital Signature")
        .contains("TLS Web Server Authentication")
        .contains(
            "DNS:mirrorgate-webhook.mirrorgate.svc, DNS:localhost,"
                + " IP Address:127.0.0.1, IP Address:2001:DB8:0:0:0:0:0:1")
        .contains("X509v3 Authority Key Identifier");
    assertThat(openssl("verify", "-CAfile", "ca.pem", "-purpose", "sslserver", "leaf.pem"))
        .contains("leaf.pem: OK");
    assertThat(openssl("crl2pkcs7", "-nocrl", "-certfile", "chain.pem"))
        .contains("BEGIN PKCS7"); // openssl reads the whole chain file
  }

  @Test
  void opensslReadsOurKeysAndTheyMatchTheirCertificates() throws Exception {
    IssuedCertificate ec = CA.issue(WEBHOOK);
    IssuedCertificate rsa = CA.issue(WEBHOOK.withAlgorithm(KeyAlgorithm.RSA_2048));
    for (IssuedCertificate leaf : List.of(ec, rsa)) {
      write("key.pem", leaf.privateKeyPem());
      write("leaf.pem", leaf.certificatePem());
      openssl("pkey", "-in", "key.pem", "-noout", "-check");
      assertThat(openssl("pkey", "-in", "key.pem", "-pubout"))
          .isEqualTo(openssl("x509", "-in", "leaf.pem", "-noout", "-pubkey"));
    }
  }

  @Test
  void readsOpensslTextOutputAroundPem() throws Exception {
    write("ca.pem", CA.certificatePem());
    String withText = openssl("x509", "-in", "ca.pem", "-text");
    assertThat(withText).startsWith("Certificate:");
    assertThat(Pem.readCertificates(withText)).containsExactly(CA.certificate());
  }

  @Test
  void fingerprintMatchesOpenssl() throws Exception {
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "key.pem");
    opensslCertificate("key.pem", "theirs.pem", "openssl CA", "critical,CA:TRUE");
    write("ours.pem", CA.certificatePem());
    for (String file : List.of("ours.pem", "theirs.pem")) {
      X509Certificate cert = Pem.readCertificates(read(file)).get(0);
      String line = openssl("x509", "-in", file, "-noout", "-fingerprint", "-sha256").strip();
      assertThat(line).startsWithIgnoringCase("sha256 Fingerprint=");
      assertThat(Fingerprints.sha256(cert)).isEqualTo(line.substring(line.indexOf('=') + 1));
    }
  }

  /** A self-signed certificate for the key, with exactly the given basicConstraints. */
  private void opensslCertificate(String key, String out, String cn, String basicConstraints)
      throws Exception {
    write(
        "req.cnf",
        String.join(
            "\n",
            "[req]",
            "distinguished_name = dn",
            "x509_extensions = ext",
            "prompt = no",
            "[dn]",
            "CN = " + cn,
            "[ext]",
            "basicConstraints = " + basicConstraints,
            "keyUsage = critical, digitalSignature, keyCertSign, cRLSign",
            "subjectKeyIdentifier = hash",
            ""));
    openssl(
        "req", "-x509", "-new", "-key", key, "-config", "req.cnf", "-days", "30", "-sha256", "-out",
        out);
  }

  /** Runs openssl in the temp dir and returns its stdout; fails the test on a non-zero exit. */
  private String openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Path stderr = dir.resolve("openssl.stderr");
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectError(stderr.toFile()).start();
    process.getOutputStream().close();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("openssl finished").isTrue();
    assertThat(process.exitValue())
        .as("%s failed: %s%s", command, stdout, Files.readString(stderr))
        .isZero();
    return stdout;
  }

  private String read(String file) throws IOException {
    return Files.readString(dir.resolve(file));
  }

  private void write(String file, String content) throws IOException {
    Files.writeString(dir.resolve(file), content);
  }
}
