package dev.mirrorgate.common.mapping;

import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import dev.mirrorgate.common.image.RepositoryPrefix;
import dev.mirrorgate.common.mapping.Rewrite.Reason;
import dev.mirrorgate.common.mapping.Rewrite.Rewritten;
import dev.mirrorgate.common.mapping.Rewrite.Unchanged;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A validated set of mirror rules, compiled for fast rewriting (immutable, thread-safe).
 *
 * <p>Rewriting one image: normalize it; if it is under an {@code exclude} prefix it is kept
 * (EXCLUDED); if it is already under any rule's target it is kept (ALREADY_MIRRORED); an ImageSwap
 * {@code [EXACT]} rule for it applies; else the longest {@code source} prefix that ends at a path
 * component boundary wins (hosts compare with their port) and its prefix is replaced by the target,
 * the rest of the path, the tag and the digest kept as written; else the ImageSwap {@code default}
 * applies, if any. All prefix checks are HashMap lookups of the name's prefixes ({@code domain},
 * {@code domain/a}, {@code domain/a/b}, ...), so the cost does not grow with the number of rules.
 *
 * <p>A rewrite whose name would exceed 255 characters is not done: the image is kept ({@link
 * Reason#REWRITE_TOO_LONG}), because the image the user wrote is valid and the pod runs as asked.
 */
public final class Mapping {
  private static final Mapping EMPTY =
      new Mapping(List.of(), List.of(), List.of(), List.of(), null);

  private final List<MirrorRule> rules;
  private final List<String> excludes;
  private final List<String> disabledSources;
  private final List<ExactRule> exactRules;
  private final DefaultRule defaultRule;

  private final Map<String, Node> nodes = new HashMap<>();
  private final Set<String> domains = new HashSet<>();
  private final Map<String, ExactRule> exactBySource = new HashMap<>();
  private final Set<String> exactTargets = new HashSet<>();
  private final String[] hostAppendingTargets;
  private final boolean defaultToHub;

  /** Node of the prefix index: what is known about one prefix. */
  private static final class Node {
    boolean excluded;
    boolean target;
    boolean disabled;
    MirrorRule rule;
    boolean toHub;

    boolean hasAction() {
      return disabled || rule != null;
    }
  }

  /** Inputs must be normalized and validated (see {@link MappingParser}). */
  Mapping(
      List<MirrorRule> rules,
      List<String> excludes,
      List<String> disabledSources,
      List<ExactRule> exactRules,
      DefaultRule defaultRule) {
    this.rules = List.copyOf(rules);
    this.excludes = List.copyOf(excludes);
    this.disabledSources = List.copyOf(disabledSources);
    this.exactRules = List.copyOf(exactRules);
    this.defaultRule = defaultRule;
    List<String> appending = new ArrayList<>();
    for (String exclude : excludes) {
      node(exclude).excluded = true;
    }
    for (MirrorRule rule : rules) {
      Node source = node(rule.source());
      source.rule = rule;
      source.toHub = isHub(rule.target());
      if (rule.appendsHost()) {
        appending.add(rule.target());
      } else {
        node(rule.target()).target = true;
      }
    }
    for (String source : disabledSources) {
      node(source).disabled = true;
    }
    for (ExactRule rule : exactRules) {
      exactBySource.put(rule.source().qualified(), rule);
      exactTargets.add(rule.target().qualified());
    }
    if (defaultRule != null && defaultRule.target() != null) {
      if (defaultRule.appendsHost()) {
        appending.add(defaultRule.target());
      } else {
        node(defaultRule.target()).target = true;
      }
    }
    this.defaultToHub = defaultRule != null && isHub(defaultRule.target());
    this.hostAppendingTargets = appending.toArray(String[]::new);
  }

  /**
   * Prefix rules and excludes given in code (tests, tools); each prefix is normalized like in
   * mapping.yaml. Prefer {@link MappingParser}, which reports every error of a document.
   *
   * @throws IllegalArgumentException on an invalid prefix or a duplicate source
   */
  public Mapping(List<MirrorRule> rules, List<String> excludes) {
    this(
        normalized(rules),
        excludes.stream().map(Mapping::prefix).distinct().toList(),
        List.of(),
        List.of(),
        null);
  }

  private static List<MirrorRule> normalized(List<MirrorRule> rules) {
    List<MirrorRule> out = new ArrayList<>();
    Set<String> sources = new HashSet<>();
    for (MirrorRule rule : rules) {
      MirrorRule normal = new MirrorRule(prefix(rule.source()), prefix(rule.target()));
      if (!sources.add(normal.source())) {
        throw new IllegalArgumentException("duplicate source \"" + normal.source() + "\"");
      }
      out.add(normal);
    }
    return out;
  }

  private static String prefix(String text) {
    try {
      return RepositoryPrefix.parse(text).name();
    } catch (InvalidImageReferenceException e) {
      throw new IllegalArgumentException(e.reason(), e);
    }
  }

  private Node node(String prefix) {
    int slash = prefix.indexOf('/');
    domains.add(slash < 0 ? prefix : prefix.substring(0, slash));
    return nodes.computeIfAbsent(prefix, p -> new Node());
  }

  private static boolean isHub(String target) {
    return target != null
        && (target.equals(ImageReference.DOCKER_HUB) || target.startsWith("docker.io/"));
  }

  /** A mapping without rules: every image is unchanged. */
  public static Mapping empty() {
    return EMPTY;
  }

  /** Parses and rewrites {@code image}; never throws ({@link Rewrite.Invalid} on a bad one). */
  public Rewrite rewrite(String image) {
    ImageReference reference;
    try {
      reference = ImageReference.parse(image);
    } catch (InvalidImageReferenceException e) {
      return new Rewrite.Invalid(image, e.reason());
    }
    return rewrite(reference);
  }

  /** Rewrites a parsed image. */
  public Rewrite rewrite(ImageReference image) {
    String domain = image.domain();
    String name = null;
    boolean excluded = false;
    boolean mirrored = false;
    Node match = null;
    if (domains.contains(domain)) {
      name = image.name();
      int domainEnd = domain.length();
      int end = name.length();
      while (true) {
        Node node = nodes.get(end == name.length() ? name : name.substring(0, end));
        if (node != null) {
          excluded |= node.excluded;
          mirrored |= node.target;
          if (match == null && node.hasAction()) {
            match = node;
          }
        }
        if (end == domainEnd) {
          break;
        }
        end = name.lastIndexOf('/', end - 1);
      }
    }
    if (excluded) {
      return new Unchanged(image, Reason.EXCLUDED);
    }
    if (mirrored) {
      return new Unchanged(image, Reason.ALREADY_MIRRORED);
    }
    if (hostAppendingTargets.length > 0) {
      if (name == null) {
        name = image.name();
      }
      for (String target : hostAppendingTargets) {
        if (name.startsWith(target)) {
          return new Unchanged(image, Reason.ALREADY_MIRRORED);
        }
      }
    }
    if (!exactBySource.isEmpty()) {
      String qualified = image.qualified();
      if (exactTargets.contains(qualified)) {
        return new Unchanged(image, Reason.ALREADY_MIRRORED);
      }
      ExactRule exact = exactBySource.get(qualified);
      if (exact != null) {
        return new Rewritten(image, exact.target().qualified(), exact.describe());
      }
    }
    if (match != null) {
      if (match.disabled) {
        return new Unchanged(image, Reason.SWAP_DISABLED);
      }
      MirrorRule rule = match.rule;
      if (rule.appendsHost()) {
        return appendHost(image, rule.target(), rule.describe());
      }
      String rest = name.substring(rule.source().length());
      if (rest.isEmpty() && rule.target().indexOf('/') < 0) {
        // the image is the source itself and the target is a bare host: no repository left
        return new Unchanged(image, Reason.REWRITE_INVALID);
      }
      String renamed = rule.target() + rest;
      return render(image, match.toHub ? hubName(renamed) : renamed, rule.describe());
    }
    if (defaultRule != null) {
      return rewriteByDefault(image);
    }
    return new Unchanged(image, Reason.NO_RULE);
  }

  private Rewrite rewriteByDefault(ImageReference image) {
    List<String> wildcards = defaultRule.noSwapWildcards();
    if (!wildcards.isEmpty()) {
      String qualified = image.qualified();
      for (String wildcard : wildcards) {
        if (qualified.contains(wildcard)) {
          return new Unchanged(image, Reason.EXCLUDED);
        }
      }
    }
    String target = defaultRule.target();
    if (target == null) {
      return new Unchanged(image, Reason.NO_RULE);
    }
    if (defaultRule.appendsHost()) {
      return appendHost(image, target, defaultRule.describe());
    }
    String renamed = target + "/" + image.path();
    return render(image, defaultToHub ? hubName(renamed) : renamed, defaultRule.describe());
  }

  /** ImageSwap's {@code -} targets: {@code target + host (no port) + "/" + path}. */
  private static Rewrite appendHost(ImageReference image, String target, String rule) {
    String host = image.domain();
    int portColon = host.lastIndexOf(':');
    if (portColon > host.lastIndexOf(']')) {
      host = host.substring(0, portColon);
    }
    String renamed = target + host.toLowerCase(Locale.ROOT) + "/" + image.path();
    if (renamed.length() > ImageReference.NAME_MAX_LENGTH) {
      return new Unchanged(image, Reason.REWRITE_TOO_LONG);
    }
    try {
      if (!ImageReference.parse(renamed).name().equals(renamed)) {
        return new Unchanged(image, Reason.REWRITE_INVALID);
      }
    } catch (InvalidImageReferenceException e) {
      return new Unchanged(image, Reason.REWRITE_INVALID);
    }
    return render(image, renamed, rule);
  }

  private static Rewrite render(ImageReference image, String renamed, String rule) {
    if (renamed.length() > ImageReference.NAME_MAX_LENGTH) {
      return new Unchanged(image, Reason.REWRITE_TOO_LONG);
    }
    String tag = image.tag();
    String digest = image.digest();
    if (tag == null && digest == null) {
      return new Rewritten(image, renamed, rule);
    }
    StringBuilder out = new StringBuilder(renamed.length() + 80).append(renamed);
    if (tag != null) {
      out.append(':').append(tag);
    }
    if (digest != null) {
      out.append('@').append(digest);
    }
    return new Rewritten(image, out.toString(), rule);
  }

  /** Docker Hub names need two components: {@code docker.io/x} is {@code docker.io/library/x}. */
  private static String hubName(String name) {
    if (name.startsWith("docker.io/") && name.indexOf('/', 10) < 0) {
      return "docker.io/library/" + name.substring(10);
    }
    return name;
  }

  /**
   * This mapping plus {@code extra} prefix rules (the services-mode mirrors of {@code
   * mirrors.yaml}), each normalized; on a source this mapping already has a rule or a disabled
   * entry for, this mapping's wins. Excludes, exact and default rules are kept.
   *
   * @throws IllegalArgumentException on an invalid prefix
   */
  public Mapping withRules(List<MirrorRule> extra) {
    if (extra.isEmpty()) {
      return this;
    }
    Set<String> taken = new HashSet<>(disabledSources);
    rules.forEach(r -> taken.add(r.source()));
    List<MirrorRule> merged = new ArrayList<>(rules);
    for (MirrorRule rule : normalized(extra)) {
      if (taken.add(rule.source())) {
        merged.add(rule);
      }
    }
    return new Mapping(merged, excludes, disabledSources, exactRules, defaultRule);
  }

  /** The prefix rules ({@code mirrors} of mapping.yaml, ImageSwap {@code registry::target}). */
  public List<MirrorRule> rules() {
    return rules;
  }

  /** The normalized {@code exclude} prefixes. */
  public List<String> excludes() {
    return excludes;
  }

  /** Sources whose swapping is disabled (ImageSwap {@code registry::}). */
  public List<String> disabledSources() {
    return disabledSources;
  }

  /** ImageSwap {@code [EXACT]} rules. */
  public List<ExactRule> exactRules() {
    return exactRules;
  }

  /** ImageSwap {@code default} (with its noswap wildcards), if the mapping has one. */
  public Optional<DefaultRule> defaultRule() {
    return Optional.ofNullable(defaultRule);
  }

  @Override
  public String toString() {
    return "Mapping[rules="
        + rules
        + ", excludes="
        + excludes
        + ", disabled="
        + disabledSources
        + ", exact="
        + exactRules
        + ", default="
        + defaultRule
        + "]";
  }
}
