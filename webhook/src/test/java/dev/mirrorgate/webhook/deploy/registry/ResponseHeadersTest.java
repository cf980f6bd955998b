package dev.mirrorgate.webhook.deploy.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponseHeadersTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      delimiter = '|',
      value = {
        "120 | PT2M",
        "0 | PT0S",
        "' 7 ' | PT7S",
        "Wed, 25 Nov 2026 10:01:30 GMT | PT1M30S",
        "Wed, 25 Nov 2026 09:00:00 GMT | PT0S",
        "soon | null",
        "-5 | null",
        "1.5 | null",
        "99999999999 | null",
      })
  void retryAfter(String header, String expected) {
    assertThat(ResponseHeaders.retryAfter(Optional.of(header), NOW))
        .isEqualTo(Optional.ofNullable(expected).map(Duration::parse));
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      delimiter = '|',
      value = {
        // distribution and Docker Hub: a relative URL
        "</v2/a/tags/list?last=b&n=2>; rel=\"next\" | https://r.example/v2/a/tags/list?last=b&n=2",
        "<https://r.example/v2/a/tags/list?last=b>;rel=next | https://r.example/v2/a/tags/list?last=b",
        "<https://x/prev>; rel=\"prev\", </v2/a/tags/list?last=c>; rel=\"next\" | https://r.example/v2/a/tags/list?last=c",
        "<https://x/p>; rel=\"prev\" | null",
        "garbage | null",
      })
  void nextLink(String header, String expected) {
    assertThat(
            ResponseHeaders.nextLink(
                Optional.of(header), URI.create("https://r.example/v2/a/tags/list?n=2")))
        .isEqualTo(Optional.ofNullable(expected).map(URI::create));
  }

  @ParameterizedTest
  @CsvSource({
    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, true",
    "sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef, false",
    "sha256:0123, false",
    "md5:0123456789abcdef0123456789abcdef, false",
    "'', false",
  })
  void digests(String digest, boolean valid) {
    assertThat(ResponseHeaders.isDigest(digest)).isEqualTo(valid);
  }
}
