package dev.mirrorgate.webhook.mirror;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.mirrors.InvalidMirrorsDocumentException;
import dev.mirrorgate.common.mirrors.Mirror;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import dev.mirrorgate.common.mirrors.MirrorsDocumentParser;
import dev.mirrorgate.common.mirrors.MirrorsDocumentRenderer;
import dev.mirrorgate.webhook.controller.Applier;
import dev.mirrorgate.webhook.controller.Applier.Applied;
import dev.mirrorgate.webhook.controller.ClusterAuthority;
import dev.mirrorgate.webhook.controller.DesiredObject;
import dev.mirrorgate.webhook.controller.EventSink;
import dev.mirrorgate.webhook.controller.OwnedInformers;
import dev.mirrorgate.webhook.controller.Reconciler;
import dev.mirrorgate.webhook.controller.Result;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.owned.Parsed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import net.logstash.logback.argument.StructuredArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ConfigMap {@value #NAME} ({@code mirrors.yaml}), the node agents' and webhook's view of every
 * mirror: written only here, from the RegistryMirrors (and node-local Registries) and their
 * Services' ClusterIPs. One key, so a burst of changes is one write; a hand edit or deletion of the
 * ConfigMap is put back by the next reconcile (its informer queues the key). A mirror whose CR has
 * become invalid keeps its last entry; a mirror whose CR is gone loses it.
 */
public final class MirrorsDocumentReconciler implements Reconciler {
  private static final Logger log = LoggerFactory.getLogger(MirrorsDocumentReconciler.class);
  public static final String NAME = "mirrorgate-mirrors";
  public static final String KEY = "mirrors.yaml";

  private final MirrorSources sources;
  private final OwnedInformers owned;
  private final ClusterAuthority authority;
  private final RegistryMirrorRenderer renderer;
  private final Applier applier;
  private final EventSink events;
  private final String namespace;
  private final List<Function<MirrorsDocument, List<Mirror>>> otherEntries;
  private volatile boolean written;

  /**
   * The document last rendered (or read), with its text: the text observed next is nearly always
   * the one written last, and is then not parsed again (~250 KB of YAML with 200 mirrors).
   */
  private volatile Known known = new Known("", MirrorsDocument.EMPTY);

  private record Known(String text, MirrorsDocument document) {}

  /**
   * @param otherEntries further entries (node-local Registries), given the current document
   */
  public MirrorsDocumentReconciler(
      MirrorSources sources,
      OwnedInformers owned,
      ClusterAuthority authority,
      RegistryMirrorRenderer renderer,
      Applier applier,
      EventSink events,
      String namespace,
      List<Function<MirrorsDocument, List<Mirror>>> otherEntries) {
    this.sources = sources;
    this.owned = owned;
    this.authority = authority;
    this.renderer = renderer;
    this.applier = applier;
    this.events = events;
    this.namespace = namespace;
    this.otherEntries = List.copyOf(otherEntries);
  }

  @Override
  public String name() {
    return "mirrors-document";
  }

  @Override
  public Result reconcile(String key) throws Exception {
    Optional<KubeObject> observed = owned.get(ApiResource.CONFIG_MAPS, namespace, NAME);
    MirrorsDocument current = current(observed);
    Map<String, Mirror> previous = new LinkedHashMap<>();
    current.mirrors().forEach(m -> previous.put(m.name(), m));

    List<Mirror> entries = new ArrayList<>();
    String caPem = null;
    Map<String, String> firstOfEachUpstream = sources.firstOfEachUpstream();
    for (MirrorSources.Found found : sources.all().values()) {
      KubeObject cr = found.object();
      if (cr.deleting()) {
        continue;
      }
      Parsed<RegistryMirrorSpec> parsed = sources.parse(cr);
      if (!parsed.isValid()) {
        Optional.ofNullable(previous.get(cr.name())).ifPresent(entries::add); // last good
        continue;
      }
      RegistryMirrorSpec spec = parsed.get();
      if (!cr.name().equals(firstOfEachUpstream.get(spec.upstream()))) {
        continue; // reported on the CR: one mirror per upstream
      }
      Optional<String> clusterIp =
          owned
              .get(ApiResource.SERVICES, namespace, spec.serviceName())
              .map(s -> s.node().path("spec").path("clusterIP").asText(""))
              .filter(ip -> !ip.isEmpty() && !"None".equals(ip));
      if (clusterIp.isEmpty()) {
        continue; // listed once its Service has an address (that Service's change requeues us)
      }
      if (caPem == null) {
        authority.get(owned.get(ApiResource.SECRETS, namespace, ClusterAuthority.SECRET_NAME));
        caPem = authority.pem();
      }
      entries.add(renderer.mirrorsEntry(spec, clusterIp.get(), caPem));
    }
    for (Function<MirrorsDocument, List<Mirror>> source : otherEntries) {
      entries.addAll(source.apply(current));
    }
    MirrorsDocument document = new MirrorsDocument(distinct(entries));
    String text = MirrorsDocumentRenderer.render(document);
    known = new Known(text, document);

    ObjectNode configMap = JsonNodeFactory.instance.objectNode();
    configMap.put("apiVersion", "v1").put("kind", "ConfigMap");
    ObjectNode metadata = configMap.putObject("metadata");
    metadata.put("name", NAME).put("namespace", namespace);
    metadata
        .putObject("labels")
        .put("app.kubernetes.io/managed-by", "mirrorgate")
        .put("app.kubernetes.io/part-of", "mirrorgate")
        .put("app.kubernetes.io/component", "mirrors-document");
    metadata
        .putObject("annotations")
        .put(
            "mirrorgate.dev/written-by",
            "the mirrorgate controller: edits are reverted; change RegistryMirror objects instead");
    configMap.putObject("data").put(KEY, text);
    // Only this process's own memory can tell a deleted ConfigMap from one never written.
    Applied applied =
        applier.apply(ApiResource.CONFIG_MAPS, DesiredObject.of(configMap), observed, written);
    written = true;
    if (applied.change().wrote()) {
      log.info(
          "mirrors document written",
          StructuredArguments.keyValue("configMap", namespace + "/" + NAME),
          StructuredArguments.keyValue("change", applied.change()),
          StructuredArguments.keyValue("mirrors", entries.size()));
      if (applied.change() == Applier.Change.REPAIRED) {
        events.warning(
            applied.object(),
            "Repaired",
            "ConfigMap "
                + NAME
                + " was edited or deleted by hand; restored from the "
                + entries.size()
                + " mirrors");
      }
    }
    return Result.done();
  }

  /**
   * The entries with no two sharing a name or an upstream (the node agent refuses such a document):
   * the first of each is kept; the controllers report the later ones on their CRs.
   */
  static List<Mirror> distinct(List<Mirror> entries) {
    java.util.Set<String> names = new java.util.HashSet<>();
    java.util.Set<String> upstreams = new java.util.HashSet<>();
    List<Mirror> kept = new ArrayList<>();
    for (Mirror mirror : entries) {
      if (names.add(mirror.name()) && upstreams.add(mirror.upstream())) {
        kept.add(mirror);
      } else {
        log.warn(
            "mirror left out of the document: its name or upstream is taken",
            StructuredArguments.keyValue("mirror", mirror.name()),
            StructuredArguments.keyValue("upstream", mirror.upstream()));
      }
    }
    return kept;
  }

  private MirrorsDocument current(Optional<KubeObject> configMap) {
    if (configMap.isEmpty()) {
      return MirrorsDocument.EMPTY;
    }
    String text = configMap.get().node().path("data").path(KEY).asText("");
    Known last = known;
    if (text.equals(last.text())) {
      return last.document();
    }
    MirrorsDocument document;
    try {
      document = new MirrorsDocumentParser(NAME + "/" + KEY).parse(text);
    } catch (InvalidMirrorsDocumentException e) {
      document = MirrorsDocument.EMPTY; // a hand edit broke it: rebuilt from the CRs alone
    }
    known = new Known(text, document);
    return document;
  }
}
