package dev.mirrorgate.webhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.webhook.Main;
import dev.mirrorgate.webhook.TestResources;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ExplainCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  private List<JsonNode> lines() throws Exception {
    List<JsonNode> nodes = new java.util.ArrayList<>();
    for (String line : out.toString().split("\n")) {
      nodes.add(JSON.readTree(line));
    }
    return nodes;
  }

  @Test
  void explainsEachImageInOrder() throws Exception {
    String mapping = TestResources.path("mutation/mapping.yaml").toString();
    int status =
        run(
            "explain",
            "--mapping",
            mapping,
            "--",
            "nginx:1.25",
            "quay.io/private/x",
            "ghcr.io/acme/app");

    assertThat(status).isZero();
    List<JsonNode> lines = lines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).path("image").asText()).isEqualTo("nginx:1.25");
    assertThat(lines.get(0).path("normalized").asText()).isEqualTo("docker.io/library/nginx:1.25");
    assertThat(lines.get(0).path("rewritten").asText())
        .isEqualTo("m.local:5000/dockerhub/library/nginx:1.25");
    assertThat(lines.get(0).path("rule").asText()).contains("docker.io");
    assertThat(lines.get(1).path("rewritten").isNull()).isTrue();
    assertThat(lines.get(1).path("rule").isNull()).isTrue();
    assertThat(lines.get(1).path("reason").asText()).isEqualTo("excluded");
    assertThat(lines.get(2).path("rewritten").asText()).isEqualTo("localhost:5000/acme/app");
  }

  @Test
  void invalidImagesGiveAnErrorLineAndAFailingStatus() throws Exception {
    int status = run("explain", "nginx", "Not/Valid", "redis");

    assertThat(status).isEqualTo(1);
    List<JsonNode> lines = lines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).path("rewritten").isNull())
        .as("no mapping: nothing rewritten")
        .isTrue();
    assertThat(lines.get(1).path("image").asText()).isEqualTo("Not/Valid");
    assertThat(lines.get(1).path("error").asText()).isNotBlank();
    assertThat(lines.get(2).path("normalized").asText())
        .isEqualTo("docker.io/library/redis:latest");
  }

  @Test
  void aBrokenMappingIsReportedWithStatus2(@TempDir Path dir) throws Exception {
    Path mapping =
        Files.writeString(dir.resolve("mapping.yaml"), "mirrors: [ {source: docker.io} ]\n");
    int status = run("explain", "--mapping", mapping.toString(), "nginx");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains(mapping.toString());
    assertThat(out.toString()).isEmpty();
  }
}
