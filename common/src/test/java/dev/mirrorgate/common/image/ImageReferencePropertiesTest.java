package dev.mirrorgate.common.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Round trip over references generated from the grammar. */
class ImageReferencePropertiesTest {

  @Property(tries = 2000)
  void normalizedFormParsesToItself(@ForAll("references") String text) throws Exception {
    ImageReference reference = ImageReference.parse(text);

    ImageReference again = ImageReference.parse(reference.normalized());

    assertThat(again.normalized()).isEqualTo(reference.normalized());
    assertThat(ImageReference.parse(reference.qualified())).isEqualTo(reference);
    assertThat(again.digest()).isEqualTo(reference.digest());
  }

  /** Equality and hash are the record's: component by component, nulls included. */
  @Property(tries = 1000)
  void equalityIsComponentWise(
      @ForAll("references") String text, @ForAll("references") String otherText) throws Exception {
    ImageReference a = ImageReference.parse(text);
    ImageReference b = ImageReference.parse(otherText);
    ImageReference copy = new ImageReference(a.domain(), a.path(), a.tag(), a.digest());

    assertThat(copy).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(a.equals(b))
        .isEqualTo(
            java.util.Arrays.asList(a.domain(), a.path(), a.tag(), a.digest())
                .equals(java.util.Arrays.asList(b.domain(), b.path(), b.tag(), b.digest())));
    assertThat(new ImageReference(a.domain(), a.path(), a.tag() == null ? "x" : null, a.digest()))
        .isNotEqualTo(a);
    assertThat(new ImageReference(a.domain(), a.path(), a.tag(), a.digest() == null ? "x" : null))
        .isNotEqualTo(a);
    assertThat(new ImageReference(a.domain(), a.path() + "x", a.tag(), a.digest())).isNotEqualTo(a);
    assertThat(new ImageReference(a.domain() + "x", a.path(), a.tag(), a.digest())).isNotEqualTo(a);
    assertThat(a).isNotEqualTo(null).isNotEqualTo(a.normalized());
  }

  @Provide
  static Arbitrary<String> references() {
    Arbitrary<String> domain = References.domains().injectNull(0.3);
    Arbitrary<String> tag = References.tags().injectNull(0.4);
    Arbitrary<String> digest = References.digests().injectNull(0.6);
    return Combinators.combine(domain, References.paths(), tag, digest)
        .as(
            (d, p, t, g) ->
                (d == null ? "" : d + "/")
                    + p
                    + (t == null ? "" : ":" + t)
                    + (g == null ? "" : "@" + g))
        .filter(s -> s.indexOf('@') < 0 ? s.length() < 220 : s.indexOf('@') < 220)
        .filter(ImageReferencePropertiesTest::firstComponentIsWhatItMeans);
  }

  /** Without a domain, a first component with "." or equal to localhost would be read as one. */
  private static boolean firstComponentIsWhatItMeans(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return true;
    }
    String first = text.substring(0, slash);
    boolean hostLike = first.contains(".") || first.contains(":") || first.equals("localhost");
    boolean generatedAsPath =
        first.equals(first.toLowerCase(java.util.Locale.ROOT))
            && !first.contains(":")
            && !first.startsWith("[");
    return !(generatedAsPath && hostLike && !isDomain(first));
  }

  private static boolean isDomain(String first) {
    return ReferenceParser.checkDomain(first, 0, first.length()) == null;
  }

  /** Generators for the pieces of the grammar. */
  static final class References {
    private References() {}

    static Arbitrary<String> alnum() {
      return Arbitraries.strings()
          .withCharRange('a', 'z')
          .withCharRange('0', '9')
          .ofMinLength(1)
          .ofMaxLength(6);
    }

    static Arbitrary<String> component() {
      Arbitrary<String> separator = Arbitraries.of(".", "_", "__", "-", "--", "---");
      Arbitrary<String> tail =
          Combinators.combine(separator, alnum())
              .as(String::concat)
              .list()
              .ofMaxSize(2)
              .map(l -> String.join("", l));
      return Combinators.combine(alnum(), tail).as(String::concat);
    }

    static Arbitrary<String> paths() {
      return component().list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("/", l));
    }

    static Arbitrary<String> label() {
      Arbitrary<String> edge =
          Arbitraries.strings()
              .withCharRange('a', 'z')
              .withCharRange('A', 'Z')
              .withCharRange('0', '9')
              .ofLength(1);
      Arbitrary<String> middle =
          Arbitraries.strings()
              .withCharRange('a', 'z')
              .withCharRange('0', '9')
              .withChars('-')
              .ofMaxLength(5);
      return Combinators.combine(edge, middle, edge).as((a, m, b) -> m.isEmpty() ? a : a + m + b);
    }

    static Arbitrary<String> domains() {
      Arbitrary<String> dns =
          label().list().ofMinSize(1).ofMaxSize(3).map(l -> String.join(".", l));
      Arbitrary<String> ipv4 =
          Arbitraries.integers()
              .between(0, 255)
              .list()
              .ofSize(4)
              .map(l -> String.join(".", l.stream().map(String::valueOf).toList()));
      Arbitrary<String> ipv6 =
          Arbitraries.of("[::1]", "[fc00::1]", "[2001:db8::]", "[2001:DB8:1:2:3:4:5:6]");
      Arbitrary<String> fixed = Arbitraries.of("localhost", "docker.io", "index.docker.io", "Foo");
      Arbitrary<String> host = Arbitraries.oneOf(dns, ipv4, ipv6, fixed);
      Arbitrary<String> port =
          Arbitraries.integers().between(1, 65535).map(p -> ":" + p).injectNull(0.5);
      return Combinators.combine(host, port).as((h, p) -> p == null ? h : h + p);
    }

    static Arbitrary<String> tags() {
      Arbitrary<String> first =
          Arbitraries.strings()
              .withCharRange('a', 'z')
              .withCharRange('A', 'Z')
              .withCharRange('0', '9')
              .withChars('_')
              .ofLength(1);
      Arbitrary<String> rest =
          Arbitraries.strings()
              .withCharRange('a', 'z')
              .withCharRange('A', 'Z')
              .withCharRange('0', '9')
              .withChars('_', '.', '-')
              .ofMaxLength(20);
      return Combinators.combine(first, rest).as(String::concat);
    }

    static Arbitrary<String> digests() {
      Arbitrary<String> sha256 = hex(64).map(h -> "sha256:" + h);
      Arbitrary<String> sha512 = hex(128).map(h -> "sha512:" + h);
      return Arbitraries.oneOf(List.of(sha256, sha512));
    }

    private static Arbitrary<String> hex(int length) {
      return Arbitraries.strings().withCharRange('0', '9').withCharRange('a', 'f').ofLength(length);
    }
  }
}
