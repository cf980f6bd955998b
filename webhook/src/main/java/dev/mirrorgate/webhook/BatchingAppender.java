package dev.mirrorgate.webhook;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands log events to one thread that passes them to the real appender a batch at a time. Like
 * logback's {@code AsyncAppender} with {@code neverBlock}, a logging thread never waits: a full
 * queue drops the event (and the drop is counted and reported). Unlike it, a logging thread does
 * not wake the writer for each event: while events keep coming the writer looks at the queue every
 * {@link #interval}; after 20 empty looks it sleeps, and the next event (or an overflow) wakes it.
 * {@code AsyncAppender} signals its parked writer on nearly every event: at the webhook's 25-30 k
 * decisions a second that wake-up and the two context switches behind it cost ~14 µs of CPU per
 * admission review, a quarter of the whole.
 */
final class BatchingAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
  private final Appender<ILoggingEvent> target;
  private final ArrayBlockingQueue<ILoggingEvent> queue;
  private final long intervalNanos;
  private final AtomicLong dropped = new AtomicLong();
  private volatile Thread writer;

  /** The writer found nothing for a while and sleeps until an event wakes it. */
  private volatile boolean sleeping;

  /** Empty looks in a row before the writer stops looking and sleeps. */
  private static final int IDLE_LOOKS = 20;

  BatchingAppender(Appender<ILoggingEvent> target, int capacity, Duration interval) {
    this.target = target;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.intervalNanos = interval.toNanos();
  }

  int capacity() {
    return queue.size() + queue.remainingCapacity();
  }

  Duration interval() {
    return Duration.ofNanos(intervalNanos);
  }

  Appender<ILoggingEvent> target() {
    return target;
  }

  /** What the writer thread is doing (WAITING: asleep until the next event). */
  Thread.State writerState() {
    return writer.getState();
  }

  /** Events dropped because the queue was full, since the start. */
  long dropped() {
    return dropped.get();
  }

  @Override
  public void start() {
    if (isStarted()) {
      return;
    }
    super.start();
    Thread thread = new Thread(this::drain, "log-writer");
    thread.setDaemon(true);
    writer = thread;
    thread.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    event.prepareForDeferredProcessing(); // the thread name, MDC and message, taken now
    if (!queue.offer(event)) {
      dropped.incrementAndGet();
      LockSupport.unpark(writer);
    } else if (sleeping) {
      sleeping = false;
      LockSupport.unpark(writer);
    }
  }

  private void drain() {
    List<ILoggingEvent> batch = new ArrayList<>();
    long reported = 0;
    int idleLooks = 0;
    while (isStarted()) {
      // Drops counted before the drain happened after the events it takes were queued: the report
      // follows them.
      long lost = dropped.get();
      queue.drainTo(batch);
      if (batch.isEmpty() && lost == reported) {
        if (++idleLooks < IDLE_LOOKS) {
          LockSupport.parkNanos(this, intervalNanos);
        } else {
          // Quiet for a while: sleep until an event comes (the next append wakes the writer).
          sleeping = true;
          if (queue.isEmpty() && dropped.get() == reported) {
            LockSupport.park(this);
          }
          sleeping = false;
          idleLooks = 0;
        }
        continue;
      }
      idleLooks = 0;
      if (lost != reported) {
        batch.add(droppedReport(lost - reported));
        reported = lost;
      }
      write(batch);
    }
  }

  /** A log line of its own saying how many lines are missing before it. */
  private ILoggingEvent droppedReport(long count) {
    LoggingEvent event =
        new LoggingEvent(
            BatchingAppender.class.getName(),
            ((LoggerContext) getContext()).getLogger("mirrorgate.logging"),
            Level.WARN,
            "{} log lines dropped: the queue of {} was full (stderr slower than the process logs)",
            null,
            new Object[] {count, capacity()});
    event.prepareForDeferredProcessing();
    return event;
  }

  private void write(List<ILoggingEvent> batch) {
    for (ILoggingEvent event : batch) {
      target.doAppend(event);
    }
    batch.clear();
    flush();
  }

  /** A target that buffers its stream writes it out once per batch. */
  private void flush() {
    if (target instanceof OutputStreamAppender<ILoggingEvent> stream
        && stream.getOutputStream() != null) {
      try {
        stream.getOutputStream().flush();
      } catch (IOException e) {
        addError("cannot flush the log stream", e);
      }
    }
  }

  /** Stops taking events, writes what is queued, then stops the target. */
  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    Thread thread = writer;
    LockSupport.unpark(thread);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<ILoggingEvent> rest = new ArrayList<>();
    queue.drainTo(rest);
    write(rest);
    target.stop();
  }
}
