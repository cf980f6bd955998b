package dev.mirrorgate.common.mirrors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads {@code mirrors.yaml} into a {@link MirrorsDocument}, collecting every error with its
 * location ({@code mirrors.yaml: mirrors[1].endpoint: ...}) instead of stopping at the first.
 * Unknown keys are ignored so that older readers accept documents from newer controllers.
 */
public final class MirrorsDocumentParser {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  private static final String PEM_BEGIN = "-----BEGIN CERTIFICATE-----";
  private static final String PEM_END = "-----END CERTIFICATE-----";

  private final String source;

  /** A parser whose messages start with {@code source}, e.g. {@code mirrors.yaml}. */
  public MirrorsDocumentParser(String source) {
    this.source = source;
  }

  public MirrorsDocumentParser() {
    this("mirrors.yaml");
  }

  public MirrorsDocument parse(String text) throws InvalidMirrorsDocumentException {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      String where = loc == null ? "" : "line " + loc.getLineNr() + ": ";
      throw new InvalidMirrorsDocumentException(
          List.of(source + ": " + where + "not valid YAML: " + e.getOriginalMessage()));
    }
    List<String> errors = new ArrayList<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return MirrorsDocument.EMPTY;
    }
    if (!root.isObject()) {
      throw new InvalidMirrorsDocumentException(
          List.of(source + ": the document must be a mapping with a key \"mirrors\""));
    }
    JsonNode list = root.path("mirrors");
    if (list.isMissingNode() || list.isNull()) {
      return MirrorsDocument.EMPTY;
    }
    if (!list.isArray()) {
      throw new InvalidMirrorsDocumentException(
          List.of(source + ": mirrors: must be a list, got " + kind(list)));
    }
    List<Mirror> mirrors = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    Map<String, Integer> upstreams = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String at = source + ": mirrors[" + i + "]";
      JsonNode item = list.get(i);
      if (!item.isObject()) {
        errors.add(at + ": must be a mapping, got " + kind(item));
        continue;
      }
      int before = errors.size();
      Mirror mirror = mirror(item, at, errors);
      if (mirror == null || errors.size() > before) {
        continue;
      }
      Integer other = names.putIfAbsent(mirror.name(), i);
      if (other != null) {
        errors.add(
            at + ".name: \"" + mirror.name() + "\" is already used by mirrors[" + other + "]");
      }
      other = upstreams.putIfAbsent(mirror.upstream(), i);
      if (other != null) {
        errors.add(
            at
                + ".upstream: \""
                + mirror.upstream()
                + "\" is already served by mirrors["
                + other
                + "]");
      }
      mirrors.add(mirror);
    }
    if (!errors.isEmpty()) {
      throw new InvalidMirrorsDocumentException(errors);
    }
    return new MirrorsDocument(mirrors);
  }

  private static Mirror mirror(JsonNode item, String at, List<String> errors) {
    String name = requiredString(item, "name", at, errors);
    if (name != null && !NAME.matcher(name).matches()) {
      errors.add(at + ".name: \"" + name + "\" is not a lowercase DNS name");
    }
    String upstream = requiredString(item, "upstream", at, errors);
    if (upstream != null && !HostSyntax.isHostPort(upstream)) {
      errors.add(at + ".upstream: \"" + upstream + "\" is not a registry host[:port]");
    }
    URI endpoint = endpoint(item, at, errors);
    Optional<String> masquerade = optionalString(item, "masquerade", at, errors);
    masquerade.ifPresent(
        m -> {
          if (!HostSyntax.isHostname(m)) {
            errors.add(at + ".masquerade: \"" + m + "\" is not a host name");
          }
        });
    Optional<String> address = optionalString(item, "address", at, errors);
    address.ifPresent(
        a -> {
          if (!HostSyntax.isIpAddress(a)) {
            errors.add(at + ".address: \"" + a + "\" is not an IP address");
          }
        });
    if (masquerade.isPresent() && address.isEmpty()) {
      errors.add(at + ".address: required when masquerade is set");
    }
    boolean rewrite = false;
    JsonNode r = item.path("rewrite");
    if (!r.isMissingNode() && !r.isNull()) {
      if (r.isBoolean()) {
        rewrite = r.booleanValue();
      } else {
        errors.add(at + ".rewrite: must be true or false, got " + kind(r));
      }
    }
    String caBundle = optionalString(item, "caBundle", at, errors).orElse("");
    if (!caBundle.isEmpty() && !(caBundle.contains(PEM_BEGIN) && caBundle.contains(PEM_END))) {
      errors.add(at + ".caBundle: is not a PEM certificate bundle (no " + PEM_BEGIN + " block)");
    }
    if (name == null || upstream == null || endpoint == null) {
      return null;
    }
    return new Mirror(name, upstream, endpoint, masquerade, address, rewrite, caBundle);
  }

  private static URI endpoint(JsonNode item, String at, List<String> errors) {
    String text = requiredString(item, "endpoint", at, errors);
    if (text == null) {
      return null;
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      errors.add(at + ".endpoint: \"" + text + "\" is not a URI: " + e.getReason());
      return null;
    }
    if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
      errors.add(at + ".endpoint: \"" + text + "\" must start with https:// or http://");
      return null;
    }
    if (uri.getHost() == null) {
      errors.add(at + ".endpoint: \"" + text + "\" has no host");
      return null;
    }
    String path = uri.getRawPath();
    if ((path != null && !path.isEmpty() && !path.equals("/"))
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null) {
      errors.add(at + ".endpoint: \"" + text + "\" must be scheme://host[:port] only");
      return null;
    }
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
  }

  private static String requiredString(JsonNode item, String key, String at, List<String> errors) {
    JsonNode v = item.path(key);
    if (v.isMissingNode() || v.isNull() || (v.isTextual() && v.textValue().isBlank())) {
      errors.add(at + "." + key + ": required");
      return null;
    }
    if (!v.isTextual()) {
      errors.add(at + "." + key + ": must be a string, got " + kind(v));
      return null;
    }
    return v.textValue().trim();
  }

  private static Optional<String> optionalString(
      JsonNode item, String key, String at, List<String> errors) {
    JsonNode v = item.path(key);
    if (v.isMissingNode() || v.isNull() || (v.isTextual() && v.textValue().isBlank())) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      errors.add(at + "." + key + ": must be a string, got " + kind(v));
      return Optional.empty();
    }
    return Optional.of(key.equals("caBundle") ? v.textValue() : v.textValue().trim());
  }

  private static String kind(JsonNode n) {
    return switch (n.getNodeType()) {
      case ARRAY -> "a list";
      case OBJECT -> "a mapping";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case STRING -> "a string \"" + n.textValue() + "\"";
      default -> n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
