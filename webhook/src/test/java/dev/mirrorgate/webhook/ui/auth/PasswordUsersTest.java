package dev.mirrorgate.webhook.ui.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.webhook.kube.KubeObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PasswordUsersTest {
  static KubeObject secret(Map<String, String> data) {
    ObjectNode node = new ObjectMapper().createObjectNode();
    node.putObject("metadata").put("name", PasswordUsers.SECRET).put("namespace", "mirrorgate");
    ObjectNode encoded = node.putObject("data");
    data.forEach(encoded::put);
    return new KubeObject(node);
  }

  static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private final PasswordUsers users =
      new PasswordUsers(
          Map.of("BASIC_AUTH_USER", "keel", "BASIC_AUTH_PASSWORD", "keel-pass", "HOME", "/"));

  {
    users.secretChanged(
        Optional.of(
            secret(
                Map.of(
                    "alice",
                    b64("wonderland"),
                    "bob",
                    b64("bob:with:colons ünïcode"),
                    "empty",
                    "",
                    "broken",
                    "%%% not base64"))));
  }

  @ParameterizedTest(name = "{0} / {1}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "alice  | wonderland               | true",
        "alice  | Wonderland               | false",
        "alice  | wonderlan                | false",
        "bob    | bob:with:colons ünïcode  | true",
        "keel   | keel-pass                | true", // BASIC_AUTH_USER / BASIC_AUTH_PASSWORD
        "keel   | wonderland               | false",
        "nobody | wonderland               | false",
        "empty  | ''                       | false", // an empty password never logs in
        "broken | %%% not base64           | false",
        "ALICE  | wonderland               | false", // user names are exact
      })
  void passwordsAreCheckedPerUser(String user, String password, boolean ok) {
    assertThat(users.verify(user, password)).isEqualTo(ok ? Optional.of(user) : Optional.empty());
  }

  @Test
  void aDeletedSecretLeavesOnlyTheEnvironmentUser() {
    users.secretChanged(Optional.empty());
    assertThat(users.verify("alice", "wonderland")).isEmpty();
    assertThat(users.verify("keel", "keel-pass")).contains("keel");
    assertThat(users.any()).isTrue();
  }

  @Test
  void anEnvironmentUserWithoutPasswordCannotLogIn() {
    PasswordUsers none = new PasswordUsers(Map.of("BASIC_AUTH_USER", "keel"));
    assertThat(none.verify("keel", "")).isEmpty();
    assertThat(none.any()).isFalse();
  }

  @Test
  void nullsAreRefused() {
    assertThat(users.verify(null, "x")).isEmpty();
    assertThat(users.verify("alice", null)).isEmpty();
  }
}
