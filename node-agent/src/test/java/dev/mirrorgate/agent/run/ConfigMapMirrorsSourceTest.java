package dev.mirrorgate.agent.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorgate.agent.Log;
import dev.mirrorgate.common.mirrors.InvalidMirrorsDocumentException;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the source makes of the values its watch reports (no watch started: no API server). */
class ConfigMapMirrorsSourceTest {

  static final String ONE =
      "mirrors: [{name: a, upstream: a.io, endpoint: \"https://m.test\", masquerade: m.test,"
          + " address: 10.0.0.1}]";

  final AgentMetrics metrics = new AgentMetrics();
  final ConfigMapMirrorsSource source =
      new ConfigMapMirrorsSource(
          null,
          "mirrorgate",
          "mirrorgate-mirrors",
          null,
          new DocumentRules(Set.of("worker-1"), 300, 2),
          metrics,
          new Log(
              new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
              Clock.systemUTC()));

  @Test
  void aValueIsParsedOnceAndItsTextNotKept() throws Exception {
    source.present(Map.of("mirrors.yaml", ONE), "1");
    MirrorsDocument first = source.load();

    source.present(Map.of("mirrors.yaml", new String(ONE)), "2"); // an equal value, a new String
    assertThat(source.load()).isSameAs(first);

    source.present(Map.of("mirrors.yaml", ONE.replace("10.0.0.1", "10.0.0.2")), "3");
    assertThat(source.load()).isNotEqualTo(first);
  }

  @Test
  void aRefusedValueStaysRefusedUntilItChanges() throws Exception {
    source.present(Map.of("mirrors.yaml", ONE.replace("m.test,", "worker-1,")), "1");

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(source::load)
          .isInstanceOf(InvalidMirrorsDocumentException.class)
          .hasMessageContaining(
              "configmap mirrorgate/mirrorgate-mirrors mirrors.yaml: mirrors[0].masquerade:"
                  + " \"worker-1\" is the name of this node");
    }
    source.present(Map.of("mirrors.yaml", ONE), "2");
    assertThat(source.load().mirrors()).hasSize(1);
  }

  @Test
  void theLimitsHoldJustBelowAndRefuseJustAbove() throws Exception {
    String two =
        "mirrors:\n"
            + "  - {name: a, upstream: a.io, endpoint: \"https://m.test\"}\n"
            + "  - {name: b, upstream: b.io, endpoint: \"https://n.test\"}\n";
    String three = two + "  - {name: c, upstream: c.io, endpoint: \"https://o.test\"}\n";
    String big = two + "#".repeat(300 - two.length() - 1) + "\n";
    assertThat(big).hasSize(300);

    source.present(Map.of("mirrors.yaml", big), "1");
    assertThat(source.load().mirrors()).hasSize(2);
    source.present(Map.of("mirrors.yaml", big + "#"), "2");
    assertThatThrownBy(source::load)
        .hasMessageEndingWith("301 bytes, more than the 300 a mirrors document may have");
    source.present(Map.of("mirrors.yaml", three), "3");
    assertThatThrownBy(source::load)
        .hasMessageEndingWith("mirrors: 3 mirrors, more than the 2 this reader accepts");
  }

  @Test
  void aMissingKeyOrABlankValueIsRefused() throws Exception {
    source.present(Map.of("other", ONE), "1");
    assertThatThrownBy(source::load).hasMessageContaining("has no key mirrors.yaml");
    source.present(Map.of("mirrors.yaml", " \n"), "2");
    assertThatThrownBy(source::load).hasMessageContaining("mirrors.yaml: is empty");
  }

  @Test
  void aFailingWatchIsCountedAndMakesTheAgentNotReadyUntilItWorks() throws Exception {
    source.failed("connection refused");
    assertThat(metrics.prometheus()).contains("mirrorgate_node_errors_total{kind=\"watch\"} 1");

    source.present(Map.of("mirrors.yaml", ONE), "1");
    assertThat(metrics.notReady()).contains("no successful apply yet");
    metrics.applied(java.time.Instant.now(), 1, 1, false, 1);
    source.failed("connection refused");
    assertThat(metrics.notReady())
        .contains("the mirrors ConfigMap cannot be watched: connection refused");
    source.present(Map.of("mirrors.yaml", ONE), "2");
    assertThat(metrics.notReady()).isEmpty();
  }
}
