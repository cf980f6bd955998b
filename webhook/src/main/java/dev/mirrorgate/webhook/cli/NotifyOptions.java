package dev.mirrorgate.webhook.cli;

import dev.mirrorgate.webhook.deploy.notify.HookUrl;
import dev.mirrorgate.webhook.tls.ClientTrust;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code controller}'s notification options: where update decisions are posted besides Events. URLs
 * are checked when the command line is read, and an error never repeats the URL's secret parts.
 */
public final class NotifyOptions {

  @Option(
      names = "--notify-webhook",
      paramLabel = "URL",
      converter = UrlConverter.class,
      description =
          "POST a JSON object for every update decision (pending approval, applied, failed, rolled"
              + " back, expired, rejected) to this HTTPS URL; repeatable")
  List<HookUrl> webhooks = new ArrayList<>();

  @Option(
      names = "--notify-slack",
      paramLabel = "URL",
      converter = UrlConverter.class,
      description =
          "post the same decisions as text to this Slack-compatible incoming webhook URL (a"
              + " secret: pass it from a Secret, e.g. --notify-slack=$(SLACK_WEBHOOK_URL));"
              + " repeatable")
  List<HookUrl> slack = new ArrayList<>();

  @Option(
      names = "--notify-ca",
      paramLabel = "FILE",
      converter = CaConverter.class,
      description = "PEM CA certificates trusted for the notification URLs, besides the system CAs")
  CaCertificates ca;

  /** The CA certificates of {@code --notify-ca}. */
  record CaCertificates(Path file, List<X509Certificate> certificates) {}

  List<X509Certificate> caCertificates() {
    return ca == null ? List.of() : ca.certificates();
  }

  /** Reads a notification URL; the message of a bad one shows it redacted. */
  public static final class UrlConverter implements ITypeConverter<HookUrl> {
    @Override
    public HookUrl convert(String value) {
      try {
        return HookUrl.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** Reads {@code --notify-ca}: a file of PEM certificates. */
  public static final class CaConverter implements ITypeConverter<CaCertificates> {
    @Override
    public CaCertificates convert(String value) {
      Path file = Path.of(value);
      String pem;
      try {
        pem = Files.readString(file);
      } catch (IOException e) {
        throw new TypeConversionException(value + ": cannot read: " + e.getMessage());
      }
      try {
        return new CaCertificates(file, ClientTrust.read(new ClientTrust.PemBundle(value, pem)));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
