package dev.mirrorgate.webhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorgate.common.testing.KubeApiServer;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.AdmissionregistrationV1WebhookClientConfig;
import io.kubernetes.client.openapi.models.V1MutatingWebhook;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** {@code certs init --secret} and {@code certs inspect --secret} against a real API server. */
class CertsCommandIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  private StringWriter out;
  private StringWriter err;

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = new CommandLine(new CertsCommand(api::client));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void initCreatesTheSecretOnceInjectsTheCaAndInspectShowsIt() throws Exception {
    String ns = api.createNamespace("certs-cli");
    String config = "cli-" + ns;
    AdmissionregistrationV1Api admission = new AdmissionregistrationV1Api(api.client());
    admission
        .createMutatingWebhookConfiguration(
            new V1MutatingWebhookConfiguration()
                .metadata(new V1ObjectMeta().name(config))
                .webhooks(
                    List.of(
                        new V1MutatingWebhook()
                            .name("pods.mirrorgate.dev")
                            .admissionReviewVersions(List.of("v1"))
                            .sideEffects("None")
                            .clientConfig(
                                new AdmissionregistrationV1WebhookClientConfig()
                                    .url("https://127.0.0.1:1/mutate")))))
        .execute();
    try {
      int created = run("init", "--secret", ns + "/tls", "--webhook-config", config);
      String firstOutput = out.toString();
      int again = run("init", "--secret", ns + "/tls");

      assertThat(created).as(err.toString()).isZero();
      assertThat(firstOutput).startsWith("# created " + ns + "/tls").doesNotContain("PRIVATE KEY");
      assertThat(firstOutput).contains("\"dnsNames\":[\"mirrorgate-webhook." + ns + ".svc\"");
      assertThat(again).isZero();
      assertThat(out.toString()).startsWith("# exists " + ns + "/tls");
      V1Secret secret = new CoreV1Api(api.client()).readNamespacedSecret("tls", ns).execute();
      assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
      assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt", "ca.key");
      byte[] injected =
          admission
              .readMutatingWebhookConfiguration(config)
              .execute()
              .getWebhooks()
              .get(0)
              .getClientConfig()
              .getCaBundle();
      assertThat(Arrays.equals(injected, secret.getData().get("ca.crt"))).isTrue();

      assertThat(run("inspect", "--secret", ns + "/tls")).as(err.toString()).isZero();
      assertThat(out.toString())
          .contains(
              "\"role\":\"ca\"", "\"signer\":true", "\"role\":\"serving\"", "\"status\":\"valid\"")
          .doesNotContain("PRIVATE KEY");
      assertThat(run("inspect", "--secret", ns + "/missing")).isEqualTo(1);
      assertThat(err.toString()).contains(ns + "/missing does not exist");
    } finally {
      admission.deleteMutatingWebhookConfiguration(config).execute();
    }
  }
}
