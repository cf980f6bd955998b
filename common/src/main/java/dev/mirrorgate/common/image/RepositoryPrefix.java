package dev.mirrorgate.common.image;

import java.util.Objects;

/**
 * A registry host with an optional repository path prefix, {@code host[:port][/path]}, as written
 * in mapping rules (sources, targets, excludes).
 *
 * <p>The host must be written and must look like one: it contains {@code .} or {@code :}, or is
 * {@code localhost}; hosts are lowercase. Normalization is that of image names: {@code
 * index.docker.io} becomes {@code docker.io}, and a single path component under {@code docker.io}
 * gets {@code library/} ({@code docker.io/nginx} means the official nginx image, as in {@code
 * docker pull docker.io/nginx}), except {@code docker.io/library} itself, the official-images
 * namespace.
 *
 * @param domain the host with optional port
 * @param path the path prefix, empty when the prefix is a whole registry
 */
public record RepositoryPrefix(String domain, String path) {

  public RepositoryPrefix {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(path, "path");
  }

  /**
   * Parses and normalizes a prefix.
   *
   * @throws InvalidImageReferenceException with a reason that names the problem
   */
  public static RepositoryPrefix parse(String text) throws InvalidImageReferenceException {
    if (text == null || text.isEmpty()) {
      throw new InvalidImageReferenceException(text == null ? "" : text, "empty");
    }
    int slash = text.indexOf('/');
    int hostEnd = slash < 0 ? text.length() : slash;
    String host = text.substring(0, hostEnd);
    if (text.indexOf('@') >= 0 || (slash >= 0 && text.indexOf(':', slash) >= 0)) {
      throw new InvalidImageReferenceException(
          text, "\"" + text + "\" must not have a tag or digest");
    }
    if (ReferenceParser.checkDomain(text, 0, hostEnd) != null) {
      throw new InvalidImageReferenceException(text, "\"" + host + "\" is not a registry host");
    }
    if (!ReferenceParser.looksLikeHost(text, 0, hostEnd)) {
      String hint =
          ReferenceParser.checkPath(text, 0, text.length()) == null
              ? "; for Docker Hub write docker.io/" + (slash < 0 ? "library/" + text : text)
              : "";
      throw new InvalidImageReferenceException(
          text,
          "\""
              + host
              + "\" is not a registry host (a host contains \".\" or \":\", or is localhost"
              + hint
              + ")");
    }
    for (int i = 0; i < hostEnd; i++) {
      char c = text.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        throw new InvalidImageReferenceException(
            text, "\"" + host + "\" is not a registry host: write hosts in lowercase");
      }
    }
    String domain =
        host.equals(ReferenceParser.LEGACY_DOCKER_HUB) ? ImageReference.DOCKER_HUB : host;
    String path = "";
    if (slash >= 0) {
      String why = ReferenceParser.checkPath(text, slash + 1, text.length());
      if (why != null) {
        throw new InvalidImageReferenceException(
            text, "path \"" + text.substring(slash + 1) + "\": " + why);
      }
      path = text.substring(slash + 1);
      if (domain.equals(ImageReference.DOCKER_HUB)
          && path.indexOf('/') < 0
          && !path.equals("library")) {
        path = ReferenceParser.OFFICIAL_PREFIX + path;
      }
    }
    int length = domain.length() + (path.isEmpty() ? 0 : path.length() + 1);
    if (length > ImageReference.NAME_MAX_LENGTH) {
      throw new InvalidImageReferenceException(
          text, "name exceeds " + ImageReference.NAME_MAX_LENGTH + " characters");
    }
    return new RepositoryPrefix(domain, path);
  }

  /** {@code domain} or {@code domain/path}. */
  public String name() {
    return path.isEmpty() ? domain : domain + "/" + path;
  }

  @Override
  public String toString() {
    return name();
  }
}
