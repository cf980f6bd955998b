package dev.mirrorgate.webhook;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.hook.DefaultShutdownHook;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.time.Duration;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.Logger;

/**
 * The webhook's logging, configured in code (found by logback through {@code META-INF/services})
 * instead of a {@code logback.xml}: parsing XML loads ~400 classes (logback's Joran and the JDK's
 * XML parser), about 4 MiB of a process that answers in microseconds.
 *
 * <p>One JSON object per line on stderr (stdout stays clean for {@code explain}'s output). A {@link
 * BatchingAppender} keeps logging off the event loop; when its queue is full it drops (and says so)
 * rather than block admission. {@code MIRRORGATE_LOG_LEVEL} sets the root level (default INFO).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class JsonLogging extends ContextAwareBase implements Configurator {

  /**
   * Events waiting for stderr. Part of the memory model: a queued event holds its arguments (about
   * 1-2 KiB for an admission line), so 8,192 of them could pin over 10 MiB of the 32 MiB heap while
   * stderr is slow; 1,024 absorb 40 ms of the benchmark's 25 k lines/s and pin at most ~2 MiB.
   */
  static final int QUEUE_SIZE = 1024;

  /**
   * How often the writer looks for queued events: lines reach stderr at most this late; 1,024 per
   * 10 ms is 100 k lines a second before any is dropped.
   */
  static final Duration WRITE_INTERVAL = Duration.ofMillis(10);

  /** Bytes of log lines gathered for one write to stderr (a batch flushes it too). */
  static final int STDERR_BUFFER = 64 * 1024;

  private final Map<String, String> environment;

  public JsonLogging() {
    this(System.getenv());
  }

  JsonLogging(Map<String, String> environment) {
    this.environment = environment;
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    Encoder<ILoggingEvent> encoder = encoder(context);

    // stderr through a buffer the batching appender flushes after each batch: one write for many
    // lines (ConsoleAppender's System.err flushes, so writes, every line).
    OutputStreamAppender<ILoggingEvent> console = new OutputStreamAppender<>();
    console.setContext(context);
    console.setName("JSON");
    console.setOutputStream(
        new BufferedOutputStream(new FileOutputStream(FileDescriptor.err), STDERR_BUFFER));
    console.setImmediateFlush(false);
    console.setEncoder(encoder);
    console.start();

    BatchingAppender async = new BatchingAppender(console, QUEUE_SIZE, WRITE_INTERVAL);
    async.setContext(context);
    async.setName("ASYNC");
    async.start();

    context.addTurboFilter(new ClientShutdownNoise());
    context.getLogger("io.netty").setLevel(Level.WARN);
    context.getLogger("io.vertx").setLevel(Level.INFO);
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(rootLevel());
    root.addAppender(async);

    // Flush the async queue when the JVM exits, so that a failing start still says why.
    DefaultShutdownHook hook = new DefaultShutdownHook();
    hook.setContext(context);
    Runtime.getRuntime().addShutdownHook(new Thread(hook, "logback-shutdown"));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * Every line's encoder: logstash's JSON, in UTC, one object per line; a {@link JsonLine} comes
   * encoded already (the same form, made on the hot path) and is passed on as it is.
   */
  static Encoder<ILoggingEvent> encoder(LoggerContext context) {
    LogstashEncoder json = new LogstashEncoder();
    json.setContext(context);
    json.setIncludeCallerData(false);
    json.setTimeZone("UTC");
    json.getFieldNames().setLevelValue("[ignore]");
    json.getFieldNames().setVersion("[ignore]");
    // One buffer that holds a whole line (an admission decision's is 1-2 KB): with the default
    // 1 KiB, every longer line allocated and dropped another buffer. Only the appender's one thread
    // ever holds it.
    json.setMinBufferSize(8 * 1024);
    json.start();
    LineEncoder encoder = new LineEncoder(json);
    encoder.setContext(context);
    encoder.start();
    return encoder;
  }

  /** Passes {@link JsonLine}s through; every other event is encoded by logstash's encoder. */
  static final class LineEncoder extends EncoderBase<ILoggingEvent> {
    private final Encoder<ILoggingEvent> json;

    LineEncoder(Encoder<ILoggingEvent> json) {
      this.json = json;
    }

    @Override
    public byte[] headerBytes() {
      return json.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
      return event instanceof JsonLine.Encoded line ? line.bytes() : json.encode(event);
    }

    @Override
    public byte[] footerBytes() {
      return json.footerBytes();
    }

    @Override
    public void stop() {
      json.stop();
      super.stop();
    }
  }

  /**
   * client-java's informers and leader elector log an ERROR with a stack trace when their threads
   * are interrupted, which is how they are stopped: at every shutdown, nothing wrong. Those lines
   * (an {@link InterruptedException} from {@code io.kubernetes.client}) are dropped; every other
   * line of the library stays.
   */
  static final class ClientShutdownNoise extends ch.qos.logback.classic.turbo.TurboFilter {
    @Override
    public ch.qos.logback.core.spi.FilterReply decide(
        org.slf4j.Marker marker,
        ch.qos.logback.classic.Logger logger,
        Level level,
        String format,
        Object[] params,
        Throwable t) {
      boolean interrupted =
          t instanceof InterruptedException
              || (params != null
                  && params.length > 0
                  && params[params.length - 1] instanceof InterruptedException);
      return interrupted && logger.getName().startsWith("io.kubernetes.client")
          ? ch.qos.logback.core.spi.FilterReply.DENY
          : ch.qos.logback.core.spi.FilterReply.NEUTRAL;
    }
  }

  /** {@code MIRRORGATE_LOG_LEVEL}, INFO when unset; an unknown name falls back to INFO too. */
  Level rootLevel() {
    return Level.toLevel(environment.getOrDefault("MIRRORGATE_LOG_LEVEL", "INFO"), Level.INFO);
  }
}
