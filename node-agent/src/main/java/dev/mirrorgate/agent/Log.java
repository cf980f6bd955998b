package dev.mirrorgate.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Collection;

/** One JSON line per decision on stderr; small on purpose (no logging framework to start). */
public final class Log {

  private static final ObjectMapper JSON = new ObjectMapper();
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
    ObjectNode n = JSON.createObjectNode();
    n.put("ts", clock.instant().toString());
    n.put("level", level);
    n.put("msg", msg);
    for (int i = 0; i + 1 < kv.length; i += 2) {
      Object v = kv[i + 1];
      String k = String.valueOf(kv[i]);
      if (v instanceof Collection<?> c) {
        var arr = n.putArray(k);
        c.stream().limit(MAX_LIST).forEach(x -> arr.add(String.valueOf(x)));
        if (c.size() > MAX_LIST) {
          arr.add("... " + (c.size() - MAX_LIST) + " more");
        }
      } else if (v instanceof Number num) {
        n.put(k, num.longValue());
      } else if (v instanceof Boolean b) {
        n.put(k, b);
      } else {
        n.put(k, String.valueOf(v));
      }
    }
    out.println(n);
    out.flush();
  }
}
