package dev.mirrorgate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;

class JsonLoggingTest {

  static LoggerContext configured(Map<String, String> env) {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    JsonLogging logging = new JsonLogging(env);
    logging.setContext(context);
    assertThat(logging.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    return context;
  }

  @ParameterizedTest(name = "MIRRORGATE_LOG_LEVEL={0} -> {1}")
  @CsvSource(
      nullValues = "unset",
      textBlock =
          """
          unset, INFO
          DEBUG, DEBUG
          warn,  WARN
          loud,  INFO
          """)
  void theRootLevelComesFromTheEnvironment(String value, String expected) {
    Map<String, String> env = value == null ? Map.of() : Map.of("MIRRORGATE_LOG_LEVEL", value);
    LoggerContext context = configured(env);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel())
        .isEqualTo(Level.toLevel(expected));
    assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.vertx").getLevel()).isEqualTo(Level.INFO);
  }

  @org.junit.jupiter.api.Test
  void oneJsonObjectPerLineOnStderrThroughANonBlockingQueue() throws Exception {
    LoggerContext context = configured(Map.of());
    var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    BatchingAppender async = (BatchingAppender) root.getAppender("ASYNC");
    assertThat(async.capacity()).isEqualTo(JsonLogging.QUEUE_SIZE);
    assertThat(async.interval()).isEqualTo(JsonLogging.WRITE_INTERVAL);
    OutputStreamAppender<ILoggingEvent> console =
        (OutputStreamAppender<ILoggingEvent>) async.target();
    assertThat(console.isImmediateFlush()).isFalse(); // the batching appender flushes per batch

    var encoder = console.getEncoder();
    assertThat(encoder).isInstanceOf(JsonLogging.LineEncoder.class);
    LoggingEvent event =
        new LoggingEvent(
            getClass().getName(), root, Level.INFO, "admitted {}", null, new Object[] {"pod"});
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertThat(line).endsWith("\n").doesNotContain("\n\n");
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.path("message").asText()).isEqualTo("admitted pod");
    assertThat(json.path("level").asText()).isEqualTo("INFO");
    assertThat(json.has("@timestamp")).isTrue();
    assertThat(json.has("level_value")).isFalse();
    assertThat(json.has("@version")).isFalse();
    assertThat(json.has("caller_class_name")).isFalse();
    context.stop();
  }

  @ParameterizedTest(name = "{0} with {1}: {2}")
  @CsvSource(
      textBlock =
          """
          io.kubernetes.client.informer.cache.Controller, interrupted, DENY
          io.kubernetes.client.extended.leaderelection.LeaderElector, interrupted, DENY
          io.kubernetes.client.informer.cache.Controller, failure, NEUTRAL
          dev.mirrorgate.webhook.controller.ReconcileLoop, interrupted, NEUTRAL
          """)
  void onlyClientJavasInterruptedShutdownLinesAreDropped(
      String logger, String throwable, String reply) {
    LoggerContext context = configured(Map.of());
    Throwable t =
        "interrupted".equals(throwable)
            ? new InterruptedException()
            : new IllegalStateException("broken");
    assertThat(
            context
                .getTurboFilterList()
                .getTurboFilterChainDecision(
                    null, context.getLogger(logger), Level.ERROR, "failed", null, t))
        .hasToString(reply);
  }
}
