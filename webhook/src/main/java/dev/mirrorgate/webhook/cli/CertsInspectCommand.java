package dev.mirrorgate.webhook.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.Pem;
import dev.mirrorgate.certs.store.CertificateProblem;
import dev.mirrorgate.certs.store.SecretCertificateStore;
import dev.mirrorgate.certs.store.ServingCertificates;
import io.kubernetes.client.openapi.ApiException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code certs inspect}: what certificates files or the Secret hold, and whether they serve. */
@Command(
    name = "inspect",
    description = {
      "Prints every certificate of the PEM FILEs (or of the webhook's Secret) as one JSON object"
          + " per line; with --key, checks that the key belongs to the first certificate.",
      "Exit status: 0 all usable, 1 when a certificate is expired or not yet valid, a key does"
          + " not match, or a file or the Secret cannot be read."
    },
    mixinStandardHelpOptions = true)
final class CertsInspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand CertsCommand parent;

  @Parameters(paramLabel = "FILE", arity = "0..*", description = "PEM certificate files")
  List<Path> files = new ArrayList<>();

  @Option(names = "--key", paramLabel = "FILE", description = "private key of the first FILE")
  Path key;

  @Option(names = "--secret", paramLabel = "NS/NAME", description = "the webhook's Secret")
  String secret;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Instant now = Clock.systemUTC().instant();
    boolean bad = false;
    try {
      if (secret != null) {
        bad |= inspectSecret(out, err, now);
      }
      for (Path file : files) {
        List<X509Certificate> certs = readCertificates(file);
        for (X509Certificate cert : certs) {
          ObjectNode line = CertificateSummary.of(role(cert), cert, now);
          line.put("file", file.toString());
          bad |= CertificateSummary.unusable(line);
          out.println(CertificateSummary.text(line));
        }
      }
      if (key != null) {
        if (files.isEmpty()) {
          throw new IllegalArgumentException("--key needs a certificate FILE");
        }
        try {
          IssuedCertificate.fromPem(Files.readString(files.get(0)), Files.readString(key));
        } catch (CertificateException e) {
          err.println(files.get(0) + " / " + key + ": " + e.getMessage());
          bad = true;
        }
      }
      if (secret == null && files.isEmpty()) {
        throw new IllegalArgumentException("name a FILE or --secret NS/NAME");
      }
    } catch (IOException | IllegalArgumentException | CertificateException e) {
      err.println("certs inspect: " + e.getMessage());
      bad = true;
    } catch (ApiException e) {
      err.println("certs inspect: Kubernetes API: HTTP " + e.getCode() + " " + e.getResponseBody());
      bad = true;
    }
    out.flush();
    err.flush();
    return bad ? 1 : 0;
  }

  private boolean inspectSecret(PrintWriter out, PrintWriter err, Instant now)
      throws ApiException, CertificateException {
    String[] name = CertsCommand.namespacedName("--secret", secret);
    SecretCertificateStore store =
        new SecretCertificateStore(parent.kubernetes(), name[0], name[1], Clock.systemUTC());
    var stored = store.read();
    if (stored.isEmpty()) {
      err.println("certs inspect: Secret " + store.describe() + " does not exist");
      return true;
    }
    boolean bad = false;
    ServingCertificates value = stored.get().value();
    for (X509Certificate ca : value.trusted().certificates()) {
      ObjectNode line = CertificateSummary.of("ca", ca, now);
      line.put("signer", ca.equals(value.signer().certificate()));
      bad |= CertificateSummary.unusable(line) && ca.equals(value.signer().certificate());
      out.println(CertificateSummary.text(line));
    }
    if (value.serving() != null) {
      ObjectNode line = CertificateSummary.of("serving", value.serving().certificate(), now);
      bad |= CertificateSummary.unusable(line);
      out.println(CertificateSummary.text(line));
    }
    for (CertificateProblem problem : stored.get().decoded().problems()) {
      err.println(problem.reason().label() + ": " + problem.message());
      bad = true;
    }
    return bad;
  }

  private static List<X509Certificate> readCertificates(Path file)
      throws IOException, CertificateException {
    try {
      return Pem.readCertificates(Files.readString(file));
    } catch (CertificateException e) {
      throw new CertificateException(file + ": " + e.getMessage(), e);
    }
  }

  private static String role(X509Certificate cert) {
    return cert.getBasicConstraints() >= 0 ? "ca" : "serving";
  }
}
