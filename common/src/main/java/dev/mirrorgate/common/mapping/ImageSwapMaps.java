package dev.mirrorgate.common.mapping;

import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import dev.mirrorgate.common.image.RepositoryPrefix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads ImageSwap's {@code maps} (phenixblue/imageswap-webhook, MAPS mode) into a {@link Mapping}.
 *
 * <p>Lines: {@code #} starts a comment (whole line or trailing), blank lines are skipped, spaces
 * are removed, key and value are split at {@code ::} (ImageSwap's deprecated single {@code :} is
 * accepted when the line has exactly one colon). How each line maps onto our model:
 *
 * <table>
 *   <caption>ImageSwap lines and their meaning here</caption>
 *   <tr><th>line</th><th>here</th></tr>
 *   <tr><td>{@code registry::target}</td><td>{@link MirrorRule}: the registry host (or {@code
 *       host/path} prefix, e.g. ImageSwap's {@code docker.io/library}) replaced by the target,
 *       path kept</td></tr>
 *   <tr><td>{@code registry::prefix-} (target ending in {@code -})</td><td>{@link MirrorRule}
 *       whose target gets the image's host (no port) and whole path appended: {@code
 *       m.local/mirror-docker.io/library/nginx}</td></tr>
 *   <tr><td>{@code registry::}</td><td>a disabled source: {@link Rewrite.Reason#SWAP_DISABLED}
 *       (the longest prefix still wins, so {@code docker.io::} with {@code
 *       docker.io/library::x} swaps only official images)</td></tr>
 *   <tr><td>{@code default::target}</td><td>{@link DefaultRule}: images no rule matches move to
 *       the target, host dropped, path kept; {@code default::} swaps nothing else</td></tr>
 *   <tr><td>{@code noswap_wildcards::a,b}</td><td>images whose {@code name[:tag][@digest]}
 *       contains {@code a} or {@code b} are not swapped by {@code default} (EXCLUDED); registry
 *       rules still apply to them, as in ImageSwap</td></tr>
 *   <tr><td>{@code [EXACT]src::dst}</td><td>{@link ExactRule}, checked before prefix
 *       rules</td></tr>
 * </table>
 *
 * <p>Differences from ImageSwap, all on purpose: images are normalized first, so {@code nginx}
 * under a {@code docker.io::m.local/hub} rule becomes {@code m.local/hub/library/nginx} (the path a
 * registry pull-through cache needs) where ImageSwap writes {@code m.local/hub/nginx}; the registry
 * is found by the distribution grammar ({@code localhost:5000/x} has host {@code localhost:5000});
 * ports are significant (no fallback from {@code quay.io:443} to {@code quay.io}); {@code [EXACT]}
 * compares normalized references ({@code nginx:1} equals {@code docker.io/library/nginx:1}; no tag
 * is implied); images already under a target are never swapped again; a missing {@code default}
 * line, a duplicate key and {@code [REPLACE]} lines are errors instead of being skipped or
 * overwritten.
 */
final class ImageSwapMaps {
  private static final String DEFAULT_KEY = "default";
  private static final String WILDCARDS_KEY = "noswap_wildcards";
  private static final String EXACT = "[EXACT]";
  private static final String REPLACE = "[REPLACE]";

  private ImageSwapMaps() {}

  static Mapping parse(String origin, String text) throws MappingException {
    MappingParser.checkSize(origin, text);
    List<String> errors = new ArrayList<>();
    List<MirrorRule> rules = new ArrayList<>();
    List<String> disabled = new ArrayList<>();
    List<ExactRule> exact = new ArrayList<>();
    Map<String, Integer> keyLines = new HashMap<>();
    Map<String, Integer> sourceLines = new TreeMap<>();
    Map<String, Integer> targetLines = new TreeMap<>();
    String defaultTarget = null;
    int defaultLine = 0;
    List<String> wildcards = new ArrayList<>();
    String[] lines = (text == null ? "" : text).split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNumber = i + 1;
      String at = origin + ": line " + lineNumber + ": ";
      String line = stripped(lines[i]);
      if (line.isEmpty()) {
        continue;
      }
      if (keyLines.size() >= MappingParser.MAX_ENTRIES) {
        errors.add(at + "more than " + MappingParser.MAX_ENTRIES + " rules; a mapping holds fewer");
        break;
      }
      String key;
      String value;
      int separator = separatorIndex(line, 0);
      if (separator >= 0) {
        key = line.substring(0, separator);
        value = line.substring(separator + 2);
        if (separatorIndex(value, 0) >= 0) {
          errors.add(at + "more than one \"::\" in \"" + line + "\"");
          continue;
        }
      } else {
        int colon = line.indexOf(':');
        if (colon < 0) {
          errors.add(at + "expected \"key::value\", got \"" + line + "\"");
          continue;
        }
        if (line.indexOf(':', colon + 1) >= 0) {
          errors.add(
              at + "use \"::\" between key and value (a port needs it), got \"" + line + "\"");
          continue;
        }
        key = line.substring(0, colon);
        value = line.substring(colon + 1);
      }
      if (key.isEmpty()) {
        errors.add(at + "missing key before \"::\"");
        continue;
      }
      Integer first = keyLines.putIfAbsent(canonicalKey(key), lineNumber);
      if (first != null) {
        errors.add(at + "\"" + key + "\" is already mapped on line " + first);
        continue;
      }
      if (key.equals(DEFAULT_KEY)) {
        defaultLine = lineNumber;
        if (!value.isEmpty()) {
          defaultTarget = target(at, value, errors);
          if (defaultTarget != null && !defaultTarget.endsWith("-")) {
            targetLines.put(defaultTarget, lineNumber);
          }
        }
      } else if (key.equals(WILDCARDS_KEY)) {
        for (String wildcard : value.split(",")) {
          if (!wildcard.isEmpty()) {
            wildcards.add(wildcard);
          }
        }
      } else if (key.startsWith(EXACT)) {
        ExactRule rule = exactRule(at, key.substring(EXACT.length()), value, errors);
        if (rule != null) {
          exact.add(rule);
        }
      } else if (key.startsWith(REPLACE)) {
        errors.add(at + "[REPLACE] rules are not supported (use a registry rule or [EXACT])");
      } else {
        String source;
        try {
          source = RepositoryPrefix.parse(key).name();
        } catch (InvalidImageReferenceException e) {
          errors.add(at + "key: " + e.reason());
          continue;
        }
        if (value.isEmpty()) {
          disabled.add(source);
          sourceLines.put(source, lineNumber);
        } else {
          String target = target(at, value, errors);
          if (target != null) {
            rules.add(new MirrorRule(source, target));
            sourceLines.put(source, lineNumber);
            if (!target.endsWith("-")) {
              targetLines.put(target, lineNumber);
            }
          }
        }
      }
    }
    for (Map.Entry<String, Integer> source : sourceLines.entrySet()) {
      // Each path prefix of the source looked up among the targets: linear, not sources × targets.
      List<String> under = new ArrayList<>();
      for (String prefix : MappingParser.pathPrefixes(source.getKey())) {
        if (targetLines.containsKey(prefix)) {
          under.add(prefix);
        }
      }
      under.sort(null);
      for (String prefix : under) {
        Map.Entry<String, Integer> target = Map.entry(prefix, targetLines.get(prefix));
        {
          errors.add(
              origin
                  + ": line "
                  + source.getValue()
                  + ": \""
                  + source.getKey()
                  + "\" is under the target \""
                  + target.getKey()
                  + "\" of line "
                  + target.getValue()
                  + ", so the rule would never apply");
        }
      }
    }
    if (defaultLine == 0) {
      errors.add(
          origin
              + ": no \"default\" line (ImageSwap requires one; write \"default::\" to swap"
              + " only the registries listed)");
    }
    if (!errors.isEmpty()) {
      throw new MappingException(errors);
    }
    return new Mapping(
        rules, List.of(), disabled, exact, new DefaultRule(defaultTarget, wildcards));
  }

  /** The line without comment and whitespace. */
  private static String stripped(String raw) {
    int hash = raw.indexOf('#');
    String line = hash >= 0 ? raw.substring(0, hash) : raw;
    StringBuilder out = new StringBuilder(line.length());
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (!Character.isWhitespace(c)) {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Index of the first {@code ::} outside brackets (IPv6 hosts contain {@code ::}), or -1. */
  private static int separatorIndex(String s, int from) {
    int depth = 0;
    for (int i = from; i < s.length() - 1; i++) {
      char c = s.charAt(i);
      if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth = Math.max(0, depth - 1);
      } else if (c == ':' && depth == 0 && s.charAt(i + 1) == ':') {
        return i;
      }
    }
    return -1;
  }

  /** Keys that mean the same rule collide: registry keys compare normalized. */
  private static String canonicalKey(String key) {
    if (key.equals(DEFAULT_KEY) || key.equals(WILDCARDS_KEY)) {
      return key;
    }
    try {
      if (key.startsWith(EXACT)) {
        return EXACT + ImageReference.parse(key.substring(EXACT.length())).qualified();
      }
      return RepositoryPrefix.parse(key).name();
    } catch (InvalidImageReferenceException e) {
      return key;
    }
  }

  /** A validated target; ImageSwap's trailing {@code -} is allowed. */
  private static String target(String at, String value, List<String> errors) {
    try {
      if (value.endsWith("-")) {
        String probe = value + "x";
        if (!RepositoryPrefix.parse(probe).name().equals(probe)) {
          errors.add(at + "target: \"" + value + "\" cannot be used as a prefix");
          return null;
        }
        return value;
      }
      return RepositoryPrefix.parse(value).name();
    } catch (InvalidImageReferenceException e) {
      errors.add(at + "target: " + e.reason());
      return null;
    }
  }

  private static ExactRule exactRule(String at, String source, String target, List<String> errors) {
    ImageReference from = null;
    ImageReference to = null;
    try {
      from = ImageReference.parse(source);
    } catch (InvalidImageReferenceException e) {
      errors.add(at + "[EXACT] source: " + e.getMessage());
    }
    if (target.isEmpty()) {
      errors.add(at + "[EXACT] needs a target image after \"::\"");
    } else {
      try {
        to = ImageReference.parse(target);
      } catch (InvalidImageReferenceException e) {
        errors.add(at + "[EXACT] target: " + e.getMessage());
      }
    }
    return from == null || to == null ? null : new ExactRule(from, to);
  }
}
