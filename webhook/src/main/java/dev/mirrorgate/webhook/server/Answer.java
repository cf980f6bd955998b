package dev.mirrorgate.webhook.server;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.mirrorgate.webhook.admission.Quoted;
import java.nio.charset.StandardCharsets;

/** An HTTP answer: status, content type, body, and {@code Retry-After} seconds (0: none). */
public record Answer(int status, String contentType, byte[] body, int retryAfterSeconds) {
  static Answer json(byte[] body) {
    return new Answer(200, "application/json", body, 0);
  }

  /** A 4xx/5xx whose body is {@code {"error": reason}}. */
  static Answer error(int status, String reason) {
    String quoted = new String(JsonStringEncoder.getInstance().quoteAsString(reason));
    return new Answer(
        status,
        "application/json",
        ("{\"error\":\"" + quoted + "\"}\n").getBytes(StandardCharsets.UTF_8),
        0);
  }

  Answer retryAfter(int seconds) {
    return new Answer(status, contentType, body, seconds);
  }

  /** A client-supplied value fit for an answer or a log line: short, without control bytes. */
  static String clip(String value) {
    return Quoted.clip(value);
  }
}
