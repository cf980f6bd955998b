package dev.mirrorgate.webhook.cli;

import dev.mirrorgate.certs.store.CaBundleInjector;
import dev.mirrorgate.certs.store.RotationPlanner;
import dev.mirrorgate.certs.store.SecretCertificateStore;
import dev.mirrorgate.certs.store.ServingCertificates;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code certs init}: a new CA and serving certificate, into the Secret the webhook uses (created
 * only if absent, so it is safe as an init step of every replica) or into files.
 */
@Command(
    name = "init",
    description = {
      "Creates a CA and a serving certificate: in the Secret (if it does not exist yet;"
          + " the caBundle is injected when --webhook-config is given) or as files in --out-dir"
          + " (ca.crt, ca.key, tls.crt, tls.key; keys 0600, existing files are never overwritten).",
      "Exit status: 0 created or already present, 1 on an error."
    },
    mixinStandardHelpOptions = true)
final class CertsInitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand CertsCommand parent;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  static final class Target {
    @Option(
        names = "--secret",
        paramLabel = "NS/NAME",
        required = true,
        description = "the webhook's Secret")
    String secret;

    @Option(names = "--out-dir", paramLabel = "DIR", required = true, description = "write files")
    Path outDir;
  }

  @Option(
      names = "--webhook-config",
      paramLabel = "NAME",
      description = "MutatingWebhookConfiguration to inject the CA into (with --secret)")
  String webhookConfiguration;

  @Option(
      names = "--service",
      defaultValue = "mirrorgate-webhook",
      description = "Service for the default DNS names (default ${DEFAULT-VALUE})")
  String service;

  @Mixin LeafOptions leaf = new LeafOptions();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Clock clock = Clock.systemUTC();
    try {
      if (target.outDir != null) {
        ServingCertificates made = planner(List.of(), clock).initial();
        Path dir = target.outDir;
        KeyFiles.writeCertificate(dir.resolve("ca.crt"), made.trusted().pem());
        KeyFiles.writePrivateKey(dir.resolve("ca.key"), made.signer().privateKeyPem());
        KeyFiles.writeCertificate(dir.resolve("tls.crt"), made.serving().certificateChainPem());
        KeyFiles.writePrivateKey(dir.resolve("tls.key"), made.serving().privateKeyPem());
        print(out, "created " + dir, made, clock.instant());
        return 0;
      }
      String[] secret = CertsCommand.namespacedName("--secret", target.secret);
      String ns = secret[0];
      ApiClient client = parent.kubernetes();
      SecretCertificateStore store = new SecretCertificateStore(client, ns, secret[1], clock);
      List<String> defaults =
          List.of(service + "." + ns + ".svc", service + "." + ns + ".svc.cluster.local");
      var existing = store.read();
      ServingCertificates value;
      String what;
      if (existing.isPresent()) {
        value = existing.get().value();
        what = "exists " + store.describe();
      } else {
        var written = store.create(planner(defaults, clock).initial());
        value = written.stored().value();
        what = (written.won() ? "created " : "exists ") + store.describe();
      }
      if (webhookConfiguration != null) {
        int patched = new CaBundleInjector(client, webhookConfiguration).inject(value.trusted());
        err.println(
            "caBundle of MutatingWebhookConfiguration "
                + webhookConfiguration
                + (patched == 0 ? " already current" : ": " + patched + " webhooks patched"));
      }
      print(out, what, value, clock.instant());
      return 0;
    } catch (IOException | IllegalArgumentException | CertificateException e) {
      err.println("certs init: " + e.getMessage());
      return 1;
    } catch (ApiException e) {
      err.println("certs init: Kubernetes API: HTTP " + e.getCode() + " " + e.getResponseBody());
      return 1;
    }
  }

  private RotationPlanner planner(List<String> defaultDnsNames, Clock clock) {
    return new RotationPlanner(
        RotationPlanner.Settings.defaults(leaf.spec(defaultDnsNames)).withAlgorithm(leaf.algorithm),
        clock);
  }

  private static void print(PrintWriter out, String what, ServingCertificates value, Instant now) {
    out.println("# " + what);
    for (X509Certificate ca : value.trusted().certificates()) {
      out.println(CertificateSummary.text(CertificateSummary.of("ca", ca, now)));
    }
    if (value.serving() != null) {
      out.println(
          CertificateSummary.text(
              CertificateSummary.of("serving", value.serving().certificate(), now)));
    }
    out.flush();
  }
}
