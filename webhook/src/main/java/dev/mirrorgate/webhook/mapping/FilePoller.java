package dev.mirrorgate.webhook.mapping;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when files change by reading them and comparing bytes. A mounted ConfigMap or Secret is
 * updated by swapping a symlink, which file events may not report, so the bytes decide. Reads run
 * off the event loop through the Vert.x file system.
 */
public final class FilePoller {
  private static final Logger log = LoggerFactory.getLogger(FilePoller.class);

  private final Vertx vertx;
  private final List<Path> files;
  private final Consumer<List<Buffer>> onChange;
  private List<Buffer> last;
  private long timer = -1;
  private boolean readFailed;

  /**
   * @param onChange called on a Vert.x context with the contents of all files, in order, each time
   *     any of them reads differently from the last call (and once at the first read)
   */
  public FilePoller(Vertx vertx, List<Path> files, Consumer<List<Buffer>> onChange) {
    this.vertx = vertx;
    this.files = List.copyOf(files);
    this.onChange = onChange;
  }

  /** Polls every {@code interval}; the first poll happens now. */
  public void start(Duration interval) {
    poll();
    timer = vertx.setPeriodic(interval.toMillis(), id -> poll());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void poll() {
    var reads = files.stream().map(f -> vertx.fileSystem().readFile(f.toString())).toList();
    io.vertx.core.Future.all(reads)
        .onSuccess(
            all -> {
              readFailed = false;
              List<Buffer> contents = all.list();
              if (!contents.equals(last)) {
                last = contents;
                onChange.accept(contents);
              }
            })
        .onFailure(
            e -> {
              if (!readFailed) { // one line per outage, not one per poll
                log.error(
                    "cannot read {}: {}; keeping what was loaded before", files, e.getMessage());
              }
              readFailed = true;
            });
  }
}
