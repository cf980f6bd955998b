package dev.mirrorgate.webhook.server;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A request body read while it arrives: the event loop {@linkplain #offer offers} its chunks, the
 * decoding thread reads them as a stream. At most {@link #HIGH_WATER} bytes wait between the two;
 * above that the event loop pauses the request (Netty stops reading the socket) and the reader
 * resumes it once {@link #LOW_WATER} or less is left. A body of megabytes is thus decoded with a
 * few hundred KiB held, not gathered whole.
 */
final class BodyStream extends InputStream {
  /** Bytes waiting above which the sender pauses. */
  static final int HIGH_WATER = 256 * 1024;

  /** Bytes waiting at or below which a paused sender is resumed. */
  static final int LOW_WATER = 64 * 1024;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
  private final Runnable resume;
  private long waiting;
  private boolean paused;
  private boolean ended;
  private boolean aborted;

  /**
   * @param resume resumes the paused request; called from the reading thread, so it must hand the
   *     resumption over to the request's own thread
   */
  BodyStream(Runnable resume) {
    this.resume = resume;
  }

  /**
   * Adds a chunk (its readable bytes, which the stream now owns). Returns true when the sender must
   * pause: the stream then calls {@code resume} once the reader has caught up.
   */
  boolean offer(ByteBuf chunk) {
    lock.lock();
    try {
      if (aborted || ended || !chunk.isReadable()) {
        return false;
      }
      chunks.add(chunk);
      waiting += chunk.readableBytes();
      arrived.signal();
      if (waiting > HIGH_WATER && !paused) {
        paused = true;
        return true;
      }
      return false;
    } finally {
      lock.unlock();
    }
  }

  /** The body is complete: the reader sees its end once it has read what waits. */
  void end() {
    lock.lock();
    try {
      ended = true;
      arrived.signal();
    } finally {
      lock.unlock();
    }
  }

  /** The request died: the reader's next read fails, and what waits is dropped. */
  void abort() {
    lock.lock();
    try {
      aborted = true;
      chunks.clear();
      waiting = 0;
      arrived.signal();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] into, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    int copied = 0;
    boolean resumeSender = false;
    lock.lock();
    try {
      while (chunks.isEmpty() && !aborted && !ended) {
        arrived.await();
      }
      if (aborted) {
        throw new IOException("the request ended before its body did");
      }
      while (copied < length && !chunks.isEmpty()) {
        ByteBuf head = chunks.peek();
        int n = Math.min(length - copied, head.readableBytes());
        head.readBytes(into, offset + copied, n);
        copied += n;
        if (!head.isReadable()) {
          chunks.poll();
        }
      }
      waiting -= copied;
      if (paused && waiting <= LOW_WATER) {
        paused = false;
        resumeSender = true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the request body");
    } finally {
      lock.unlock();
    }
    if (resumeSender) {
      resume.run();
    }
    return copied == 0 ? -1 : copied;
  }

  /** Bytes offered and not yet read. */
  long waiting() {
    lock.lock();
    try {
      return waiting;
    } finally {
      lock.unlock();
    }
  }
}
