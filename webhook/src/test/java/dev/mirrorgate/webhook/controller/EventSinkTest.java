package dev.mirrorgate.webhook.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventSinkTest {

  private static ObjectNode event(String uid, String type, String reason, String message) {
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    event.putObject("involvedObject").put("uid", uid);
    return event.put("type", type).put("reason", reason).put("message", message);
  }

  @Test
  void eventsWaitingTogetherAboutOneObjectAndReasonBecomeOneInOrder() {
    List<ObjectNode> merged =
        EventSink.merge(
            List.of(
                event("a", "Normal", "Created", "Created Service s"),
                event("b", "Normal", "Created", "Created Service t"),
                event("a", "Normal", "Created", "Created Secret s-tls"),
                event("a", "Warning", "Created", "odd"),
                event("a", "Normal", "Updated", "Updated ConfigMap c"),
                event("a", "Normal", "Created", "Created StatefulSet s")));

    assertThat(merged)
        .extracting(
            e ->
                e.at("/involvedObject/uid").asText()
                    + " "
                    + e.path("type").asText()
                    + " "
                    + e.path("reason").asText()
                    + ": "
                    + e.path("message").asText())
        .containsExactly(
            "a Normal Created: Created Service s; Created Secret s-tls; Created StatefulSet s",
            "b Normal Created: Created Service t",
            "a Warning Created: odd",
            "a Normal Updated: Updated ConfigMap c");
  }

  @Test
  void aMergedMessageStaysWithinTheEventLimit() {
    String half = "x".repeat(800);
    ObjectNode merged =
        EventSink.merge(
                List.of(
                    event("a", "Normal", "Created", half), event("a", "Normal", "Created", half)))
            .get(0);

    assertThat(merged.path("message").asText().length())
        .isLessThanOrEqualTo(dev.mirrorgate.common.kube.EventMessages.MAX_MESSAGE);
    assertThat(merged.path("message").asText()).startsWith(half + "; x");
  }
}
