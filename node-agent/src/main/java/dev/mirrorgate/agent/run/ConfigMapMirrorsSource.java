package dev.mirrorgate.agent.run;

import dev.mirrorgate.agent.Log;
import dev.mirrorgate.agent.kube.ConfigMapWatcher;
import dev.mirrorgate.agent.kube.EventWriter;
import dev.mirrorgate.agent.kube.KubeEndpoint;
import dev.mirrorgate.common.kube.EventMessages;
import dev.mirrorgate.common.mirrors.InvalidMirrorsDocumentException;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import dev.mirrorgate.common.mirrors.MirrorsDocumentParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The mirrors document in key {@code mirrors.yaml} of one ConfigMap, kept current by a {@link
 * ConfigMapWatcher}. A deleted ConfigMap, a missing key or a blank value is an error for {@link
 * #load} (the apply loop then keeps the last good document); so is an invalid document.
 */
public final class ConfigMapMirrorsSource implements MirrorsSource, ConfigMapWatcher.Listener {

  public static final String KEY = "mirrors.yaml";

  /** The reason of the Warning Event recorded on the ConfigMap for a rejected document. */
  public static final String REJECTED = "MirrorsRejected";

  /** What the watch last reported: not yet anything, the ConfigMap absent, or its value. */
  private sealed interface Seen {}

  private record Unknown() implements Seen {}

  private record Absent() implements Seen {}

  private record Present(String text, String resourceVersion) implements Seen {}

  private final String namespace;
  private final String name;
  private final KubeEndpoint endpoint;
  private final EventWriter events;
  private final Log log;
  private volatile Seen seen = new Unknown();
  private volatile Consumer<String> trigger = reason -> {};
  private ConfigMapWatcher watcher;

  public ConfigMapMirrorsSource(
      KubeEndpoint endpoint, String namespace, String name, EventWriter events, Log log) {
    this.endpoint = endpoint;
    this.events = events;
    this.namespace = namespace;
    this.name = name;
    this.log = log;
  }

  /** Parses {@code NS/NAME}. */
  public static String[] parseReference(String reference) {
    String[] parts = reference.split("/", -1);
    if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
      throw new IllegalArgumentException(
          "--mirrors-configmap: expected NAMESPACE/NAME, got \"" + reference + "\"");
    }
    return parts;
  }

  private String where() {
    return "configmap " + namespace + "/" + name;
  }

  @Override
  public MirrorsDocument load() throws IOException, InvalidMirrorsDocumentException {
    return switch (seen) {
      case Unknown u -> throw new NotYetKnown(where() + ": not read yet");
      case Absent a ->
          throw new IOException(where() + ": does not exist; keeping the last good document");
      case Present p -> {
        if (p.text() == null) {
          throw new InvalidMirrorsDocumentException(
              List.of(where() + ": has no key " + KEY + "; keeping the last good document"));
        }
        if (p.text().isBlank()) {
          throw new InvalidMirrorsDocumentException(
              List.of(
                  where()
                      + " "
                      + KEY
                      + ": is empty; write \"mirrors: []\" to remove every mirror"));
        }
        yield new MirrorsDocumentParser(where() + " " + KEY).parse(p.text());
      }
    };
  }

  @Override
  public void present(Map<String, String> data, String resourceVersion) {
    Seen before = seen;
    String text = data.get(KEY);
    seen = new Present(text, resourceVersion);
    if (!(before instanceof Present p) || !Objects.equals(p.text(), text)) {
      log.info(
          "ConfigMap changed",
          "configMap",
          namespace + "/" + name,
          "resourceVersion",
          resourceVersion);
      trigger.accept("configmap");
    }
  }

  @Override
  public void absent() {
    Seen before = seen;
    seen = new Absent();
    if (!(before instanceof Absent)) {
      log.warn(
          before instanceof Present
              ? "ConfigMap deleted; keeping the last good document"
              : "ConfigMap does not exist; waiting for it",
          "configMap",
          namespace + "/" + name);
      trigger.accept("configmap");
    }
  }

  /** A Warning Event on the ConfigMap, naming every error; a failure to record it is logged. */
  @Override
  public void rejected(List<String> errors) {
    String resourceVersion = seen instanceof Present p ? p.resourceVersion() : null;
    try {
      events.warning(namespace, name, resourceVersion, REJECTED, EventMessages.joinErrors(errors));
    } catch (IOException | RuntimeException e) {
      log.warn(
          "cannot record the Event", "reason", REJECTED, "error", String.valueOf(e.getMessage()));
    }
  }

  @Override
  public List<Path> watchedDirectories() {
    return List.of();
  }

  @Override
  public synchronized void start(Consumer<String> trigger) {
    this.trigger = trigger;
    watcher = new ConfigMapWatcher(endpoint, namespace, name, this, log);
    watcher.start();
  }

  @Override
  public synchronized void close() {
    if (watcher != null) {
      watcher.close();
    }
  }
}
