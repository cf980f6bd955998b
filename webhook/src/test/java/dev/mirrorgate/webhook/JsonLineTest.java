package dev.mirrorgate.webhook;

import static net.logstash.logback.argument.StructuredArguments.kv;
import static net.logstash.logback.argument.StructuredArguments.raw;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A {@link JsonLine} is byte for byte the line logback's JSON encoder writes for the same event.
 */
class JsonLineTest {
  private static final LoggerContext CONTEXT = context();
  private static final Encoder<ILoggingEvent> LOGSTASH = JsonLogging.encoder(CONTEXT);
  private static final Logger LOG = CONTEXT.getLogger("mirrorgate.admission");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LoggerContext context() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    return context;
  }

  /** The field names of a line's object, in order. */
  private static final class FieldNames {
    static List<String> of(String line) throws Exception {
      List<String> names = new ArrayList<>();
      JSON.readTree(line).fieldNames().forEachRemaining(names::add);
      return names;
    }
  }

  record Decision(
      Instant at,
      String thread,
      String uid,
      String namespace,
      boolean dryRun,
      String reason,
      List<List<String>> rewrites,
      List<String> warnings,
      String mapping,
      long micros) {}

  static Stream<Arguments> decisions() {
    return Stream.of(
        Arguments.of(
            new Decision(
                Instant.parse("2026-11-26T01:58:12.562932694Z"),
                "vert.x-eventloop-thread-0",
                "b93dae72-3b8f-4ab1-8f7f-61d1692380c1",
                "shop",
                false,
                null,
                List.of(
                    List.of(
                        "app",
                        "nginx:1.27",
                        "m.local:5000/dockerhub/library/nginx:1.27",
                        "docker.io => m.local:5000/dockerhub"),
                    List.of("web", "ghcr.io/a/b:v2", "localhost:5000/a/b:v2", "ghcr.io/a => x")),
                List.of(),
                "73f63276701c",
                598)),
        Arguments.of(
            new Decision(
                Instant.parse("1999-01-02T03:04:05Z"),
                "mirrorgate-body",
                "",
                "",
                true,
                "no mapping loaded yet",
                List.of(),
                List.of("one", "two"),
                null,
                0)),
        Arguments.of(
            new Decision(
                Instant.parse("2026-06-30T23:59:59.5Z"),
                "main",
                "quote\" back\\slash \n\t\r\b\f \u0001\u001f é 中 \uD83D\uDE00 <>&'",
                "ns-\u007f",
                false,
                "a \"reason\"",
                List.of(List.of("c\"", "f\\", "t\n", "r\u00e9")),
                List.of("mirrorgate: \"x\" is not an image\u0000"),
                "v",
                Long.MAX_VALUE)),
        Arguments.of(plain("2026-06-30T23:59:59.000000100Z", 12)),
        Arguments.of(plain("2026-06-30T23:59:59.120Z", -1)));
  }

  /** A decision with nothing but its time (the fraction's forms) and duration. */
  private static Decision plain(String at, long micros) {
    return new Decision(
        Instant.parse(at), "t", "u", "n", false, null, List.of(), List.of(), "m", micros);
  }

  @ParameterizedTest
  @MethodSource("decisions")
  void isTheLineLogbackWrites(Decision d) throws Exception {
    List<Map<String, String>> rewrites = new ArrayList<>();
    for (List<String> r : d.rewrites()) {
      Map<String, String> object = new LinkedHashMap<>();
      object.put("container", r.get(0));
      object.put("from", r.get(1));
      object.put("to", r.get(2));
      object.put("rule", r.get(3));
      rewrites.add(object);
    }
    LoggingEvent event =
        new LoggingEvent(
            Logger.FQCN,
            LOG,
            Level.INFO,
            "admission {}",
            null,
            new Object[] {
              "patched",
              kv("uid", d.uid()),
              kv("namespace", d.namespace()),
              kv("dryRun", d.dryRun()),
              kv("reason", d.reason()),
              raw("rewrites", JSON.writeValueAsString(rewrites)),
              kv("warnings", d.warnings()),
              kv("mapping", d.mapping()),
              kv("micros", d.micros())
            });
    event.setInstant(d.at());
    event.setThreadName(d.thread());
    String expected = new String(LOGSTASH.encode(event), StandardCharsets.UTF_8);

    JsonLine line =
        new JsonLine(LOG, Level.INFO, "admission patched", d.at(), d.thread())
            .field("uid", d.uid())
            .field("namespace", d.namespace())
            .field("dryRun", d.dryRun())
            .field("reason", d.reason())
            .openArray("rewrites");
    for (List<String> r : d.rewrites()) {
      line.openObject(null)
          .field("container", r.get(0))
          .field("from", r.get(1))
          .field("to", r.get(2))
          .field("rule", r.get(3))
          .closeObject();
    }
    line.closeArray()
        .field("warnings", d.warnings())
        .field("mapping", d.mapping())
        .field("micros", d.micros());

    String actual = new String(line.bytes(), StandardCharsets.UTF_8);
    // The same object, fields in the same order, one per line ...
    assertThat(JSON.readTree(actual)).isEqualTo(JSON.readTree(expected));
    assertThat(FieldNames.of(actual)).isEqualTo(FieldNames.of(expected));
    assertThat(actual).endsWith("}" + System.lineSeparator());
    // ... and byte for byte, but for escapes Jackson spells otherwise (upper-case hex, characters
    // beyond the BMP as two escapes instead of their four UTF-8 bytes): the same strings.
    if (!expected.contains("\\u")) {
      assertThat(actual).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @MethodSource("decisions")
  void goesThroughTheLoggersAppendersAsItIs(Decision d) {
    LoggerContext context = context();
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.setContext(context);
    appender.start();
    Logger logger = context.getLogger("mirrorgate.admission");
    logger.addAppender(appender);
    JsonLine line =
        new JsonLine(logger, Level.INFO, "admission skipped", d.at(), d.thread())
            .field("uid", d.uid());
    line.log();
    assertThat(appender.list).hasSize(1);
    ILoggingEvent logged = appender.list.get(0);
    assertThat(logged.getFormattedMessage()).isEqualTo("admission skipped");
    assertThat(logged.getThreadName()).isEqualTo(d.thread());
    assertThat(logged.getInstant()).isEqualTo(d.at());
    assertThat(new String(JsonLogging.encoder(context).encode(logged), StandardCharsets.UTF_8))
        .startsWith("{\"@timestamp\":\"")
        .contains("\"message\":\"admission skipped\"")
        .endsWith("}" + System.lineSeparator());
  }
}
