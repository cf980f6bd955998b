package dev.mirrorgate.webhook.registry;

import java.util.Objects;

/**
 * Where a Registry sends its push notifications: mirrorgate's intake, with the token generated for
 * this Registry, over TLS from the CA in {@code caPem}.
 *
 * @param url e.g. {@link #inCluster}
 * @param token the Bearer token, also a key of Secret {@code mirrorgate-webhook-tokens}
 * @param caPem the CA the registry trusts for {@code url}
 */
public record NotificationEndpoint(String url, String token, String caPem) {
  /** The intake path for distribution's notifications. */
  public static final String PATH = "/v1/webhooks/registry";

  public NotificationEndpoint {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(caPem, "caPem");
  }

  /**
   * The controller's Service in {@code namespace}: {@code
   * https://mirrorgate-controller.<ns>.svc:9443}.
   */
  public static String inCluster(String namespace) {
    return "https://mirrorgate-controller." + namespace + ".svc:9443" + PATH;
  }

  /** Omits the token, so a log line never carries it. */
  @Override
  public String toString() {
    return "NotificationEndpoint[url=" + url + "]";
  }
}
