package dev.mirrorgate.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the agent finds the API server: in-cluster first, else KUBECONFIG, else ~/.kube/config. */
class KubeEndpointTest {

  /** A self-signed test CA (EC P-256, no key kept). */
  static final String CA =
      """
      -----BEGIN CERTIFICATE-----
      MIIBezCCASGgAwIBAgIUI0kyrBGrGwbDwcqgnZMG5xGG4FMwCgYIKoZIzj0EAwIw
      EjEQMA4GA1UEAwwHdGVzdC1jYTAgFw0yNjExMjExNDEyMDJaGA8yMTI2MTAyODE0
      MTIwMlowEjEQMA4GA1UEAwwHdGVzdC1jYTBZMBMGByqGSM49AgEGCCqGSM49AwEH
      A0IABIoOHEkydiulHysng9jZyOlBPCzzRCpENLkx49PX2qBoqb07IN1O/Y/xrWLk
      ej9eZ4/v1AFRSf87O2PwmsHfJIGjUzBRMB0GA1UdDgQWBBTr6yyWpKBagd/ethmw
      USzw5xXMtzAfBgNVHSMEGDAWgBTr6yyWpKBagd/ethmwUSzw5xXMtzAPBgNVHRMB
      Af8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQCoBtnW2qNXL2MP5jVBy6BiM0su
      8A9F8RupbjHIVbcoWAIgG8+TwwreNwayh+Nd14WyT0RCuPu1B1X6rJ7SAbRv1hM=
      -----END CERTIFICATE-----
      """;

  @TempDir Path dir;

  @Test
  void inClusterUsesTheServiceHostAndReReadsTheTokenFile() throws IOException {
    Path sa = Files.createDirectories(dir.resolve("sa"));
    Files.writeString(sa.resolve("token"), "first\n");
    Files.writeString(sa.resolve("ca.crt"), CA);
    KubeEndpoint e =
        KubeEndpoint.find(
            Map.of(
                "KUBERNETES_SERVICE_HOST", "fd00::1",
                "KUBERNETES_SERVICE_PORT", "6443",
                "KUBECONFIG", "/nonexistent"),
            sa);
    assertThat(e.server()).hasToString("https://[fd00::1]:6443");
    assertThat(e.token()).isEqualTo("first");
    Files.writeString(sa.resolve("token"), "rotated\n");
    assertThat(e.token()).isEqualTo("rotated");
    assertThat(e.description()).isEqualTo("in-cluster service account");
  }

  @Test
  void withoutAMountedTokenTheKubeconfigsCurrentContextIsUsed() throws IOException {
    Path kubeconfig = dir.resolve("config");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
          - {name: other, cluster: {server: "https://other:1"}}
          - {name: c, cluster: {server: "https://10.0.0.1:6443/", certificate-authority-data: %s}}
        users:
          - {name: u, user: {token: abc}}
        contexts:
          - {name: ctx, context: {cluster: c, user: u}}
        current-context: ctx
        """
            .formatted(Base64.getEncoder().encodeToString(CA.getBytes())));
    KubeEndpoint e =
        KubeEndpoint.find(
            Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBECONFIG", kubeconfig + ":/x"),
            dir.resolve("no-sa"));
    assertThat(e.server()).hasToString("https://10.0.0.1:6443");
    assertThat(e.token()).isEqualTo("abc");
    assertThat(e.description()).contains(kubeconfig.toString());
  }

  @Test
  void unusableConfigurationsSayWhatIsMissing() throws IOException {
    assertThatThrownBy(
            () -> KubeEndpoint.find(Map.of("KUBECONFIG", dir + "/missing"), dir.resolve("no-sa")))
        .hasMessageContaining("no readable kubeconfig at " + dir + "/missing")
        .hasMessageContaining("set KUBECONFIG");
    Path noCa = dir.resolve("no-ca");
    Files.writeString(
        noCa,
        """
        clusters: [{name: c, cluster: {server: "https://h"}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        current-context: x
        """);
    assertThatThrownBy(() -> KubeEndpoint.find(Map.of("KUBECONFIG", noCa.toString()), dir))
        .hasMessageContaining("no certificate-authority");
    Path certUser = dir.resolve("cert-user");
    Files.writeString(
        certUser,
        """
        clusters: [{name: c, cluster: {server: "https://h", certificate-authority-data: %s}}]
        users: [{name: u, user: {client-certificate-data: x, client-key-data: y}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        current-context: x
        """
            .formatted(Base64.getEncoder().encodeToString(CA.getBytes())));
    assertThatThrownBy(() -> KubeEndpoint.find(Map.of("KUBECONFIG", certUser.toString()), dir))
        .hasMessageContaining("no token or tokenFile");
  }
}
