package dev.mirrorgate.webhook.cli;

import dev.mirrorgate.webhook.kube.KubernetesClients;
import io.kubernetes.client.openapi.ApiClient;
import java.util.function.Supplier;
import picocli.CommandLine.Command;

/** {@code certs init | issue | inspect}: the webhook's PKI for operators and init steps. */
@Command(
    name = "certs",
    description = {
      "Creates, issues and inspects the webhook's certificates.",
      "Prints what it made (subject, SANs, notAfter, SHA-256), one JSON object per certificate;"
          + " private keys are only ever written to files or to the Secret."
    },
    mixinStandardHelpOptions = true,
    subcommands = {CertsInitCommand.class, CertsIssueCommand.class, CertsInspectCommand.class})
public final class CertsCommand implements Runnable {
  private final Supplier<ApiClient> kubernetes;

  /** Kubernetes access from the environment (in-cluster, else KUBECONFIG). */
  public CertsCommand() {
    this(() -> KubernetesClients.fromEnvironment().forRequests());
  }

  /** With the given Kubernetes access (tests). */
  public CertsCommand(Supplier<ApiClient> kubernetes) {
    this.kubernetes = kubernetes;
  }

  ApiClient kubernetes() {
    return kubernetes.get();
  }

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "name a subcommand: init, issue or inspect");
  }

  /** {@code NAMESPACE/NAME}, or an error naming the option. */
  static String[] namespacedName(String option, String value) {
    String[] parts = value.split("/", -1);
    if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
      throw new IllegalArgumentException(option + ": \"" + value + "\" is not NAMESPACE/NAME");
    }
    return parts;
  }
}
