package dev.mirrorgate.webhook.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.KeyAlgorithm;
import dev.mirrorgate.certs.LeafSpec;
import dev.mirrorgate.webhook.TestResources;
import dev.mirrorgate.webhook.server.TrustingClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar, run as users run it: {@code java -jar target/mirrorgate-webhook.jar ...}. */
class WebhookJarIT {
  private static final Path JAR = Path.of("target", "mirrorgate-webhook.jar");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (Process p : processes) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private Process start(String... args) throws IOException {
    List<String> command =
        new ArrayList<>(List.of(javaBin(), "-XX:+UseSerialGC", "-Xmx64m", "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(dir.resolve("stdout").toFile())
            .redirectError(dir.resolve("stderr").toFile())
            .start();
    processes.add(p);
    return p;
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static final CertificateAuthority CA =
      CertificateAuthority.create(
          "jar CA", Duration.ofDays(1), KeyAlgorithm.EC_P256, Clock.systemUTC());
  private static final LeafSpec LOCALHOST =
      LeafSpec.server("localhost", List.of("localhost"), List.of("127.0.0.1"), Duration.ofHours(1));

  @Test
  void servesWithPemFilesAndStopsCleanlyOnSigterm() throws Exception {
    CertificateAuthority ca = CA;
    IssuedCertificate leaf = ca.issue(LOCALHOST);
    Path cert = Files.writeString(dir.resolve("tls.crt"), leaf.certificateChainPem());
    Path key = Files.writeString(dir.resolve("tls.key"), leaf.privateKeyPem());
    Path mapping =
        Files.writeString(dir.resolve("mapping.yaml"), TestResources.text("mutation/mapping.yaml"));
    int port = freePort();

    Process serve =
        start(
            "serve",
            "--port",
            String.valueOf(port),
            "--tls-cert",
            cert.toString(),
            "--tls-key",
            key.toString(),
            "--mapping",
            mapping.toString());
    TrustingClient client = new TrustingClient(ca.certificate(), port);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> client.get("/readyz").statusCode() == 200);

    var response =
        client.post(
            "/mutate",
            "application/json",
            TestResources.text("reviews/pod-create.json").getBytes(StandardCharsets.UTF_8));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).path("response").path("patchType").asText())
        .isEqualTo("JSONPatch");

    serve.destroy(); // SIGTERM: drain and exit
    assertThat(serve.waitFor(15, TimeUnit.SECONDS)).isTrue();
    assertThat(serve.exitValue()).isIn(0, 143);
    String logs = Files.readString(dir.resolve("stderr"));
    assertThat(logs).contains("\"message\":\"mapping loaded\"").contains("admission patched");
    assertThat(logs).as("no key material in logs").doesNotContain("PRIVATE KEY");
  }

  @Test
  void serveWithoutTlsChoiceExplainsTheUsage() throws Exception {
    Process p = start("serve", "--mapping", "x.yaml");
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("stderr")))
        .contains("--tls-self-signed")
        .contains("--tls-cert");
  }

  @Test
  void serveWithAMissingCertificateFileSaysWhichFile() throws Exception {
    Process p =
        start(
            "serve",
            "--port",
            String.valueOf(freePort()),
            "--tls-cert",
            "/nonexistent/tls.crt",
            "--tls-key",
            "/nonexistent/tls.key",
            "--mapping",
            "x.yaml");
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isNotZero();
    assertThat(Files.readString(dir.resolve("stderr"))).contains("/nonexistent/tls.crt");
  }

  @Test
  void aKeyThatDoesNotBelongToTheCertificateIsNamedAtStart() throws Exception {
    Path cert =
        Files.writeString(dir.resolve("tls.crt"), CA.issue(LOCALHOST).certificateChainPem());
    Path key = Files.writeString(dir.resolve("tls.key"), CA.issue(LOCALHOST).privateKeyPem());
    Process p =
        start(
            "serve",
            "--port",
            String.valueOf(freePort()),
            "--tls-cert",
            cert.toString(),
            "--tls-key",
            key.toString(),
            "--mapping",
            "x.yaml");
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("stderr")))
        .contains(cert.toString())
        .contains("does not belong to the certificate");
  }

  @Test
  void explainPrintsOneJsonLinePerImage() throws Exception {
    Process p =
        start(
            "explain",
            "--mapping",
            TestResources.path("mutation/mapping.yaml").toString(),
            "--",
            "nginx",
            "Bad/Image");
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    List<String> lines = Files.readAllLines(dir.resolve("stdout"));
    assertThat(lines).hasSize(2);
    assertThat(JSON.readTree(lines.get(0)).path("rewritten").asText())
        .isEqualTo("m.local:5000/dockerhub/library/nginx");
    assertThat(JSON.readTree(lines.get(1)).has("error")).isTrue();
  }
}
