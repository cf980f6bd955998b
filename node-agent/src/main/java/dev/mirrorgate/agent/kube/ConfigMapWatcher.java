package dev.mirrorgate.agent.kube;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.mirrorgate.agent.Log;
import dev.mirrorgate.common.json.PlainValues;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.HttpURLConnection;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Keeps a {@link Listener} told of the data of ONE ConfigMap: list (with a field selector on its
 * name, so a Role limited to that resourceName suffices), then watch from the list's
 * resourceVersion with bookmarks. A watch that ends is resumed from the last resourceVersion seen;
 * {@code 410 Gone} (the version is too old) relists; any other failure (API server restart,
 * connection refused, 401 after a token rotation, 403) is logged and retried with capped
 * exponential backoff, re-reading the token each time. A watch is also abandoned when nothing
 * arrives for its server-side timeout plus a margin, so a silently dead connection cannot stall the
 * agent.
 *
 * <p>A small client on the JDK's {@code HttpsURLConnection} and Jackson streaming, not client-java
 * nor {@code java.net.http}: see the node agent's README for the footprint measurements behind that
 * choice.
 */
public final class ConfigMapWatcher implements AutoCloseable {

  /** What the watcher reports; called on the watcher's thread, so keep it short. */
  public interface Listener {
    /** The ConfigMap exists with this data (every key; binaryData ignored). */
    void present(Map<String, String> data, String resourceVersion);

    /** The ConfigMap does not exist (never created, or deleted). */
    void absent();

    /** A list or watch failed with {@code error}; it is retried. */
    default void failed(String error) {}
  }

  static final Duration MIN_BACKOFF = Duration.ofMillis(200);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final JsonFactory JSON = new JsonFactory();

  /** For the watch stream: a parser is replaced after each event without closing the stream. */
  private static final JsonFactory WATCH_JSON =
      JsonFactory.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();

  private final KubeEndpoint endpoint;
  private final String namespace;
  private final String name;
  private final Listener listener;
  private final Log log;
  private final TrackingSocketFactory tls;
  private final Thread thread;
  private volatile boolean closed;

  public ConfigMapWatcher(
      KubeEndpoint endpoint, String namespace, String name, Listener listener, Log log) {
    this.endpoint = endpoint;
    this.namespace = namespace;
    this.name = name;
    this.listener = listener;
    this.log = log;
    this.tls = new TrackingSocketFactory(endpoint.ssl().getSocketFactory());
    this.thread = new Thread(this::run, "configmap-watch");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Thrown for the API's {@code 410 Gone}: the resourceVersion is too old, relist. */
  private static final class Gone extends IOException {
    Gone(String message) {
      super(message);
    }
  }

  private void run() {
    Duration backoff = MIN_BACKOFF;
    String resourceVersion = null;
    while (!closed) {
      try {
        if (resourceVersion == null) {
          resourceVersion = list();
        }
        // A watch that ends is resumed from the last resourceVersion. One that ends at once
        // without delivering anything is backed off, so a misbehaving server is not hammered.
        long started = System.nanoTime();
        String before = resourceVersion;
        resourceVersion = watch(resourceVersion);
        if (resourceVersion.equals(before) && System.nanoTime() - started < 1_000_000_000L) {
          pause(backoff);
          backoff = next(backoff);
        } else {
          backoff = MIN_BACKOFF;
        }
      } catch (Gone e) {
        log.info(
            "watch expired; relisting",
            "configMap",
            namespace + "/" + name,
            "reason",
            e.getMessage());
        resourceVersion = null;
      } catch (Throwable e) { // an OutOfMemoryError too: the watch must outlive it, and retry
        if (closed) {
          return;
        }
        String error = e instanceof Error ? e.toString() : String.valueOf(e.getMessage());
        log.warn(
            "ConfigMap watch failed; retrying",
            "configMap",
            namespace + "/" + name,
            "error",
            error,
            "retryMs",
            backoff.toMillis());
        listener.failed(error);
        pause(backoff);
        backoff = next(backoff);
        // After an error we cannot know whether we missed a deletion; relist to be sure.
        resourceVersion = null;
      }
    }
  }

  private void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      // close() interrupts; the loop checks `closed`
    }
  }

  private static Duration next(Duration backoff) {
    Duration doubled = backoff.multipliedBy(2);
    return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
  }

  private String path() {
    return "/api/v1/namespaces/"
        + namespace
        + "/configmaps?fieldSelector="
        + URLEncoder.encode("metadata.name=" + name, StandardCharsets.UTF_8);
  }

  /** Lists the ConfigMap, tells the listener, and returns the list's resourceVersion. */
  private String list() throws IOException {
    HttpURLConnection c = send(path(), Duration.ofSeconds(30));
    try (InputStream body = body(c);
        JsonParser p = JSON.createParser(body)) {
      JsonToken t = p.nextToken();
      Object list = t == null ? null : PlainValues.read(p, t);
      if (c.getResponseCode() != 200) {
        throw failure("list", c.getResponseCode(), list);
      }
      String rv = PlainValues.string(list, "metadata", "resourceVersion");
      if (rv == null) {
        throw new IOException("list: the response has no metadata.resourceVersion");
      }
      List<?> items = PlainValues.at(list, "items") instanceof List<?> l ? l : List.of();
      Optional<Object> item = items.stream().map(o -> (Object) o).findFirst();
      if (item.isPresent()) {
        listener.present(
            data(item.get()), PlainValues.string(item.get(), "metadata", "resourceVersion"));
      } else {
        listener.absent();
      }
      return rv;
    }
  }

  /**
   * Watches from {@code resourceVersion} until the server ends the watch; returns the last
   * resourceVersion seen.
   */
  private String watch(String resourceVersion) throws IOException {
    int timeoutSeconds = ThreadLocalRandom.current().nextInt(240, 480);
    String watch =
        path()
            + "&watch=1&allowWatchBookmarks=true&timeoutSeconds="
            + timeoutSeconds
            + "&resourceVersion="
            + URLEncoder.encode(resourceVersion, StandardCharsets.UTF_8);
    // A connection that dies without a FIN never ends a read: the read timeout (the server-side
    // timeout plus a margin; bookmarks and events arrive well within it) abandons it.
    HttpURLConnection c = send(watch, Duration.ofSeconds(timeoutSeconds + 30L));
    String rv = resourceVersion;
    try (InputStream body = body(c)) {
      InputStream in = body;
      JsonParser p = WATCH_JSON.createParser(in);
      try {
        if (c.getResponseCode() != 200) {
          JsonToken t = p.nextToken();
          throw failure("watch", c.getResponseCode(), t == null ? null : PlainValues.read(p, t));
        }
        for (JsonToken t = p.nextToken(); t != null && !closed; t = p.nextToken()) {
          rv = event(p, t, rv);
          // A new parser for the next event, from where this one stopped: the old one's text
          // buffers hold the event's largest value (a ConfigMap's megabyte, twice over) until its
          // next token, which may be minutes away.
          ByteArrayOutputStream unread = new ByteArrayOutputStream();
          p.releaseBuffered(unread);
          p.close();
          in = new SequenceInputStream(new ByteArrayInputStream(unread.toByteArray()), in);
          p = WATCH_JSON.createParser(in);
        }
        return rv;
      } finally {
        p.close();
      }
    } catch (java.net.SocketTimeoutException e) {
      return rv; // a silent connection: resume from what was seen
    }
  }

  /**
   * Reads one watch event at {@code t} and tells the listener; returns the resourceVersion seen. A
   * method of its own, so that nothing of the event stays referenced once it returns.
   */
  private String event(JsonParser p, JsonToken t, String rv) throws IOException {
    Object event = PlainValues.read(p, t);
    String type = PlainValues.string(event, "type");
    Object object = PlainValues.at(event, "object");
    if ("ERROR".equals(type)) {
      throw failure("watch", -1, object);
    }
    String objectRv = PlainValues.string(object, "metadata", "resourceVersion");
    switch (String.valueOf(type)) {
      case "ADDED", "MODIFIED" -> listener.present(data(object), objectRv);
      case "DELETED" -> listener.absent();
      default -> {} // BOOKMARK: only the resourceVersion
    }
    return objectRv != null ? objectRv : rv;
  }

  private HttpURLConnection send(String path, Duration readTimeout) throws IOException {
    HttpURLConnection c = endpoint.open(path, tls, readTimeout);
    if (closed) {
      throw new IOException("closed");
    }
    c.getResponseCode();
    return c;
  }

  /** The response body, or the error body (a Status) when the status is not 2xx. */
  private static InputStream body(HttpURLConnection c) throws IOException {
    InputStream in = c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream();
    return in != null ? in : InputStream.nullInputStream();
  }

  /** A failed request or an ERROR event (a Status object) as an exception; 410 as {@link Gone}. */
  private IOException failure(String what, int httpStatus, Object status) {
    Object code = PlainValues.at(status, "code");
    int c = code instanceof Number n ? n.intValue() : httpStatus;
    String message = PlainValues.string(status, "message");
    String text = what + ": " + c + " " + (message == null ? "" : message);
    return c == 410 ? new Gone(text) : new IOException(text);
  }

  private static Map<String, String> data(Object configMap) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (PlainValues.at(configMap, "data") instanceof Map<?, ?> data) {
      data.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
    }
    return out;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    // Not disconnect(): it waits for the lock the blocked reader holds. Closing the socket ends
    // the read at once; the daemon thread then sees `closed`.
    tls.closeLast();
  }
}
