package dev.mirrorgate.agent;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Collection;

/**
 * One JSON line per decision on stderr. Small on purpose: Jackson's streaming generator, no logging
 * framework and no databind, to keep the agent's memory footprint down.
 */
public final class Log {

  private static final JsonFactory JSON = new JsonFactory();
  private static final int MAX_LIST = 20;

  private final PrintStream out;
  private final Clock clock;

  public Log(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  public void info(String msg, Object... keyValues) {
    line("info", msg, keyValues);
  }

  public void warn(String msg, Object... keyValues) {
    line("warn", msg, keyValues);
  }

  public void error(String msg, Object... keyValues) {
    line("error", msg, keyValues);
  }

  private synchronized void line(String level, String msg, Object[] kv) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("ts", clock.instant().toString());
      g.writeStringField("level", level);
      g.writeStringField("msg", msg);
      for (int i = 0; i + 1 < kv.length; i += 2) {
        g.writeFieldName(String.valueOf(kv[i]));
        write(g, kv[i + 1]);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.println(w);
    out.flush();
  }

  private static void write(JsonGenerator g, Object v) throws IOException {
    if (v instanceof Collection<?> c) {
      g.writeStartArray();
      int n = 0;
      for (Object x : c) {
        if (n++ == MAX_LIST) {
          g.writeString("... " + (c.size() - MAX_LIST) + " more");
          break;
        }
        g.writeString(String.valueOf(x));
      }
      g.writeEndArray();
    } else if (v instanceof Number num) {
      g.writeNumber(num.longValue());
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else {
      g.writeString(String.valueOf(v));
    }
  }
}
