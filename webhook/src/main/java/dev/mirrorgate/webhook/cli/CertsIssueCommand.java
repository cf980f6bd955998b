package dev.mirrorgate.webhook.cli;

import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.IssuedCertificate;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code certs issue}: a serving certificate from a CA held in files. */
@Command(
    name = "issue",
    description = {
      "Issues a serving certificate signed by the CA in --ca-cert/--ca-key and writes it"
          + " (leaf then CA) and its key (0600); existing files are never overwritten.",
      "Exit status: 0 issued, 1 on an error."
    },
    mixinStandardHelpOptions = true)
final class CertsIssueCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--ca-cert", paramLabel = "FILE", required = true, description = "CA PEM")
  Path caCertificate;

  @Option(names = "--ca-key", paramLabel = "FILE", required = true, description = "CA key PEM")
  Path caKey;

  @Option(names = "--cert-out", paramLabel = "FILE", required = true, description = "chain PEM")
  Path certificateOut;

  @Option(names = "--key-out", paramLabel = "FILE", required = true, description = "key PEM")
  Path keyOut;

  @Mixin LeafOptions leaf = new LeafOptions();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Clock clock = Clock.systemUTC();
    try {
      CertificateAuthority ca =
          CertificateAuthority.load(
              Files.readString(caCertificate), Files.readString(caKey), clock);
      IssuedCertificate issued = ca.issue(leaf.spec(List.of()));
      KeyFiles.writeCertificate(certificateOut, issued.certificateChainPem());
      KeyFiles.writePrivateKey(keyOut, issued.privateKeyPem());
      out.println(
          CertificateSummary.text(
              CertificateSummary.of("serving", issued.certificate(), clock.instant())));
      out.flush();
      return 0;
    } catch (CertificateException e) {
      err.println("certs issue: " + caCertificate + " / " + caKey + ": " + e.getMessage());
      return 1;
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      err.println("certs issue: " + e.getMessage());
      return 1;
    }
  }
}
