package dev.mirrorgate.webhook.deploy.intake;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.mirrorgate.webhook.kube.Informer;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.ListQuery;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intake's tokens, read from Secret {@value #NAME} in the controller namespace through an
 * informer on that one Secret (a field selector on its name, so RBAC can name it in {@code
 * resourceNames}). An added, changed or removed key takes effect with the next request, without a
 * restart; a deleted Secret means no token.
 */
public final class WebhookTokenSecret implements TokenSource {
  private static final Logger log = LoggerFactory.getLogger(WebhookTokenSecret.class);
  public static final String NAME = "mirrorgate-webhook-tokens";

  private record Snapshot(String resourceVersion, WebhookTokens tokens) {}

  private final Informer informer;
  private final String namespace;
  private volatile Snapshot snapshot = new Snapshot(null, WebhookTokens.NONE);

  /**
   * @param informer an informer on {@link #query(String)}, started with the controller's others
   */
  public WebhookTokenSecret(Informer informer, String namespace) {
    this.informer = informer;
    this.namespace = namespace;
    informer.onChange(secret -> current());
  }

  /** What the informer lists and watches: the one Secret, by name. */
  public static ListQuery query(String namespace) {
    return ListQuery.in(namespace).withFields("metadata.name=" + NAME);
  }

  @Override
  public Optional<WebhookTokens> current() {
    if (!informer.hasSynced()) {
      return Optional.empty();
    }
    // The informer's cache is current before its handlers run, so the Secret is read from it
    // (and its tokens digested again only when its resourceVersion moved).
    Optional<KubeObject> secret = informer.get(namespace, NAME);
    String version = secret.map(KubeObject::resourceVersion).orElse("");
    Snapshot seen = snapshot;
    if (!Objects.equals(seen.resourceVersion(), version)) {
      seen = reload(secret, version);
    }
    return Optional.of(seen.tokens());
  }

  private synchronized Snapshot reload(Optional<KubeObject> secret, String version) {
    if (Objects.equals(snapshot.resourceVersion(), version)) {
      return snapshot;
    }
    WebhookTokens tokens =
        secret.map(s -> WebhookTokens.fromSecret(s.node())).orElse(WebhookTokens.NONE);
    for (String problem : tokens.problems()) {
      log.warn("{}: {}", where(), problem, kv("secret", NAME));
    }
    if (tokens.isEmpty()) {
      log.warn(
          "{} {}: no webhook token configured",
          where(),
          secret.isPresent() ? "holds no token" : "does not exist",
          kv("secret", NAME),
          kv("tokens", 0));
    } else {
      log.info(
          "webhook tokens from {}: {}",
          where(),
          String.join(", ", tokens.names()),
          kv("secret", NAME),
          kv("tokens", tokens.names().size()));
    }
    snapshot = new Snapshot(version, tokens);
    return snapshot;
  }

  @Override
  public String where() {
    return "Secret " + namespace + "/" + NAME;
  }
}
