package dev.mirrorgate.webhook.deploy.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookTokensTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyValueOfTheSecretIsATokenAndNoKeyNameIs() throws Exception {
    WebhookTokens tokens =
        WebhookTokens.fromSecret(
            JSON.readTree(
                """
                {"metadata": {"name": "mirrorgate-webhook-tokens"},
                 "data": {"registry-apps-builds": "%s", "ci": "%s"}}
                """
                    .formatted(base64("first-token"), base64("second-token\n"))));

    assertThat(tokens.names()).containsExactly("registry-apps-builds", "ci");
    assertThat(tokens.problems()).isEmpty();
    assertThat(tokens.matches("first-token")).isTrue();
    assertThat(tokens.matches("second-token")).as("a token file's newline is trimmed").isTrue();
    assertThat(tokens.matches(" second-token ")).isTrue();
    assertThat(tokens.matches("registry-apps-builds")).isFalse();
    assertThat(tokens.matches("first-toke")).isFalse();
    assertThat(tokens.matches("first-token2")).isFalse();
    assertThat(tokens.matches("")).isFalse();
  }

  @Test
  void blankAndUndecodableValuesAreNoTokenAndSaySo() throws Exception {
    WebhookTokens tokens =
        WebhookTokens.fromSecret(
            JSON.readTree(
                """
                {"data": {"empty": "", "blank": "%s", "garbled": "%%%%", "good": "%s"}}
                """
                    .formatted(base64(" \n"), base64("t"))));

    assertThat(tokens.names()).containsExactly("good");
    assertThat(tokens.problems())
        .containsExactly(
            "key empty is empty: not a token",
            "key blank is empty: not a token",
            "key garbled is not base64: not a token");
    assertThat(tokens.matches("")).isFalse();
    assertThat(tokens.matches(" ")).isFalse();
  }

  @Test
  void aSecretWithoutDataHoldsNoToken() throws Exception {
    assertThat(WebhookTokens.fromSecret(JSON.readTree("{\"metadata\": {}}")).isEmpty()).isTrue();
    assertThat(WebhookTokens.NONE.isEmpty()).isTrue();
    assertThat(WebhookTokens.NONE.matches("anything")).isFalse();
  }

  @Test
  void anyOfSeveralTokensMatches() {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      values.put("k" + i, "token-" + i);
    }
    WebhookTokens tokens = WebhookTokens.of(values);

    for (int i = 0; i < 20; i++) {
      assertThat(tokens.matches("token-" + i)).isTrue();
    }
    assertThat(tokens.matches("token-20")).isFalse();
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
