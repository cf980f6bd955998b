package dev.mirrorgate.webhook.mapping;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.mirrorgate.common.mapping.MappingException;
import dev.mirrorgate.common.mapping.MappingParser;
import dev.mirrorgate.webhook.metrics.WebhookMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the mapping from a file ({@code serve --mapping FILE}) and reloads it when its bytes
 * change. A broken new version is rejected with every error it has, and the previous mapping keeps
 * serving; so does a file that is empty, cannot be read or is over 1 MiB (each counted in {@code
 * mirrorgate_mapping_reloads_total{result="invalid"}} and logged once per change).
 */
public final class FileMappingSource {
  private static final Logger log = LoggerFactory.getLogger(FileMappingSource.class);

  private final Path file;
  private final MappingLoader loader;
  private final MappingHolder holder;
  private final WebhookMetrics metrics;
  private final FilePoller poller;

  public FileMappingSource(
      Vertx vertx, Path file, MappingLoader loader, MappingHolder holder, WebhookMetrics metrics) {
    this.file = file;
    this.loader = loader;
    this.holder = holder;
    this.metrics = metrics;
    this.poller =
        new FilePoller(
            vertx,
            List.of(file),
            MappingParser.MAX_DOCUMENT_CHARS,
            contents -> load(contents.get(0)),
            this::unreadable);
  }

  public void start(Duration interval) {
    poller.start(interval);
  }

  public void stop() {
    poller.stop();
  }

  /**
   * A file that cannot be read (or is over 1 MiB) is a rejected version, counted and logged once.
   */
  void unreadable(String why) {
    metrics.mappingReload("file", "invalid");
    log.error(
        "mapping rejected, {}",
        holder.isLoaded() ? "the previous mapping keeps serving" : "no mapping is serving yet",
        kv("origin", file.toString()),
        kv("errors", List.of("cannot read " + why)));
  }

  void load(Buffer content) {
    try {
      LoadedMapping loaded = loader.fromFile(file, content.getBytes());
      holder.set(loaded);
      metrics.mappingReload("file", "loaded");
      log.info(
          "mapping loaded",
          kv("origin", loaded.origin()),
          kv("version", loaded.version()),
          kv("rules", loaded.mapping().rules().size()),
          kv("excludes", loaded.mapping().excludes().size()));
    } catch (MappingException e) {
      metrics.mappingReload("file", "invalid");
      log.error(
          "mapping rejected, {}",
          holder.isLoaded() ? "the previous mapping keeps serving" : "no mapping is serving yet",
          kv("origin", file.toString()),
          kv("errors", e.errors()));
    }
  }
}
