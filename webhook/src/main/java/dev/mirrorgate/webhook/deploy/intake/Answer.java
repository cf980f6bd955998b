package dev.mirrorgate.webhook.deploy.intake;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * An answer of the intake: status, extra headers and a JSON body. Every answer is built here: 202
 * with a summary once accepted, else {@code {"error": "..."}} saying what was wrong.
 *
 * @param status the HTTP status
 * @param reason what was wrong ("" when accepted): the body's {@code error}, and the log's reason
 * @param headers headers besides {@code Content-Type} ({@code Retry-After}, {@code Allow}, {@code
 *     WWW-Authenticate})
 * @param body the JSON body
 */
public record Answer(int status, String reason, Map<String, String> headers, byte[] body) {
  /** How long a sender should wait before retrying while the intake cannot take events. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  public Answer {
    headers = Map.copyOf(headers);
  }

  /** 202: the events are taken (work happens after the answer). */
  static Answer accepted(int accepted, int ignored, int duplicates) {
    return new Answer(
        202,
        "",
        Map.of(),
        ("{\"accepted\":"
                + accepted
                + ",\"ignored\":"
                + ignored
                + ",\"duplicates\":"
                + duplicates
                + "}\n")
            .getBytes(StandardCharsets.UTF_8));
  }

  /** 400: the body is not the payload its endpoint takes. */
  static Answer malformed(String reason) {
    return error(400, reason, Map.of());
  }

  /** 401: no token, or a token that is not in the Secret. */
  static Answer unauthorized(String reason) {
    return error(401, reason, Map.of("WWW-Authenticate", "Bearer realm=\"mirrorgate\""));
  }

  /** 405: the endpoints take POST only. */
  static Answer methodNotAllowed(String method) {
    return error(405, "method " + method + " is not allowed: POST only", Map.of("Allow", "POST"));
  }

  /** 413: the body is over {@code limit} bytes. */
  static Answer tooLarge(long limit) {
    return error(413, "request body exceeds " + (limit / (1024 * 1024)) + " MiB", Map.of());
  }

  /** 415: a body the intake cannot read as sent (a compressed one). */
  static Answer unsupportedEncoding(String encoding) {
    return error(
        415,
        "Content-Encoding \"" + encoding + "\" is not supported: send the body uncompressed",
        Map.of());
  }

  /** 503 with {@code Retry-After}: the intake cannot take events now; the sender retries. */
  static Answer unavailable(String reason) {
    return error(503, reason, Map.of("Retry-After", Long.toString(RETRY_AFTER.toSeconds())));
  }

  private static Answer error(int status, String reason, Map<String, String> headers) {
    String quoted = new String(JsonStringEncoder.getInstance().quoteAsString(reason));
    return new Answer(
        status,
        reason,
        headers,
        ("{\"error\":\"" + quoted + "\"}\n").getBytes(StandardCharsets.UTF_8));
  }

  public boolean accepted() {
    return status == 202;
  }
}
