package dev.mirrorgate.webhook.deploy.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The credentials of a pull secret: a {@code kubernetes.io/dockerconfigjson} Secret ({@code
 * .dockerconfigjson}: {@code {"auths": {KEY: {...}}}}) or a legacy {@code kubernetes.io/dockercfg}
 * one ({@code .dockercfg}: {@code {KEY: {...}}}). Each entry has {@code auth} (base64 of {@code
 * user:password}, which wins, as in the kubelet) or {@code username} and {@code password}. A KEY is
 * a registry host ({@code ghcr.io}, {@code registry.local:5000}), optionally with a scheme and a
 * repository path prefix ({@code https://registry.local/team}), and {@code *} may stand for a whole
 * host label ({@code *.example.com}); Docker Hub is {@code https://index.docker.io/v1/}, {@code
 * index.docker.io}, {@code registry-1.docker.io} or {@code docker.io}. Pure: bad entries are
 * reported in {@link #problems()} and the good ones still count.
 */
public final class DockerConfig {
  public static final String DOCKERCONFIGJSON = ".dockerconfigjson";
  public static final String DOCKERCFG = ".dockercfg";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One entry.
   *
   * @param key the key as written
   * @param host the registry host, lowercase, Docker Hub as {@code docker.io}; may hold {@code *}
   * @param port the port, or empty
   * @param pathPrefix repository path prefix without slashes at either end, or empty
   * @param credentials the credentials
   */
  public record Entry(
      String key, String host, String port, String pathPrefix, RegistryCredentials credentials) {}

  private final List<Entry> entries;
  private final List<String> problems;

  private DockerConfig(List<Entry> entries, List<String> problems) {
    this.entries = List.copyOf(entries);
    this.problems = List.copyOf(problems);
  }

  public static DockerConfig empty() {
    return new DockerConfig(List.of(), List.of());
  }

  public List<Entry> entries() {
    return entries;
  }

  /** What was wrong, each saying where ({@code Secret apps/pull: auths["ghcr.io"].auth: ...}). */
  public List<String> problems() {
    return problems;
  }

  /**
   * Reads a Secret as the API returns it ({@code data} values base64): its {@code
   * .dockerconfigjson} key, else its {@code .dockercfg} key, whatever its {@code type}.
   */
  public static DockerConfig fromSecret(JsonNode secret) {
    JsonNode metadata = secret.path("metadata");
    String where =
        "Secret "
            + (metadata.hasNonNull("namespace") ? metadata.get("namespace").asText() + "/" : "")
            + metadata.path("name").asText("?");
    JsonNode data = secret.path("data");
    String key = data.has(DOCKERCONFIGJSON) ? DOCKERCONFIGJSON : DOCKERCFG;
    if (!data.has(key)) {
      return new DockerConfig(
          List.of(),
          List.of(where + ": has neither " + DOCKERCONFIGJSON + " nor " + DOCKERCFG + " data"));
    }
    String text;
    try {
      text =
          new String(
              Base64.getMimeDecoder().decode(data.get(key).asText()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return new DockerConfig(
          List.of(), List.of(where + ": data." + key + " is not base64: " + e.getMessage()));
    }
    return parse(text, key.equals(DOCKERCFG), where + ": " + key);
  }

  /**
   * Reads a Docker config document.
   *
   * @param legacy the {@code .dockercfg} form (entries at the top level, no {@code auths})
   * @param where what the document is, for problems
   */
  public static DockerConfig parse(String text, boolean legacy, String where) {
    List<Entry> entries = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return new DockerConfig(List.of(), List.of(where + ": not JSON: " + e.getOriginalMessage()));
    }
    if (root == null || !root.isObject()) {
      return new DockerConfig(List.of(), List.of(where + ": not a JSON object"));
    }
    JsonNode auths = legacy ? root : root.path("auths");
    String prefix = legacy ? "" : "auths";
    if (!legacy && !auths.isObject()) {
      return new DockerConfig(List.of(), List.of(where + ": has no \"auths\" object"));
    }
    auths
        .properties()
        .forEach(
            e -> {
              String at = where + ": " + prefix + "[\"" + e.getKey() + "\"]";
              entry(e.getKey(), e.getValue(), at, problems).ifPresent(entries::add);
            });
    return new DockerConfig(entries, problems);
  }

  private static Optional<Entry> entry(
      String key, JsonNode value, String at, List<String> problems) {
    if (!value.isObject()) {
      problems.add(at + ": not an object");
      return Optional.empty();
    }
    String username = value.path("username").asText("");
    String password = value.path("password").asText("");
    String auth = value.path("auth").asText("");
    if (!auth.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getMimeDecoder().decode(auth), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        problems.add(at + ".auth: not base64");
        return Optional.empty();
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        problems.add(at + ".auth: not base64 of user:password (no ':')");
        return Optional.empty();
      }
      username = decoded.substring(0, colon);
      password = decoded.substring(colon + 1);
    }
    if (username.isEmpty() && password.isEmpty()) {
      problems.add(
          at
              + ": no credentials (needs auth, or username and password"
              + (value.has("identitytoken") ? "; identitytoken is not supported" : "")
              + ")");
      return Optional.empty();
    }
    Optional<Entry> parsed = parseKey(key, new RegistryCredentials(username, password));
    if (parsed.isEmpty()) {
      problems.add(at + ": the key is not a registry host or URL");
    }
    return parsed;
  }

  static Optional<Entry> parseKey(String key, RegistryCredentials credentials) {
    String k = key.trim();
    int scheme = k.indexOf("://");
    if (scheme >= 0) {
      k = k.substring(scheme + 3);
    }
    int slash = k.indexOf('/');
    String authority = (slash < 0 ? k : k.substring(0, slash)).toLowerCase(Locale.ROOT);
    String path = slash < 0 ? "" : k.substring(slash + 1);
    path = strip(path);
    if (path.equals("v1") || path.equals("v2")) {
      path = "";
    }
    if (authority.isEmpty() || authority.contains("@") || authority.contains(" ")) {
      return Optional.empty();
    }
    String host = RegistryHosts.host(authority);
    String port = host.length() < authority.length() ? authority.substring(host.length() + 1) : "";
    if (!port.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    return Optional.of(new Entry(key, dockerHub(host), port, path, credentials));
  }

  private static String strip(String path) {
    int from = 0;
    int to = path.length();
    while (from < to && path.charAt(from) == '/') {
      from++;
    }
    while (to > from && path.charAt(to - 1) == '/') {
      to--;
    }
    return path.substring(from, to);
  }

  private static String dockerHub(String host) {
    return switch (host) {
      case "index.docker.io", "registry-1.docker.io", "docker.io" -> "docker.io";
      default -> host;
    };
  }

  /**
   * The credentials for {@code repository}: of the entries whose host (and port: both absent or
   * equal) match and whose path prefix is a prefix of the repository path, the one with the longest
   * path prefix, an exact host over a wildcard, the first written on a tie.
   */
  public Optional<RegistryCredentials> credentialsFor(Repository repository) {
    String authority = repository.domain();
    String hostPart = RegistryHosts.host(authority);
    String port =
        hostPart.length() < authority.length() ? authority.substring(hostPart.length() + 1) : "";
    String host = dockerHub(hostPart);
    return entries.stream()
        .filter(e -> e.port().equals(port) && hostMatches(e.host(), host))
        .filter(e -> pathMatches(e.pathPrefix(), repository.path()))
        .min(
            Comparator.comparingInt((Entry e) -> -e.pathPrefix().length())
                .thenComparing(e -> e.host().contains("*")))
        .map(Entry::credentials);
  }

  private static boolean hostMatches(String pattern, String host) {
    if (!pattern.contains("*")) {
      return pattern.equals(host);
    }
    String[] p = pattern.split("\\.", -1);
    String[] h = host.split("\\.", -1);
    if (p.length != h.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (!labelMatches(p[i], h[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean labelMatches(String pattern, String label) {
    String regex =
        java.util.Arrays.stream(pattern.split("\\*", -1))
            .map(java.util.regex.Pattern::quote)
            .collect(java.util.stream.Collectors.joining("[^.]*"));
    return label.matches(regex);
  }

  private static boolean pathMatches(String prefix, String path) {
    return prefix.isEmpty()
        || path.equals(prefix)
        || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/');
  }
}
