package dev.mirrorgate.common.kube;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The rules for core/v1 Events that do not depend on a client: message length and joining, and
 * unique names. Shared by the webhook's {@code dev.mirrorgate.webhook.kube.EventRecorder}
 * (client-java) and the node agent's own small client.
 */
public final class EventMessages {

  /**
   * The API server keeps longer messages, but tools show about this much; events.k8s.io caps it.
   */
  public static final int MAX_MESSAGE = 1024;

  private EventMessages() {}

  /**
   * Joins {@code errors} into one message of at most {@link #MAX_MESSAGE} characters; what does not
   * fit is counted ("and 3 more (see the log)").
   */
  public static String joinErrors(List<String> errors) {
    String all = String.join("; ", errors);
    if (all.length() <= MAX_MESSAGE) {
      return all;
    }
    StringBuilder message = new StringBuilder();
    for (int i = 0; i < errors.size(); i++) {
      String next = (i == 0 ? "" : "; ") + errors.get(i);
      String suffix = "; and " + (errors.size() - i) + " more (see the log)";
      if (message.length() + next.length() + suffix.length() > MAX_MESSAGE) {
        if (i == 0) { // the first error alone is too long: cut it
          String rest =
              errors.size() == 1 ? "" : "; and " + (errors.size() - 1) + " more (see the log)";
          return next.substring(0, MAX_MESSAGE - rest.length() - 1) + "…" + rest;
        }
        return message.append(suffix).toString();
      }
      message.append(next);
    }
    return message.toString();
  }

  /** {@code message}, cut to {@link #MAX_MESSAGE} characters with an ellipsis when longer. */
  public static String truncate(String message) {
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 1) + "…";
  }

  /**
   * A name no other Event has, as client-go's recorder makes them: the object's name, a dot, the
   * time in hexadecimal milliseconds and a random suffix.
   */
  public static String eventName(String objectName, long epochMillis) {
    return objectName
        + "."
        + HexFormat.of().toHexDigits(epochMillis)
        + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
  }
}
