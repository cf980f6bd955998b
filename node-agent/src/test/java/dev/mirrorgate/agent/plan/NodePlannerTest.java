package dev.mirrorgate.agent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import dev.mirrorgate.common.mirrors.MirrorsDocumentParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: each directory under {@code src/test/resources/golden} holds a {@code
 * mirrors.yaml}, an optional {@code outputs} (comma separated) and the {@code expected} tree; the
 * hosts block is {@code expected/etc/hosts.block}. Run with {@code -Dgolden.update=true} to rewrite
 * them.
 */
class NodePlannerTest {

  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final TomlMapper TOML = new TomlMapper();

  static Stream<String> cases() throws IOException {
    try (Stream<Path> s = Files.list(GOLDEN)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void planMatchesGoldenFiles(String name) throws Exception {
    Path dir = GOLDEN.resolve(name);
    NodePlan plan = NodePlanner.plan(read(dir.resolve("mirrors.yaml")), outputs(dir));
    SortedMap<String, String> actual = new TreeMap<>();
    plan.files().forEach((k, v) -> actual.put(k, new String(v, StandardCharsets.UTF_8)));
    plan.hostsBlock().ifPresent(b -> actual.put("etc/hosts.block", HostsFile.renderBlock(b)));
    Path expectedDir = dir.resolve("expected");
    if (Boolean.getBoolean("golden.update")) {
      write(expectedDir, actual);
    }
    assertThat(actual).isEqualTo(readTree(expectedDir));
  }

  @Test
  void producedTomlParsesAndSaysWhatContainerdNeeds() throws Exception {
    NodePlan plan = NodePlanner.plan(read(GOLDEN.resolve("full/mirrors.yaml")), Output.all());

    JsonNode upstream = toml(plan, "etc/containerd/certs.d/docker.io/hosts.toml");
    assertThat(upstream.path("server").asText()).isEqualTo("https://registry-1.docker.io");
    JsonNode host = upstream.path("host").path("https://10.96.0.15");
    assertThat(host.path("capabilities").toString()).isEqualTo("[\"pull\",\"resolve\"]");
    assertThat(host.path("ca").asText()).isEqualTo("mirrorgate-ca.crt");
    assertThat(plan.files()).containsKey("etc/containerd/certs.d/docker.io/mirrorgate-ca.crt");

    JsonNode own = toml(plan, "etc/containerd/certs.d/mirror-docker.io/hosts.toml");
    assertThat(own.path("server").asText()).isEqualTo("https://mirror-docker.io");
    assertThat(own.path("ca").asText()).isEqualTo("mirrorgate-ca.crt");

    JsonNode conf = toml(plan, RegistriesConfRenderer.DROP_IN);
    assertThat(conf.path("registry")).hasSize(2);
    JsonNode first = conf.path("registry").get(0);
    assertThat(first.path("prefix").asText()).isEqualTo("docker.io");
    assertThat(first.path("mirror").get(0).path("location").asText()).isEqualTo("10.96.0.15");
    assertThat(first.path("mirror").get(0).path("insecure").asBoolean()).isFalse();
    JsonNode second = conf.path("registry").get(1);
    assertThat(second.path("mirror").get(0).path("insecure").asBoolean()).isTrue();
  }

  @Test
  void emptyDocumentPlansAnEmptyHostsBlockAndNoFiles() {
    NodePlan plan = NodePlanner.plan(MirrorsDocument.EMPTY, Output.all());
    assertThat(plan.files()).isEmpty();
    assertThat(plan.hostsBlock()).contains(List.of());
  }

  @Test
  void twoHundredMirrorsPlanQuickly() {
    StringBuilder yaml = new StringBuilder("mirrors:\n");
    for (int i = 0; i < 200; i++) {
      yaml.append(
          "  - {name: m%d, upstream: r%d.io, endpoint: \"https://10.0.%d.%d:443\", masquerade: m%d.test, address: 10.0.%d.%d, caBundle: \"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n\"}\n"
              .formatted(i, i, i / 250, i % 250, i, i / 250, i % 250));
    }
    NodePlan plan = NodePlanner.plan(parse(yaml.toString()), Output.all());
    assertThat(plan.hostsBlock().orElseThrow()).hasSize(200);
    assertThat(plan.files()).hasSize(200 * (2 + 4 + 2 + 2) + 1);
  }

  private static JsonNode toml(NodePlan plan, String path) throws IOException {
    return TOML.readTree(plan.files().get(path));
  }

  private static Set<Output> outputs(Path dir) throws IOException {
    Path f = dir.resolve("outputs");
    if (!Files.exists(f)) {
      return Output.all();
    }
    return Arrays.stream(Files.readString(f).trim().split(","))
        .map(Output::parse)
        .collect(Collectors.toSet());
  }

  private static MirrorsDocument read(Path yaml) throws Exception {
    return new MirrorsDocumentParser().parse(Files.readString(yaml));
  }

  private static MirrorsDocument parse(String yaml) {
    try {
      return new MirrorsDocumentParser().parse(yaml);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static SortedMap<String, String> readTree(Path root) throws IOException {
    SortedMap<String, String> out = new TreeMap<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString(), Files.readString(p));
      }
    }
    return out;
  }

  private static void write(Path root, Map<String, String> files) throws IOException {
    if (Files.exists(root)) {
      try (Stream<Path> s = Files.walk(root)) {
        s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
    for (var e : files.entrySet()) {
      Path p = root.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, e.getValue());
    }
  }
}
