package dev.mirrorgate.webhook.ui.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.webhook.kube.KubeObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users who log in with a password: every key of Secret {@value #SECRET} in the controller's
 * namespace (key = user name, value = password), and Keel's {@code BASIC_AUTH_USER} / {@code
 * BASIC_AUTH_PASSWORD} from the environment. Only SHA-256 digests of the passwords are kept, and a
 * password is checked in constant time, also for a user who does not exist.
 */
public final class PasswordUsers {
  public static final String SECRET = "mirrorgate-ui-users";
  static final String USER_ENV = "BASIC_AUTH_USER";
  static final String PASSWORD_ENV = "BASIC_AUTH_PASSWORD";
  private static final Logger log = LoggerFactory.getLogger(PasswordUsers.class);
  private static final byte[] NOBODY = Secrets.sha256("\0no such user\0");

  private final Map<String, byte[]> fromEnvironment;
  private volatile Map<String, byte[]> fromSecret = Map.of();

  /**
   * @param environment the process environment (a map in tests)
   */
  public PasswordUsers(Map<String, String> environment) {
    String user = environment.get(USER_ENV);
    String password = environment.get(PASSWORD_ENV);
    if (user != null && !user.isBlank() && password != null && !password.isEmpty()) {
      fromEnvironment = Map.of(user, Secrets.sha256(password));
    } else {
      if (user != null && !user.isBlank()) {
        log.warn("{} is set without {}: that user cannot log in", USER_ENV, PASSWORD_ENV);
      }
      fromEnvironment = Map.of();
    }
  }

  /**
   * Takes the users of the Secret as it is now ({@code empty} when it does not exist). Values that
   * are not base64 or are empty are skipped, with a warning naming the key, never the value.
   */
  public void secretChanged(Optional<KubeObject> secret) {
    Map<String, byte[]> users = new LinkedHashMap<>();
    if (secret.isPresent()) {
      JsonNode data = secret.get().node().path("data");
      for (Map.Entry<String, JsonNode> entry : data.properties()) {
        byte[] password;
        try {
          password = Base64.getDecoder().decode(entry.getValue().asText(""));
        } catch (IllegalArgumentException e) {
          log.warn(
              "Secret {}: key {} is not base64: that user cannot log in", SECRET, entry.getKey());
          continue;
        }
        if (password.length == 0) {
          log.warn(
              "Secret {}: key {} has an empty password: that user cannot log in",
              SECRET,
              entry.getKey());
          continue;
        }
        users.put(entry.getKey(), Secrets.sha256(new String(password, StandardCharsets.UTF_8)));
      }
    }
    if (users.size() != fromSecret.size() || !users.keySet().equals(fromSecret.keySet())) {
      log.info("UI users from Secret {}: {}", SECRET, users.size());
    }
    fromSecret = Map.copyOf(users);
  }

  /** The user name when {@code password} is that user's password. */
  public Optional<String> verify(String user, String password) {
    if (user == null || password == null) {
      return Optional.empty();
    }
    byte[] expected = fromSecret.get(user);
    if (expected == null) {
      expected = fromEnvironment.get(user);
    }
    boolean known = expected != null;
    boolean equal = Secrets.equal(known ? expected : NOBODY, password);
    return known && equal ? Optional.of(user) : Optional.empty();
  }

  /** Whether anybody can log in with a password. */
  public boolean any() {
    return !fromSecret.isEmpty() || !fromEnvironment.isEmpty();
  }
}
