package dev.mirrorgate.common.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Rewriting is idempotent: rewrite(rewrite(x)) == rewrite(x) as strings, over generated mappings
 * (mapping.yaml and ImageSwap maps) and generated images drawn from the same small vocabulary, so
 * that rules, targets and excludes overlap often.
 */
class MappingPropertiesTest {
  private static final List<String> HOSTS =
      List.of(
          "docker.io",
          "index.docker.io",
          "quay.io",
          "quay.io:443",
          "ghcr.io",
          "localhost",
          "localhost:5000",
          "m.local",
          "m.local:5000",
          "[::1]:5000",
          "10.0.0.1:5000");
  private static final List<String> SEGMENTS = List.of("a", "b", "library", "nginx", "acme", "x-y");

  @Property(tries = 1500)
  void rewritingMappingYamlIsIdempotent(
      @ForAll("mappingYaml") String yaml, @ForAll("images") List<String> images) {
    Mapping mapping;
    try {
      mapping = MappingParser.parseYaml("mapping.yaml", yaml);
    } catch (MappingException e) {
      Assume.that(false);
      return;
    }
    images.forEach(image -> assertIdempotent(mapping, image));
  }

  @Property(tries = 1500)
  void rewritingImageSwapMapsIsIdempotent(
      @ForAll("imageSwapMaps") String maps, @ForAll("images") List<String> images) {
    Mapping mapping;
    try {
      mapping = MappingParser.parseImageSwapMaps("maps", maps);
    } catch (MappingException e) {
      Assume.that(false);
      return;
    }
    images.forEach(image -> assertIdempotent(mapping, image));
  }

  private static void assertIdempotent(Mapping mapping, String image) {
    Rewrite first = mapping.rewrite(image);
    String once = first instanceof Rewrite.Rewritten r ? r.image() : image;
    Rewrite second = mapping.rewrite(once);
    assertThat(second)
        .as("%s -> %s -> %s with %s", image, first, second, mapping)
        .isNotInstanceOf(Rewrite.Rewritten.class);
    if (first instanceof Rewrite.Rewritten) {
      assertThat(second).isInstanceOf(Rewrite.Unchanged.class);
    }
  }

  @Provide
  Arbitrary<String> mappingYaml() {
    Arbitrary<String> rule =
        Combinators.combine(prefixes(), prefixes())
            .as((s, t) -> "  - source: \"" + s + "\"\n    target: \"" + t + "\"\n");
    Arbitrary<String> exclude = prefixes().map(e -> "  - \"" + e + "\"\n");
    return Combinators.combine(rule.list().ofMaxSize(5), exclude.list().ofMaxSize(2))
        .as(
            (r, e) ->
                "mirrors:\n"
                    + String.join("", r)
                    + (e.isEmpty() ? "" : "exclude:\n" + String.join("", e)))
        .map(y -> y.replace("mirrors:\nexclude", "mirrors: []\nexclude"));
  }

  @Provide
  Arbitrary<String> imageSwapMaps() {
    Arbitrary<String> target =
        Arbitraries.oneOf(prefixes(), prefixes().map(p -> p + "/mirror-"), Arbitraries.just(""));
    Arbitrary<String> rule = Combinators.combine(prefixes(), target).as((s, t) -> s + "::" + t);
    Arbitrary<String> defaultLine = target.map(t -> "default::" + t);
    Arbitrary<String> wildcards =
        Arbitraries.of(SEGMENTS)
            .list()
            .ofMaxSize(2)
            .map(w -> "noswap_wildcards::" + String.join(",", w));
    Arbitrary<String> exact =
        Combinators.combine(images().map(l -> l.get(0)), images().map(l -> l.get(0)))
            .as((s, t) -> "[EXACT]" + s + "::" + t);
    return Combinators.combine(
            defaultLine, rule.list().ofMaxSize(4), wildcards, exact.list().ofMaxSize(2))
        .as(
            (d, r, w, e) ->
                d + "\n" + String.join("\n", r) + "\n" + w + "\n" + String.join("\n", e) + "\n");
  }

  @Provide
  Arbitrary<List<String>> images() {
    Arbitrary<String> tag = Arbitraries.of(":1", ":latest", ":V1.0", "").injectNull(0.0);
    Arbitrary<String> digest = Arbitraries.of("", "@sha256:" + "ab".repeat(32));
    Arbitrary<String> image =
        Combinators.combine(
                Arbitraries.of(HOSTS).injectNull(0.3),
                Arbitraries.of(SEGMENTS).list().ofMinSize(1).ofMaxSize(3),
                tag,
                digest)
            .as((h, p, t, d) -> (h == null ? "" : h + "/") + String.join("/", p) + t + d);
    return image.list().ofMinSize(1).ofMaxSize(8);
  }

  private static Arbitrary<String> prefixes() {
    return Combinators.combine(Arbitraries.of(HOSTS), Arbitraries.of(SEGMENTS).list().ofMaxSize(2))
        .as((h, p) -> p.isEmpty() ? h : h + "/" + String.join("/", p));
  }
}
