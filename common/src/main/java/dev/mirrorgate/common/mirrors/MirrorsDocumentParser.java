package dev.mirrorgate.common.mirrors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.mirrorgate.common.json.PlainValues;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code mirrors.yaml} into a {@link MirrorsDocument}, collecting every error with its
 * location ({@code mirrors.yaml: mirrors[1].endpoint: ...}) instead of stopping at the first.
 * Unknown keys are ignored so that older readers accept documents from newer controllers.
 *
 * <p>The document is read as a stream, one mirror at a time: only the mirrors themselves are kept,
 * never a tree of the whole document. What a reader can hold is a value of the parser: {@link
 * #atMostMirrors} refuses a longer list (every entry is still checked, none beyond the limit is
 * kept), and {@link #forNode} adds the names of the node that reads the document to those a
 * masquerade must not take ({@link MasqueradeNames}).
 */
public final class MirrorsDocumentParser {

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  private static final String PEM_BEGIN = "-----BEGIN CERTIFICATE-----";
  private static final String PEM_END = "-----END CERTIFICATE-----";

  /**
   * Jackson's streaming YAML parser: no jackson-databind in the node agent, no document tree. The
   * reader given to {@link #parse(Reader)} is the caller's to close.
   */
  private static final YAMLFactory YAML =
      YAMLFactory.builder()
          .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
          .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL) // "mirrors:" is no mirrors
          .build();

  /** At most this many errors are listed; the rest are counted. */
  static final int MAX_ERRORS = 100;

  private final String source;
  private final Set<String> nodeNames;
  private final int maxMirrors;

  /** A parser whose messages start with {@code source}, e.g. {@code mirrors.yaml}. */
  public MirrorsDocumentParser(String source) {
    this(source, Set.of(), Integer.MAX_VALUE);
  }

  public MirrorsDocumentParser() {
    this("mirrors.yaml");
  }

  private MirrorsDocumentParser(String source, Set<String> nodeNames, int maxMirrors) {
    this.source = source;
    this.nodeNames = Set.copyOf(nodeNames);
    this.maxMirrors = maxMirrors;
  }

  /** This parser for the node called {@code names}: no masquerade may be one of them. */
  public MirrorsDocumentParser forNode(Set<String> names) {
    Set<String> all = new java.util.HashSet<>(nodeNames);
    for (String n : names) {
      if (n != null && !n.isBlank()) {
        all.add(n.strip());
      }
    }
    return new MirrorsDocumentParser(source, all, maxMirrors);
  }

  /** This parser refusing documents of more than {@code max} mirrors. */
  public MirrorsDocumentParser atMostMirrors(int max) {
    return new MirrorsDocumentParser(source, nodeNames, max);
  }

  public MirrorsDocument parse(String text) throws InvalidMirrorsDocumentException {
    return parse(new StringReader(text));
  }

  /** Parses the document {@code text} yields, reading it once, as a stream; does not close it. */
  public MirrorsDocument parse(Reader text) throws InvalidMirrorsDocumentException {
    Errors errors = new Errors();
    List<Mirror> mirrors = new ArrayList<>();
    try (JsonParser p = YAML.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null || t == JsonToken.VALUE_NULL) {
        return MirrorsDocument.EMPTY;
      }
      if (t != JsonToken.START_OBJECT) {
        throw new InvalidMirrorsDocumentException(
            List.of(source + ": the document must be a mapping with a key \"mirrors\""));
      }
      boolean seen = false;
      for (t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String key = p.currentName();
        JsonToken value = p.nextToken();
        if (!key.equals("mirrors")) {
          p.skipChildren();
          continue;
        }
        if (seen) {
          errors.add(source + ": mirrors: appears twice");
          p.skipChildren();
          continue;
        }
        seen = true;
        if (value == JsonToken.VALUE_NULL) {
          continue;
        }
        if (value != JsonToken.START_ARRAY) {
          throw new InvalidMirrorsDocumentException(
              List.of(
                  source + ": mirrors: must be a list, got " + kind(PlainValues.read(p, value))));
        }
        readList(p, mirrors, errors);
      }
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      String where = loc == null ? "" : "line " + loc.getLineNr() + ": ";
      throw new InvalidMirrorsDocumentException(
          List.of(source + ": " + where + "not valid YAML: " + e.getOriginalMessage()));
    } catch (IOException e) {
      throw new InvalidMirrorsDocumentException(
          List.of(source + ": not valid YAML: " + e.getMessage()));
    }
    if (!errors.isEmpty()) {
      throw new InvalidMirrorsDocumentException(errors.list());
    }
    return new MirrorsDocument(mirrors);
  }

  /** Reads the list's entries one by one, from the parser positioned on its START_ARRAY. */
  private void readList(JsonParser p, List<Mirror> mirrors, Errors errors) throws IOException {
    Map<String, Integer> names = new HashMap<>();
    Map<String, Integer> upstreams = new HashMap<>();
    int i = 0;
    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken(), i++) {
      Object entry = PlainValues.read(p, e);
      String at = source + ": mirrors[" + i + "]";
      if (!(entry instanceof Map<?, ?> item)) {
        errors.add(at + ": must be a mapping, got " + kind(entry));
        continue;
      }
      int before = errors.count();
      Mirror mirror = mirror(item, at, errors);
      if (mirror == null || errors.count() > before) {
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
      if (i < maxMirrors && errors.isEmpty()) {
        mirrors.add(mirror); // once the document is known to be refused, nothing more is kept
      }
    }
    if (i > maxMirrors) {
      errors.add(
          source
              + ": mirrors: "
              + i
              + " mirrors, more than the "
              + maxMirrors
              + " this reader accepts");
    }
  }

  /** Every error up to {@link #MAX_ERRORS}, then a count of the rest. */
  private static final class Errors {
    private final List<String> list = new ArrayList<>();
    private int count;

    void add(String error) {
      if (count++ < MAX_ERRORS) {
        list.add(error);
      }
    }

    int count() {
      return count;
    }

    boolean isEmpty() {
      return count == 0;
    }

    List<String> list() {
      List<String> out = new ArrayList<>(list);
      if (count > MAX_ERRORS) {
        out.add("... and " + (count - MAX_ERRORS) + " more errors");
      }
      return out;
    }
  }

  private Mirror mirror(Map<?, ?> item, String at, Errors errors) {
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
    if (masquerade.isPresent()) {
      Optional<String> problem = MasqueradeNames.problem(masquerade.get(), nodeNames);
      if (problem.isPresent()) {
        errors.add(at + ".masquerade: " + problem.get());
      }
    }
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

  private static URI endpoint(Map<?, ?> item, String at, Errors errors) {
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

  private static String requiredString(Map<?, ?> item, String key, String at, Errors errors) {
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
      Map<?, ?> item, String key, String at, Errors errors) {
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
