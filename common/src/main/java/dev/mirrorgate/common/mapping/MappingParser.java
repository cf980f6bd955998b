package dev.mirrorgate.common.mapping;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import dev.mirrorgate.common.image.RepositoryPrefix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a {@link Mapping} from {@code mapping.yaml} or from ImageSwap's {@code maps} syntax, and
 * reports every error of the document with its location.
 *
 * <p>Sources, targets and excludes are {@code host[:port][/path]} prefixes normalized like image
 * names (see {@link RepositoryPrefix}): {@code index.docker.io} is {@code docker.io}, and {@code
 * docker.io/nginx} means {@code docker.io/library/nginx}. The host must be written: {@code nginx}
 * alone is an error. Targets are validated so that a rewritten image re-parses with the target's
 * host as its domain; that is what makes rewriting idempotent.
 */
public final class MappingParser {
  /** ConfigMap key of a mapping.yaml document. */
  public static final String MAPPING_KEY = "mapping.yaml";

  /** ConfigMap key of an ImageSwap maps document. */
  public static final String MAPS_KEY = "maps";

  /**
   * The largest document read, in characters: a ConfigMap holds at most 1 MiB, and parsing stays
   * well under a second at this size.
   */
  public static final int MAX_DOCUMENT_CHARS = 1024 * 1024;

  /** The most rules, excludes or ImageSwap lines one document may hold. */
  public static final int MAX_ENTRIES = 10_000;

  private static final YAMLMapper YAML =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private MappingParser() {}

  /**
   * Parses a mapping.yaml document; {@code origin} prefixes every error (e.g. a file name). An
   * empty document (nothing but whitespace and comments, or {@code null}) is an error: it is what a
   * truncated file looks like; {@code mirrors: []} is the mapping that rewrites nothing.
   */
  public static Mapping parseYaml(String origin, String yaml) throws MappingException {
    checkSize(origin, yaml);
    JsonNode root;
    try {
      root = YAML.readTree(yaml == null ? "" : yaml);
    } catch (JsonProcessingException e) {
      throw new MappingException(List.of(origin + ": " + describeSyntaxError(e)));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new MappingException(
          List.of(
              origin
                  + ": the document is empty (a truncated file?); write \"mirrors: []\" for a"
                  + " mapping that rewrites nothing"));
    }
    List<String> errors = new ArrayList<>();
    if (!root.isObject()) {
      errors.add(
          origin
              + ": expected a mapping with keys \"mirrors\" and \"exclude\", got "
              + typeOf(root));
      throw new MappingException(errors);
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String key = names.next();
      if (!key.equals("mirrors") && !key.equals("exclude")) {
        errors.add(origin + ": unknown key \"" + key + "\" (allowed: mirrors, exclude)");
      }
    }
    int entries = root.path("mirrors").size() + root.path("exclude").size();
    if (entries > MAX_ENTRIES) {
      errors.add(
          origin
              + ": "
              + entries
              + " mirrors and excludes; a mapping holds at most "
              + MAX_ENTRIES);
      throw new MappingException(errors);
    }
    List<MirrorRule> rules = readMirrors(origin, root.get("mirrors"), errors);
    List<String> excludes = readExcludes(origin, root.get("exclude"), errors);
    if (!errors.isEmpty()) {
      throw new MappingException(errors);
    }
    return new Mapping(rules, excludes, List.of(), List.of(), null);
  }

  private static List<MirrorRule> readMirrors(
      String origin, JsonNode mirrors, List<String> errors) {
    List<MirrorRule> rules = new ArrayList<>();
    if (mirrors == null || mirrors.isNull()) {
      return rules;
    }
    if (!mirrors.isArray()) {
      errors.add(origin + ": mirrors: must be a list, got " + typeOf(mirrors));
      return rules;
    }
    Map<String, Integer> sources = new HashMap<>();
    List<Integer> indices = new ArrayList<>();
    for (int i = 0; i < mirrors.size(); i++) {
      JsonNode item = mirrors.get(i);
      String at = origin + ": mirrors[" + i + "]";
      if (!item.isObject()) {
        errors.add(at + ": must be a mapping with source and target, got " + typeOf(item));
        continue;
      }
      for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
        String key = names.next();
        if (!key.equals("source") && !key.equals("target")) {
          errors.add(at + ": unknown key \"" + key + "\" (allowed: source, target)");
        }
      }
      String source = readPrefix(at + ".source", item.get("source"), errors);
      String target = readPrefix(at + ".target", item.get("target"), errors);
      if (source != null) {
        Integer first = sources.putIfAbsent(source, i);
        if (first != null) {
          errors.add(
              at + ".source: \"" + source + "\" is already the source of mirrors[" + first + "]");
          continue;
        }
      }
      if (source != null && target != null) {
        rules.add(new MirrorRule(source, target));
        indices.add(i);
      }
    }
    Map<String, List<Integer>> targets = new HashMap<>();
    for (int j = 0; j < rules.size(); j++) {
      targets.computeIfAbsent(rules.get(j).target(), k -> new ArrayList<>()).add(j);
    }
    for (int i = 0; i < rules.size(); i++) {
      for (int j : rulesWhoseTargetHolds(rules.get(i).source(), targets)) {
        String target = rules.get(j).target();
        {
          errors.add(
              origin
                  + ": mirrors["
                  + indices.get(i)
                  + "].source: \""
                  + rules.get(i).source()
                  + "\" is under the target \""
                  + target
                  + "\" of mirrors["
                  + indices.get(j)
                  + "], so the rule would never apply");
        }
      }
    }
    return rules;
  }

  /**
   * The indices (ascending) of {@code targets} that {@code name} is under: one lookup per path
   * prefix of the name, so checking every source against every target is linear, not quadratic.
   */
  private static List<Integer> rulesWhoseTargetHolds(
      String name, Map<String, List<Integer>> targets) {
    List<Integer> found = new ArrayList<>();
    for (String prefix : pathPrefixes(name)) {
      found.addAll(targets.getOrDefault(prefix, List.of()));
    }
    found.sort(null);
    return found;
  }

  /** {@code a/b/c} → {@code a}, {@code a/b}, {@code a/b/c}: the prefixes it is under. */
  static List<String> pathPrefixes(String name) {
    List<String> prefixes = new ArrayList<>(4);
    for (int slash = name.indexOf('/'); slash >= 0; slash = name.indexOf('/', slash + 1)) {
      prefixes.add(name.substring(0, slash));
    }
    prefixes.add(name);
    return prefixes;
  }

  /** Refuses a document over {@link #MAX_DOCUMENT_CHARS} before parsing it. */
  static void checkSize(String origin, String text) throws MappingException {
    if (text != null && text.length() > MAX_DOCUMENT_CHARS) {
      throw new MappingException(
          List.of(
              origin
                  + ": "
                  + text.length()
                  + " characters; a mapping document holds at most "
                  + MAX_DOCUMENT_CHARS
                  + " (1 MiB, what a ConfigMap holds)"));
    }
  }

  private static List<String> readExcludes(String origin, JsonNode exclude, List<String> errors) {
    Set<String> excludes = new LinkedHashSet<>();
    if (exclude == null || exclude.isNull()) {
      return List.of();
    }
    if (!exclude.isArray()) {
      errors.add(origin + ": exclude: must be a list, got " + typeOf(exclude));
      return List.of();
    }
    for (int i = 0; i < exclude.size(); i++) {
      String prefix = readPrefix(origin + ": exclude[" + i + "]", exclude.get(i), errors);
      if (prefix != null) {
        excludes.add(prefix);
      }
    }
    return List.copyOf(excludes);
  }

  /** A normalized prefix, or null after adding an error. */
  private static String readPrefix(String at, JsonNode value, List<String> errors) {
    if (value == null || value.isNull()) {
      errors.add(at + ": missing");
      return null;
    }
    if (!value.isTextual()) {
      errors.add(at + ": must be a string, got " + typeOf(value));
      return null;
    }
    try {
      return RepositoryPrefix.parse(value.asText()).name();
    } catch (InvalidImageReferenceException e) {
      errors.add(at + ": " + e.reason());
      return null;
    }
  }

  private static String describeSyntaxError(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
      Mark mark = yaml.getProblemMark();
      String context = yaml.getContext() == null ? "" : " (" + yaml.getContext() + ")";
      return "line "
          + (mark.getLine() + 1)
          + ", column "
          + (mark.getColumn() + 1)
          + ": invalid YAML: "
          + yaml.getProblem()
          + context;
    }
    JsonLocation location = e.getLocation();
    String message = e.getOriginalMessage();
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline);
    }
    message = message.strip();
    if (location == null || location.getLineNr() < 0) {
      return "invalid YAML: " + message;
    }
    return "line "
        + location.getLineNr()
        + ", column "
        + location.getColumnNr()
        + ": invalid YAML: "
        + message;
  }

  private static String typeOf(JsonNode node) {
    JsonNodeType type = node.getNodeType();
    return switch (type) {
      case ARRAY -> "a list";
      case OBJECT -> "a mapping";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> type.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /**
   * Parses ImageSwap's line-based {@code maps}; errors are {@code <origin>: line N: ...}.
   *
   * <p>{@code registry::target} is a {@link MirrorRule}; {@code registry::} disables swapping for
   * that prefix ({@link Rewrite.Reason#SWAP_DISABLED}); {@code default::target} and {@code
   * noswap_wildcards::a,b} form the {@link DefaultRule} (host dropped, path kept); {@code
   * [EXACT]src::dst} is an {@link ExactRule}; a target ending in {@code -} gets the image's host
   * and path appended. The full table, and where we differ from ImageSwap on purpose, is in the
   * Javadoc of the package-private class {@code ImageSwapMaps}.
   */
  public static Mapping parseImageSwapMaps(String origin, String text) throws MappingException {
    return ImageSwapMaps.parse(origin, text);
  }

  /**
   * Reads a ConfigMap's data: key {@code mapping.yaml} is preferred, else {@code maps}; errors are
   * located as {@code <origin>/<key>: ...}.
   */
  public static Mapping fromConfigMapData(String origin, Map<String, String> data)
      throws MappingException {
    if (data != null && data.containsKey(MAPPING_KEY)) {
      return parseYaml(origin + "/" + MAPPING_KEY, data.get(MAPPING_KEY));
    }
    if (data != null && data.containsKey(MAPS_KEY)) {
      return parseImageSwapMaps(origin + "/" + MAPS_KEY, data.get(MAPS_KEY));
    }
    Set<String> keys = data == null ? Set.of() : new TreeSet<>(data.keySet());
    throw new MappingException(
        List.of(
            origin
                + ": has neither key \""
                + MAPPING_KEY
                + "\" nor key \""
                + MAPS_KEY
                + "\""
                + (keys.isEmpty() ? " (no keys)" : " (keys: " + String.join(", ", keys) + ")")));
  }
}
