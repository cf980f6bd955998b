package dev.mirrorgate.common.update;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The contract's version grammar and order. */
class VersionTest {

  @ParameterizedTest(name = "{0} -> {1}.{2}.{3} pre \"{4}\" ({5} parts)")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          1.2            | 1 | 2  | 0 | ''            | 2
          v1.2.3         | 1 | 2  | 3 | ''            | 3
          V1.2.3         | 1 | 2  | 3 | ''            | 3
          1.25-alpine    | 1 | 25 | 0 | alpine        | 2
          1.2.3-rc.1     | 1 | 2  | 3 | rc.1          | 3
          7.9.1-1-ubi8   | 7 | 9  | 1 | 1-ubi8        | 3
          2024.01.15     | 2024 | 1 | 15 | ''         | 3
          0.0.0          | 0 | 0  | 0 | ''            | 3
          1.2.3-a_b.C-d  | 1 | 2  | 3 | a_b.C-d       | 3
          """)
  void readsVersions(String tag, long major, long minor, long patch, String pre, int parts) {
    Version v = Version.parse(tag).orElseThrow();
    assertThat(v.major()).isEqualTo(major);
    assertThat(v.minor()).isEqualTo(minor);
    assertThat(v.patch()).isEqualTo(patch);
    assertThat(v.preRelease()).isEqualTo(pre);
    assertThat(v.parts()).isEqualTo(parts);
    assertThat(v.tag()).isEqualTo(tag);
  }

  @ParameterizedTest(name = "{0} is not a version")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          latest
          1
          v1
          1.2.3.4
          20240101
          a1b2c3d
          0123456789abcdef0123456789abcdef01234567
          1.2.3-
          1.2.3-rc..1
          1.2.3-rc.
          1.2.3_1
          1.2.3+build
          v.1.2
          1..2
          .1.2
          1.2.
          vv1.2
          1.2.x
          1234567890123456789.0
          """)
  void rejectsWhatIsNotAVersion(String tag) {
    assertThat(Version.parse(tag)).isEmpty();
    assertThat(Version.isVersion(tag)).isFalse();
  }

  @Test
  void emptyAndNullAreNotVersions() {
    assertThat(Version.parse("")).isEmpty();
    assertThat(Version.parse(null)).isEmpty();
  }

  /** Ascending, each strictly greater than the one before: the SemVer §11 example and more. */
  private static final List<String> ASCENDING =
      List.of(
          "0.9",
          "1.0.0-1",
          "1.0.0-2",
          "1.0.0-10",
          "1.0.0-alpha",
          "1.0.0-alpha.1",
          "1.0.0-alpha.beta",
          "1.0.0-beta",
          "1.0.0-beta.2",
          "1.0.0-beta.11",
          "1.0.0-rc.1",
          "1.0.0-rc.9",
          "1.0.0-rc.10",
          "1.0.0-rc10",
          "1.0.0-rc9",
          "1.0.0",
          "1.0.1",
          "1.2",
          "v1.9.0",
          "1.10.0",
          "2.0.0");

  @Test
  void ordersByNumericCoreThenSemVerPreReleasePrecedence() {
    for (int i = 0; i < ASCENDING.size(); i++) {
      for (int j = 0; j < ASCENDING.size(); j++) {
        Version a = Version.parse(ASCENDING.get(i)).orElseThrow();
        Version b = Version.parse(ASCENDING.get(j)).orElseThrow();
        assertThat(Integer.signum(a.compareTo(b)))
            .as("%s vs %s", a, b)
            .isEqualTo(Integer.compare(i, j));
      }
    }
  }

  @Test
  void equalityFollowsTheOrderNotTheSpelling() {
    assertThat(Version.parse("1.2")).isEqualTo(Version.parse("1.2.0"));
    assertThat(Version.parse("v1.2.0")).isEqualTo(Version.parse("1.2.0"));
    assertThat(Version.parse("1.2.0-rc.01")).isEqualTo(Version.parse("1.2.0-rc.1"));
    assertThat(Version.parse("1.2.0-rc.01").orElseThrow().hashCode())
        .isEqualTo(Version.parse("1.2.0-rc.1").orElseThrow().hashCode());
    assertThat(Version.parse("1.2").orElseThrow().hashCode())
        .isEqualTo(Version.parse("v1.2.0").orElseThrow().hashCode());
    assertThat(Version.parse("1.2.0-rc1")).isNotEqualTo(Version.parse("1.2.0-rc.1"));
  }

  @Test
  void semver4jSeesTheNormalizedVersion() {
    assertThat(Version.parse("v1.25-alpine").flatMap(Version::semver).map(Object::toString))
        .contains("1.25.0-alpine");
    assertThat(Version.parse("1.2.3-a_b").flatMap(Version::semver))
        .as("an underscore is not SemVer")
        .isEmpty();
    assertThat(Version.parse("3000000000.0.0").flatMap(Version::semver))
        .as("over semver4j's int")
        .isEmpty();
    Optional<Version> big = Version.parse("3000000000.0.0");
    assertThat(big).isPresent();
    assertThat(big.get().compareTo(Version.parse("2999999999.9.9").orElseThrow())).isPositive();
  }
}
