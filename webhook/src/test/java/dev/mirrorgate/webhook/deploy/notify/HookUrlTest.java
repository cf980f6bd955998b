package dev.mirrorgate.webhook.deploy.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Notification URLs: what is accepted, and that their secret parts never show. */
class HookUrlTest {
  private static final String SLACK =
      "https://hooks.slack.com/services/T0000SECRET/B0000SECRET/XXXXsecretXXXXsecretXXXX";

  @Test
  void onlyTheSchemeHostAndPortShow() {
    List<List<String>> table =
        List.of(
            List.of(SLACK, "https://hooks.slack.com/…"),
            List.of("https://ci.example:8443/hook?token=s3cret", "https://ci.example:8443/…"),
            List.of("https://user:s3cret@ci.example/", "https://ci.example/…"),
            List.of("https://ci.example", "https://ci.example"),
            List.of("https://ci.example/", "https://ci.example"),
            List.of("HTTPS://CI.example/x", "https://CI.example/…"),
            List.of("http://127.0.0.1:8080/hook", "http://127.0.0.1:8080/…"),
            List.of("http://localhost/hook", "http://localhost/…"));
    for (List<String> row : table) {
      HookUrl url = HookUrl.parse(row.get(0));
      assertThat(url.redacted()).as(row.get(0)).isEqualTo(row.get(1));
      assertThat(url.toString()).as(row.get(0)).isEqualTo(row.get(1));
      assertThat(url.uri().toString()).isEqualTo(row.get(0));
    }
  }

  @Test
  void badUrlsAreRefusedWithoutTheirSecrets() {
    List<List<String>> table =
        List.of(
            List.of("http://hooks.slack.com/services/T0000SECRET/B0000SECRET/x", "plain HTTP only"),
            List.of("ftp://files.example/T0000SECRET", "not an https URL"),
            List.of("hooks.slack.com/services/T0000SECRET", "not an absolute URL"),
            List.of("https://hooks.slack.com/services/T0000SECRET#frag", "no #fragment"),
            List.of("https://hooks.slack.com/services/T0000SECRET x", "not a URL"),
            List.of("http://10.0.0.1/T0000SECRET", "plain HTTP only"));
    for (List<String> row : table) {
      assertThatThrownBy(() -> HookUrl.parse(row.get(0)))
          .as(row.get(0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(row.get(1))
          .message()
          .doesNotContain("SECRET");
    }
  }

  @Test
  void errorTextsAreScrubbedOfTheUrl() {
    HookUrl url = HookUrl.parse(SLACK);
    assertThat(url.scrub("POST " + SLACK + " failed"))
        .isEqualTo("POST https://hooks.slack.com/… failed");
    assertThat(url.scrub("no route to /services/T0000SECRET/B0000SECRET/XXXXsecretXXXXsecretXXXX"))
        .doesNotContain("SECRET");
    HookUrl token = HookUrl.parse("https://ci.example/hook?token=s3cret");
    assertThat(token.scrub("query token=s3cret refused")).doesNotContain("s3cret");
  }
}
