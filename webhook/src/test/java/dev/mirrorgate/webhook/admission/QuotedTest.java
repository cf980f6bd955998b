package dev.mirrorgate.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuotedTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          short                | nginx:1.27       | nginx:1.27
          empty                | ''               | ''
          tab and unit sep     | 'a\tb'           | 'a\\u0009b'
          """)
  void shortTextIsKeptWithControlCharactersEscaped(String name, String in, String out) {
    assertThat(Quoted.clip(in)).isEqualTo(out);
  }

  @ParameterizedTest(name = "length {0}")
  @CsvSource({"99, false", "100, false", "101, true", "10000, true"})
  void textIsCutAtTheLimitAndSaysItsLength(int length, boolean cut) {
    String clipped = Quoted.clip("x".repeat(length));
    if (cut) {
      assertThat(clipped).isEqualTo("x".repeat(100) + "…(" + length + " characters)");
    } else {
      assertThat(clipped).isEqualTo("x".repeat(length));
    }
  }

  @org.junit.jupiter.api.Test
  void nulBytesNeverPassAndTheQuoteStaysShort() {
    String clipped = Quoted.clip("\0".repeat(10_000));
    assertThat(clipped)
        .doesNotContain("\0")
        .startsWith("\\u0000\\u0000")
        .endsWith("…(10000 characters)");
    assertThat(clipped.length()).isLessThan(130);
  }
}
