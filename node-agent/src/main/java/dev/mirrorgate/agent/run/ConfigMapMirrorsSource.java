package dev.mirrorgate.agent.run;

import dev.mirrorgate.agent.Log;
import dev.mirrorgate.agent.kube.ConfigMapWatcher;
import dev.mirrorgate.agent.kube.EventWriter;
import dev.mirrorgate.agent.kube.KubeEndpoint;
import dev.mirrorgate.common.kube.EventMessages;
import dev.mirrorgate.common.mirrors.InvalidMirrorsDocumentException;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

  /**
   * The ConfigMap's value: its text until it has been read once, then only its fingerprint (the
   * result of reading it is kept instead), so that a large document is not held twice.
   */
  private record Present(String text, boolean hasKey, long fingerprint, String resourceVersion)
      implements Seen {}

  private final String namespace;
  private final String name;
  private final KubeEndpoint endpoint;
  private final EventWriter events;
  private final DocumentRules rules;
  private final AgentMetrics metrics;
  private final Log log;
  private volatile Seen seen = new Unknown();
  private long readFingerprint; // of the value last read, and what reading it gave:
  private MirrorsDocument read;
  private InvalidMirrorsDocumentException refused;
  private volatile Consumer<String> trigger = reason -> {};
  private ConfigMapWatcher watcher;

  public ConfigMapMirrorsSource(
      KubeEndpoint endpoint,
      String namespace,
      String name,
      EventWriter events,
      DocumentRules rules,
      AgentMetrics metrics,
      Log log) {
    this.endpoint = endpoint;
    this.events = events;
    this.rules = rules;
    this.metrics = metrics;
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
  public synchronized MirrorsDocument load() throws IOException, InvalidMirrorsDocumentException {
    return switch (seen) {
      case Unknown u -> throw new NotYetKnown(where() + ": not read yet");
      case Absent a ->
          throw new IOException(where() + ": does not exist; keeping the last good document");
      case Present p -> {
        if (!p.hasKey()) {
          throw new InvalidMirrorsDocumentException(
              List.of(where() + ": has no key " + KEY + "; keeping the last good document"));
        }
        if (p.text() == null && p.fingerprint() == readFingerprint) {
          if (refused != null) {
            throw refused;
          }
          yield read; // the same value: no need to parse it again
        }
        yield read(p);
      }
    };
  }

  /** Parses the value, keeps the result, and lets go of its text. */
  private MirrorsDocument read(Present p) throws InvalidMirrorsDocumentException {
    String source = where() + " " + KEY;
    MirrorsDocument doc = null;
    InvalidMirrorsDocumentException error = null;
    try {
      if (p.text().isBlank()) {
        throw new InvalidMirrorsDocumentException(
            List.of(source + ": is empty; write \"mirrors: []\" to remove every mirror"));
      }
      rules.checkSize(source, utf8Length(p.text()));
      doc = rules.parse(source, new StringReader(p.text()));
    } catch (InvalidMirrorsDocumentException e) {
      error = e;
    }
    read = doc;
    refused = error;
    readFingerprint = p.fingerprint();
    seen = new Present(null, true, p.fingerprint(), p.resourceVersion());
    if (error != null) {
      throw error;
    }
    return doc;
  }

  /** A 64-bit FNV-1a hash of the text and its length: tells a changed value from the same. */
  static long fingerprint(String text) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < text.length(); i++) {
      h = (h ^ text.charAt(i)) * 0x100000001b3L;
    }
    return h ^ ((long) text.length() << 40);
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return n;
  }

  @Override
  public void present(Map<String, String> data, String resourceVersion) {
    metrics.watchWorks();
    String text = data.get(KEY);
    long fingerprint = text == null ? 0 : fingerprint(text);
    boolean changed;
    synchronized (this) {
      Seen before = seen;
      changed =
          !(before instanceof Present p)
              || p.hasKey() != (text != null)
              || p.fingerprint() != fingerprint;
      seen =
          changed
              ? new Present(text, text != null, fingerprint, resourceVersion)
              : new Present(((Present) before).text(), text != null, fingerprint, resourceVersion);
    }
    if (changed) {
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
    metrics.watchWorks();
    Seen before;
    synchronized (this) {
      before = seen;
      seen = new Absent();
    }
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

  /** The watch failed (it retries): a metric, and {@code /readyz} says so until it works again. */
  @Override
  public void failed(String error) {
    metrics.watchFailed(error);
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
