package dev.mirrorgate.common.mapping;

import java.util.List;

/**
 * ImageSwap {@code default::target} with its {@code noswap_wildcards}: an image that no other rule
 * matches moves to {@code target} with its registry host dropped and its path kept ({@code
 * quay.io/a/b:1 -> target/a/b:1}); images containing one of {@code noSwapWildcards} are kept.
 *
 * @param target the target prefix, or null for {@code default::} (no swap)
 */
public record DefaultRule(String target, List<String> noSwapWildcards) {

  public DefaultRule {
    noSwapWildcards = List.copyOf(noSwapWildcards);
  }

  /** E.g. {@code default => harbor.example.com}. */
  public String describe() {
    return "default => " + (target == null ? "(no swap)" : target);
  }

  boolean appendsHost() {
    return target != null && target.endsWith("-");
  }
}
