package dev.mirrorgate.webhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.Fingerprints;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.KeyAlgorithm;
import dev.mirrorgate.certs.LeafSpec;
import dev.mirrorgate.certs.Pem;
import dev.mirrorgate.webhook.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CertsCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  private List<JsonNode> lines() throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        nodes.add(JSON.readTree(line));
      }
    }
    return nodes;
  }

  @Test
  void initWritesACaAndALeafAndPrintsThemWithoutKeys() throws Exception {
    Path target = dir.resolve("pki");

    int status =
        run(
            "certs",
            "init",
            "--out-dir",
            target.toString(),
            "--dns-name",
            "w.ns.svc",
            "--ip-address",
            "10.0.0.1");

    assertThat(status).as(err.toString()).isZero();
    assertThat(out.toString()).doesNotContain("PRIVATE KEY");
    assertThat(err.toString()).doesNotContain("PRIVATE KEY");
    List<JsonNode> printed = lines();
    assertThat(printed).extracting(l -> l.path("role").asText()).containsExactly("ca", "serving");
    JsonNode serving = printed.get(1);
    assertThat(serving.path("dnsNames").toString()).isEqualTo("[\"w.ns.svc\"]");
    assertThat(serving.path("ipAddresses").toString()).isEqualTo("[\"10.0.0.1\"]");
    assertThat(serving.path("status").asText()).isEqualTo("valid");
    X509Leaf leaf = X509Leaf.read(target);
    assertThat(serving.path("sha256").asText())
        .isEqualTo(Fingerprints.sha256(leaf.issued.certificate()));
    assertThat(serving.path("notAfter").asText())
        .isEqualTo(leaf.issued.certificate().getNotAfter().toInstant().toString());
    leaf.issued.certificate().verify(leaf.ca.getPublicKey());
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("tls.key"))))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("ca.key"))))
        .isEqualTo("rw-------");

    assertThat(run("certs", "init", "--out-dir", target.toString(), "--dns-name", "w.ns.svc"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("ca.crt", "refusing to overwrite");
  }

  @Test
  void rsaKeysOnRequest() throws Exception {
    Path target = dir.resolve("rsa");

    int status =
        run(
            "certs",
            "init",
            "--out-dir",
            target.toString(),
            "--dns-name",
            "w.ns.svc",
            "--key-algorithm",
            "RSA_2048");

    assertThat(status).as(err.toString()).isZero();
    X509Leaf leaf = X509Leaf.read(target);
    assertThat(leaf.ca.getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(leaf.issued.certificate().getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(leaf.issued.privateKey().getAlgorithm()).isEqualTo("RSA");
    leaf.issued.certificate().verify(leaf.ca.getPublicKey());
    assertThat(
            run(
                "certs",
                "init",
                "--out-dir",
                dir.resolve("x").toString(),
                "--key-algorithm",
                "DSA"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--key-algorithm").contains("EC_P256");
  }

  @Test
  void issueSignsWithACaFromFiles() throws Exception {
    Path target = dir.resolve("pki");
    assertThat(run("certs", "init", "--out-dir", target.toString(), "--dns-name", "a.example"))
        .isZero();

    int status =
        run(
            "certs", "issue",
            "--ca-cert", target.resolve("ca.crt").toString(),
            "--ca-key", target.resolve("ca.key").toString(),
            "--dns-name", "b.example",
            "--validity", "24h",
            "--cert-out", dir.resolve("b.crt").toString(),
            "--key-out", dir.resolve("b.key").toString());

    assertThat(status).as(err.toString()).isZero();
    assertThat(out.toString()).doesNotContain("PRIVATE KEY");
    IssuedCertificate issued =
        IssuedCertificate.fromPem(
            Files.readString(dir.resolve("b.crt")), Files.readString(dir.resolve("b.key")));
    assertThat(lines().get(0).path("dnsNames").toString()).isEqualTo("[\"b.example\"]");
    assertThat(
            Duration.between(
                issued.certificate().getNotBefore().toInstant(),
                issued.certificate().getNotAfter().toInstant()))
        .isEqualTo(Duration.ofHours(24).plus(CertificateAuthority.CLOCK_SKEW_ALLOWANCE));
  }

  @Test
  void inspectSaysAnExpiredCertificateAndAMismatchedKeyAreUnusable() throws Exception {
    Clock longAgo = Clock.fixed(Instant.parse("2020-01-01T00:00:00Z"), ZoneOffset.UTC);
    CertificateAuthority ca =
        CertificateAuthority.create("old CA", Duration.ofDays(30), KeyAlgorithm.EC_P256, longAgo);
    IssuedCertificate expired =
        ca.issue(LeafSpec.server("x", List.of("x.example"), List.of(), Duration.ofDays(1)));
    Path crt = dir.resolve("expired.crt");
    Files.writeString(crt, expired.certificateChainPem());
    Path otherKey = dir.resolve("other.key");
    Files.writeString(
        otherKey,
        ca.issue(LeafSpec.server("y", List.of("y.example"), List.of(), Duration.ofDays(1)))
            .privateKeyPem());

    int status = run("certs", "inspect", "--key", otherKey.toString(), crt.toString());

    assertThat(status).isEqualTo(1);
    List<JsonNode> printed = lines();
    assertThat(printed).extracting(l -> l.path("role").asText()).containsExactly("serving", "ca");
    assertThat(printed).extracting(l -> l.path("status").asText()).containsOnly("expired");
    assertThat(err.toString()).contains(otherKey.toString(), "does not belong");
    assertThat(out.toString()).doesNotContain("PRIVATE KEY");
  }

  /** The files init wrote. */
  private record X509Leaf(IssuedCertificate issued, java.security.cert.X509Certificate ca) {
    static X509Leaf read(Path dir) throws Exception {
      return new X509Leaf(
          IssuedCertificate.fromPem(
              Files.readString(dir.resolve("tls.crt")), Files.readString(dir.resolve("tls.key"))),
          Pem.readCertificates(Files.readString(dir.resolve("ca.crt"))).get(0));
    }
  }
}
