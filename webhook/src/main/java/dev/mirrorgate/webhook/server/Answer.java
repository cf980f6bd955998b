package dev.mirrorgate.webhook.server;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;

/** An HTTP answer: status, content type and body. */
public record Answer(int status, String contentType, byte[] body) {
  static Answer json(byte[] body) {
    return new Answer(200, "application/json", body);
  }

  /** A 4xx/5xx whose body is {@code {"error": reason}}. */
  static Answer error(int status, String reason) {
    String quoted = new String(JsonStringEncoder.getInstance().quoteAsString(reason));
    return new Answer(
        status,
        "application/json",
        ("{\"error\":\"" + quoted + "\"}\n").getBytes(StandardCharsets.UTF_8));
  }
}
