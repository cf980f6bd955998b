package dev.mirrorgate.common.mirrors;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
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
    Object root;
    try {
      root = YamlTree.read(text);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      String where = loc == null ? "" : "line " + loc.getLineNr() + ": ";
      throw new InvalidMirrorsDocumentException(
          List.of(source + ": " + where + "not valid YAML: " + e.getOriginalMessage()));
    } catch (IOException e) {
      throw new InvalidMirrorsDocumentException(
          List.of(source + ": not valid YAML: " + e.getMessage()));
    }
    List<String> errors = new ArrayList<>();
    if (root == YamlTree.EMPTY || root == null) {
      return MirrorsDocument.EMPTY;
    }
    if (!(root instanceof Map<?, ?> rootMap)) {
      throw new InvalidMirrorsDocumentException(
          List.of(source + ": the document must be a mapping with a key \"mirrors\""));
    }
    Object listValue = rootMap.get("mirrors");
    if (listValue == null) {
      return MirrorsDocument.EMPTY;
    }
    if (!(listValue instanceof List<?> list)) {
      throw new InvalidMirrorsDocumentException(
          List.of(source + ": mirrors: must be a list, got " + kind(listValue)));
    }
    List<Mirror> mirrors = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    Map<String, Integer> upstreams = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String at = source + ": mirrors[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> item)) {
        errors.add(at + ": must be a mapping, got " + kind(list.get(i)));
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

  private static Mirror mirror(Map<?, ?> item, String at, List<String> errors) {
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
    Object r = item.get("rewrite");
    if (r != null) {
      if (r instanceof Boolean b) {
        rewrite = b;
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

  private static URI endpoint(Map<?, ?> item, String at, List<String> errors) {
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

  private static String requiredString(Map<?, ?> item, String key, String at, List<String> errors) {
    Object v = item.get(key);
    if (v == null || (v instanceof String s && s.isBlank())) {
      errors.add(at + "." + key + ": required");
      return null;
    }
    if (!(v instanceof String s)) {
      errors.add(at + "." + key + ": must be a string, got " + kind(v));
      return null;
    }
    return s.trim();
  }

  private static Optional<String> optionalString(
      Map<?, ?> item, String key, String at, List<String> errors) {
    Object v = item.get(key);
    if (v == null || (v instanceof String s && s.isBlank())) {
      return Optional.empty();
    }
    if (!(v instanceof String s)) {
      errors.add(at + "." + key + ": must be a string, got " + kind(v));
      return Optional.empty();
    }
    return Optional.of(key.equals("caBundle") ? s : s.trim());
  }

  private static String kind(Object v) {
    return switch (v) {
      case null -> "null";
      case List<?> l -> "a list";
      case Map<?, ?> m -> "a mapping";
      case Number n -> "a number";
      case Boolean b -> "a boolean";
      case String s -> "a string \"" + s + "\"";
      default -> v.getClass().getSimpleName();
    };
  }
}
