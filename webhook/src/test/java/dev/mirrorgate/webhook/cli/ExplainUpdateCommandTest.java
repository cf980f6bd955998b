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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code explain-update}, run in-process on the fixtures under {@code explain-update/}. */
class ExplainUpdateCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  private static String fixture(String name) {
    return TestResources.path("explain-update/" + name).toString();
  }

  private List<JsonNode> lines() throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      if (!line.isEmpty()) {
        nodes.add(JSON.readTree(line));
      }
    }
    return nodes;
  }

  private static List<String> keys(JsonNode line) {
    List<String> keys = new ArrayList<>();
    for (Iterator<String> it = line.fieldNames(); it.hasNext(); ) {
      keys.add(it.next());
    }
    return keys;
  }

  @Test
  void onePerContainerThenInitContainersWithTheContractsFields() throws Exception {
    int status =
        run(
            "explain-update",
            "-f",
            fixture("deployment.yaml"),
            "--pushed",
            "ghcr.io/acme/shop:1.3.0@" + B,
            "--pushed",
            "ghcr.io/acme/shop:2.0.0",
            "--pushed",
            "localhost:5000/api:2.2.0",
            "--pushed",
            "localhost/api:2.9.0",
            "--pushed",
            "ghcr.io/acme/migrate:1.0.1@" + A);

    assertThat(status).as(err.toString()).isZero();
    List<JsonNode> lines = lines();
    assertThat(lines).hasSize(4);
    for (JsonNode line : lines) {
      assertThat(keys(line))
          .containsExactly("container", "image", "policy", "trigger", "update", "reason");
    }
    assertThat(lines)
        .extracting(l -> l.get("container").asText())
        .containsExactly("web", "api", "istio-proxy", "migrate");

    JsonNode web = lines.get(0);
    assertThat(web.get("image").asText()).isEqualTo("ghcr.io/acme/shop:1.2.3");
    assertThat(web.get("policy").asText()).isEqualTo("mirrorgate.dev/policy.web=semver:^1.2");
    assertThat(web.get("trigger").asText()).isEqualTo("push");
    assertThat(web.get("update").asText()).isEqualTo("ghcr.io/acme/shop:1.3.0@" + B);
    assertThat(web.get("reason").asText()).contains("2.0.0 (outside ^1.2)");

    JsonNode api = lines.get(1);
    assertThat(api.get("policy").asText()).isEqualTo("keel.sh/policy=minor");
    assertThat(api.get("update").asText())
        .as("ports count: localhost/api is another repository")
        .isEqualTo("localhost:5000/api:2.2.0");

    JsonNode sidecar = lines.get(2);
    assertThat(sidecar.get("policy").isNull()).isTrue();
    assertThat(sidecar.get("trigger").isNull()).isTrue();
    assertThat(sidecar.get("update").isNull()).isTrue();
    assertThat(sidecar.get("reason").asText()).contains("keel.sh/monitorContainers");

    JsonNode migrate = lines.get(3);
    assertThat(migrate.get("update").asText()).isEqualTo("ghcr.io/acme/migrate:1.0.1@" + A);
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void nothingPushedMeansNoUpdateWithAReason() throws Exception {
    int status = run("explain-update", "-f", fixture("deployment.yaml"));

    assertThat(status).isZero();
    List<JsonNode> lines = lines();
    assertThat(lines).hasSize(4);
    assertThat(lines).allSatisfy(l -> assertThat(l.get("update").isNull()).isTrue());
    assertThat(lines.get(0).get("reason").asText())
        .isEqualTo("nothing pushed to ghcr.io/acme/shop");
  }

  @Test
  void pollTriggeredContainersLookAtTheListedTags() throws Exception {
    int status =
        run(
            "explain-update",
            "-f",
            fixture("cronjob-poll.yaml"),
            "--available",
            "registry.example/report:1.0.0@" + A,
            "--available",
            "registry.example/report:latest@" + B);

    assertThat(status).isZero();
    JsonNode report = lines().get(0);
    assertThat(report.get("trigger").asText()).isEqualTo("poll");
    assertThat(report.get("policy").asText()).isEqualTo("keel.sh/policy=force");
    assertThat(report.get("update").asText()).isEqualTo("registry.example/report:latest@" + B);
    assertThat(report.get("reason").asText()).contains("a new digest of the running tag");
  }

  @Test
  void theSameDigestListedIsNoUpdate() throws Exception {
    run(
        "explain-update",
        "-f",
        fixture("cronjob-poll.yaml"),
        "--available",
        "registry.example/report:latest@" + A);

    JsonNode report = lines().get(0);
    assertThat(report.get("update").isNull()).isTrue();
    assertThat(report.get("reason").asText()).startsWith("already runs latest@sha256:");
  }

  @Test
  void openShiftTriggers() throws Exception {
    int status =
        run(
            "explain-update",
            "-f",
            fixture("openshift.yaml"),
            "--pushed",
            "quay.io/acme/db:15@" + B,
            "--pushed",
            "quay.io/acme/exporter:0.16.0@" + A);

    assertThat(status).isZero();
    List<JsonNode> lines = lines();
    assertThat(lines.get(0).get("policy").asText()).isEqualTo("image.openshift.io/triggers");
    assertThat(lines.get(0).get("update").asText()).isEqualTo("quay.io/acme/db:15@" + B);
    assertThat(lines.get(1).get("update").isNull()).isTrue();
    assertThat(lines.get(1).get("reason").asText()).contains("ImageStream API");
  }

  @Test
  void argoosLabelsAndHostPortImages() throws Exception {
    run(
        "explain-update",
        "-f",
        fixture("argoos.yaml"),
        "--pushed",
        "localhost:5000/app:1.2.4",
        "--pushed",
        "localhost:5000/app:1.3.0");

    JsonNode app = lines().get(0);
    assertThat(app.get("policy").asText()).isEqualTo("argoos.io/policy=patch");
    assertThat(app.get("update").asText()).isEqualTo("localhost:5000/app:1.2.4");
    assertThat(app.get("reason").asText()).contains("1.3.0 (a minor update)");
  }

  @Test
  void unreadableAnnotationsLeaveTheWorkloadAloneAndAreAllReported() throws Exception {
    int status =
        run(
            "explain-update",
            "-f",
            fixture("bad-annotations.yaml"),
            "--pushed",
            "ghcr.io/acme/agent:1.0.1");

    assertThat(status).isZero();
    JsonNode agent = lines().get(0);
    assertThat(agent.get("update").isNull()).isTrue();
    assertThat(agent.get("reason").asText()).startsWith("left alone until fixed: ");
    assertThat(err.toString().lines())
        .hasSize(3)
        .anySatisfy(l -> assertThat(l).contains("invalid keel.sh/pollSchedule: \"@every 5x\""))
        .anySatisfy(l -> assertThat(l).contains("invalid keel.sh/approvals: \"two\""))
        .anySatisfy(l -> assertThat(l).contains("invalid keel.sh/policy: \"regexp:([\""));
  }

  @Test
  void aFileThatIsNotAWorkloadExitsWith2() {
    int status = run("explain-update", "-f", fixture("service.yaml"));

    assertThat(status).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).contains("service.yaml").contains("kind Service is not a workload");
  }

  @Test
  void severalDocumentsOrNoneOrBrokenYamlOrAMissingFileExitWith2(@TempDir Path dir)
      throws Exception {
    Path two =
        Files.writeString(
            dir.resolve("two.yaml"),
            Files.readString(Path.of(fixture("argoos.yaml")))
                + "\n---\n"
                + Files.readString(Path.of(fixture("argoos.yaml"))));
    Path empty = Files.writeString(dir.resolve("empty.yaml"), "# nothing\n");
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "kind: [Deployment\n");

    assertThat(run("explain-update", "-f", two.toString())).isEqualTo(2);
    assertThat(run("explain-update", "-f", empty.toString())).isEqualTo(2);
    assertThat(run("explain-update", "-f", broken.toString())).isEqualTo(2);
    assertThat(run("explain-update", "-f", dir.resolve("absent.yaml").toString())).isEqualTo(2);

    assertThat(err.toString())
        .contains("holds 2 documents")
        .contains("holds 0 documents")
        .contains("not valid YAML")
        .contains("cannot read");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void anInvalidReferenceIsAUsageError() {
    int status = run("explain-update", "-f", fixture("argoos.yaml"), "--pushed", "Not/Valid:1.0");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString())
        .contains("--pushed Not/Valid:1.0: repository name must be lowercase");
    assertThat(out.toString()).isEmpty();
  }
}
