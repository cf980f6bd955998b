package dev.mirrorgate.webhook.mapping;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.mirrorgate.common.kube.ConfigMapRef;
import dev.mirrorgate.common.kube.ConfigMapSnapshot;
import dev.mirrorgate.common.mapping.MirrorRule;
import dev.mirrorgate.common.mirrors.InvalidMirrorsDocumentException;
import dev.mirrorgate.common.mirrors.Mirror;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import dev.mirrorgate.common.mirrors.MirrorsDocumentParser;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.kube.SingleConfigMapInformer;
import dev.mirrorgate.webhook.metrics.WebhookMetrics;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services mode ({@code serve --mirrors-configmap NS/NAME}): every {@code rewrite: true} entry of
 * {@code mirrors.yaml} in that ConfigMap (written by the controller) becomes the rule {@code
 * upstream → <endpoint host[:port]>}, so Pods pull {@code docker.io/...} images from the mirror's
 * ClusterIP. A broken document is rejected (logged, counted as {@code source="mirrors"}) and the
 * last good rules keep serving; a deleted ConfigMap keeps them too.
 */
public final class MirrorsRulesSource implements SingleConfigMapInformer.Listener {
  private static final Logger log = LoggerFactory.getLogger(MirrorsRulesSource.class);
  static final String KEY = "mirrors.yaml";

  private final ConfigMapRef ref;
  private final MappingHolder holder;
  private final WebhookMetrics metrics;
  private final SingleConfigMapInformer informer;

  public MirrorsRulesSource(
      KubeRest watches, ConfigMapRef ref, MappingHolder holder, WebhookMetrics metrics) {
    this.ref = ref;
    this.holder = holder;
    this.metrics = metrics;
    this.informer = new SingleConfigMapInformer(watches, ref, this);
  }

  public void start() {
    informer.start();
  }

  public void stop() {
    informer.close();
  }

  /** The rules of the services-mode entries: {@code upstream → endpoint host[:port]}. */
  static List<MirrorRule> rules(MirrorsDocument document) {
    List<MirrorRule> rules = new ArrayList<>();
    for (Mirror mirror : document.mirrors()) {
      if (mirror.rewrite()) {
        rules.add(new MirrorRule(mirror.upstream(), mirror.endpointAuthority()));
      }
    }
    return rules;
  }

  @Override
  public void changed(ConfigMapSnapshot snapshot) {
    String origin = "mirrors configmap " + ref;
    String text = snapshot.data() == null ? null : snapshot.data().get(KEY);
    try {
      MirrorsDocument document =
          text == null
              ? MirrorsDocument.EMPTY
              : new MirrorsDocumentParser(ref + "/" + KEY).parse(text);
      List<MirrorRule> rules = rules(document);
      holder.setMirrorRules(rules, origin, "rv" + snapshot.resourceVersion());
      metrics.mappingReload("mirrors", "loaded");
      log.info(
          "services-mode mirrors loaded",
          kv("origin", origin),
          kv("resourceVersion", snapshot.resourceVersion()),
          kv("rules", rules.stream().map(MirrorRule::describe).toList()));
    } catch (InvalidMirrorsDocumentException | IllegalArgumentException e) {
      metrics.mappingReload("mirrors", "invalid");
      log.error(
          "mirrors document rejected, the previous mirror rules keep serving",
          kv("origin", origin),
          kv("resourceVersion", snapshot.resourceVersion()),
          kv(
              "errors",
              e instanceof InvalidMirrorsDocumentException invalid
                  ? invalid.errors()
                  : List.of(e.getMessage())));
    }
  }

  @Override
  public void deleted(ConfigMapSnapshot last) {
    log.warn(
        "configmap {} was deleted; the last mirror rules keep serving until it is created again",
        ref);
  }
}
