package dev.mirrorgate.agent.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorgate.common.mirrors.InvalidMirrorsDocumentException;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileMirrorsSourceTest {

  static final String ONE =
      "mirrors: [{name: a, upstream: a.io, endpoint: \"https://m.test\", masquerade: m.test,"
          + " address: 10.0.0.1}]\n";

  @TempDir Path dir;

  @Test
  void anUnchangedFileGivesTheSameDocumentWithoutParsingItAgain() throws Exception {
    Path file = Files.writeString(dir.resolve("m.yaml"), ONE);
    FileMirrorsSource source = new FileMirrorsSource(file, DocumentRules.forNode(Set.of()));

    MirrorsDocument first = source.load();

    assertThat(source.load()).isSameAs(first);
    Files.writeString(file, ONE.replace("10.0.0.1", "10.0.0.2"));
    assertThat(source.load()).isNotSameAs(first).isNotEqualTo(first);
  }

  @Test
  void aBlankFileIsRefusedNotReadAsNoMirrors() throws Exception {
    Path file = Files.writeString(dir.resolve("m.yaml"), ONE);
    FileMirrorsSource source = new FileMirrorsSource(file, DocumentRules.forNode(Set.of()));
    source.load();

    for (String blank : new String[] {"", "  \n\n"}) {
      Files.writeString(file, blank);
      assertThatThrownBy(source::load)
          .isInstanceOf(InvalidMirrorsDocumentException.class)
          .hasMessageContaining("is empty; write \"mirrors: []\" to remove every mirror");
    }
    Files.writeString(file, "mirrors: []\n");
    assertThat(source.load().mirrors()).isEmpty();
  }

  @Test
  void theSizeLimitHoldsJustBelowAndRefusesJustAbove() throws Exception {
    String doc = ONE + "#".repeat(200 - ONE.length() - 1) + "\n";
    assertThat(doc).hasSize(200);
    Path file = Files.writeString(dir.resolve("m.yaml"), doc);
    DocumentRules rules = new DocumentRules(Set.of(), 200, 10);

    assertThat(new FileMirrorsSource(file, rules).load().mirrors()).hasSize(1);
    Files.writeString(file, doc + "\n");
    assertThatThrownBy(() -> new FileMirrorsSource(file, rules).load())
        .isInstanceOf(InvalidMirrorsDocumentException.class)
        .hasMessage(file + ": 201 bytes, more than the 200 a mirrors document may have");
  }

  @Test
  void theNodesOwnNameIsNoMasquerade() throws Exception {
    Path file = Files.writeString(dir.resolve("m.yaml"), ONE.replace("m.test,", "worker-7,"));

    assertThatThrownBy(
            () -> new FileMirrorsSource(file, DocumentRules.forNode(Set.of("worker-7"))).load())
        .hasMessageContaining("mirrors[0].masquerade: \"worker-7\" is the name of this node");
  }
}
