package dev.mirrorgate.webhook.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorgate.webhook.deploy.notify.HookUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** controller's --notify-* options as the command line reads them. */
class NotifyOptionsTest {
  private static final String SLACK =
      "https://hooks.slack.com/services/T0SECRET/B0SECRET/zzSECRETzz";

  @Test
  void repeatableUrlsInOrder() {
    ControllerCommand command =
        ControllerCommand.parse(
            "--tls-self-signed",
            "--notify-webhook=https://a.example/hook",
            "--notify-webhook",
            "https://b.example:8443/x?token=t",
            "--notify-slack=" + SLACK);
    assertThat(command.notifications.webhooks)
        .extracting(HookUrl::redacted)
        .containsExactly("https://a.example/…", "https://b.example:8443/…");
    assertThat(command.notifications.slack)
        .extracting(u -> u.uri().toString())
        .containsExactly(SLACK);
    assertThat(command.notifications.caCertificates()).isEmpty();
  }

  @Test
  void aBadUrlIsRefusedWithoutRepeatingIt() {
    assertThatThrownBy(
            () ->
                ControllerCommand.parse(
                    "--tls-self-signed", "--notify-slack=" + SLACK.replace("https", "http")))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--notify-slack")
        .hasMessageContaining("plain HTTP only")
        .message()
        .doesNotContain("SECRET");
  }

  @Test
  void theCaFileMustHoldCertificates(@TempDir Path dir) throws Exception {
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "hello");
    assertThatThrownBy(() -> ControllerCommand.parse("--tls-self-signed", "--notify-ca=" + notPem))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--notify-ca")
        .hasMessageContaining(notPem.toString())
        .hasMessageContaining("no certificate found");
    assertThatThrownBy(
            () ->
                ControllerCommand.parse(
                    "--tls-self-signed", "--notify-ca=" + dir.resolve("missing.pem")))
        .hasMessageContaining("cannot read");
    Path ca =
        Files.writeString(
            dir.resolve("real.pem"),
            dev.mirrorgate.webhook.owned.TestCa.create("notify test CA").pem());
    assertThat(
            ControllerCommand.parse("--tls-self-signed", "--notify-ca=" + ca)
                .notifications
                .caCertificates())
        .hasSize(1);
  }
}
