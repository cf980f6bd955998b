package dev.mirrorgate.common.mapping;

/**
 * A prefix rule: images under {@code source} move under {@code target}, the rest of the path kept.
 * Both are normalized {@code host[:port][/path]} prefixes. From ImageSwap a target may end with
 * {@code -}; then the image's host (without port) and its whole path are appended to it.
 */
public record MirrorRule(String source, String target) {

  /** E.g. {@code docker.io => m.local:5000/dockerhub}; names the rule in rewrites and logs. */
  public String describe() {
    return source + " => " + target;
  }

  boolean appendsHost() {
    return target.endsWith("-");
  }
}
