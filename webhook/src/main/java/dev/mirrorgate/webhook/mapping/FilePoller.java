package dev.mirrorgate.webhook.mapping;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when files change by reading them and comparing bytes. A mounted ConfigMap or Secret is
 * updated by swapping a symlink, which file events may not report, so the bytes decide. Reads run
 * off the event loop, one poll at a time, and never read more than {@code maxBytes} of a file: a
 * larger file is a failure, like one that cannot be read. A failure is reported once per outage.
 */
public final class FilePoller {
  private static final Logger log = LoggerFactory.getLogger(FilePoller.class);

  /** The default bound: 1 MiB, what a ConfigMap or Secret can hold. */
  public static final int MAX_BYTES = 1024 * 1024;

  private final Vertx vertx;
  private final List<Path> files;
  private final int maxBytes;
  private final Consumer<List<Buffer>> onChange;
  private final Consumer<String> onFailure;
  private List<Buffer> last;
  private long timer = -1;
  private String failure;
  private boolean polling;

  /**
   * @param onChange called on a Vert.x context with the contents of all files, in order, each time
   *     any of them reads differently from the last call (and once at the first read)
   */
  public FilePoller(Vertx vertx, List<Path> files, Consumer<List<Buffer>> onChange) {
    this(vertx, files, MAX_BYTES, onChange, null);
  }

  /**
   * @param onFailure called with what is wrong (e.g. {@code /etc/m/mapping.yaml: no such file})
   *     when a poll fails after one that did not, or fails differently; null to only log it
   */
  public FilePoller(
      Vertx vertx,
      List<Path> files,
      int maxBytes,
      Consumer<List<Buffer>> onChange,
      Consumer<String> onFailure) {
    this.vertx = vertx;
    this.files = List.copyOf(files);
    this.maxBytes = maxBytes;
    this.onChange = onChange;
    this.onFailure = onFailure;
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
    if (polling) {
      return; // a read still hangs (a FIFO, a dead mount): never queue another behind it
    }
    polling = true;
    Future<List<Buffer>> read = vertx.executeBlocking(this::readAll, false);
    read.onComplete(
        done -> {
          polling = false;
          if (done.succeeded()) {
            failure = null;
            List<Buffer> contents = done.result();
            if (!contents.equals(last)) {
              last = contents;
              onChange.accept(contents);
            }
            return;
          }
          String why = done.cause().getMessage();
          if (!why.equals(failure)) { // once per outage, not once per poll
            failure = why;
            if (onFailure != null) {
              onFailure.accept(why);
            } else {
              log.error("cannot read {}; keeping what was loaded before", why);
            }
          }
        });
  }

  private List<Buffer> readAll() throws IOException {
    List<Buffer> contents = new ArrayList<>(files.size());
    for (Path file : files) {
      contents.add(Buffer.buffer(read(file, maxBytes)));
    }
    return contents;
  }

  /** At most {@code maxBytes} of {@code file}, or an exception saying what is wrong with it. */
  static byte[] read(Path file, int maxBytes) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw new IOException(file + ": larger than " + maxBytes + " bytes");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new IOException(file + ": permission denied", e);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) {
        throw e;
      }
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }
}
