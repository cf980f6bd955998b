package dev.mirrorgate.webhook.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.webhook.mutation.ImageRewrite;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RewritesJsonTest {
  @Test
  void rendersValidJsonWithEscaping() throws Exception {
    String json =
        RewritesJson.of(
            List.of(
                new ImageRewrite(
                    "a\"b",
                    "spec.containers[0].image",
                    "nginx",
                    "m.local/x/nginx",
                    "docker.io => m.local/x"),
                new ImageRewrite("c", "spec.initContainers[0].image", "busy\\box", "y", "r")));
    List<Object> parsed =
        new ObjectMapper()
            .readValue(json, new com.fasterxml.jackson.core.type.TypeReference<List<Object>>() {});
    assertThat(parsed)
        .containsExactly(
            Map.of(
                "container",
                "a\"b",
                "from",
                "nginx",
                "to",
                "m.local/x/nginx",
                "rule",
                "docker.io => m.local/x"),
            Map.of("container", "c", "from", "busy\\box", "to", "y", "rule", "r"));
    assertThat(RewritesJson.of(List.of())).isEqualTo("[]");
  }
}
