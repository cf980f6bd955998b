package dev.mirrorgate.webhook.ui.data;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * API list pagination, Kubernetes style: {@code ?limit=N} (default {@value #DEFAULT_LIMIT}, at most
 * {@value #MAX_LIMIT}) and {@code ?continue=TOKEN} with the opaque token the previous page
 * returned. A list answer is {@code {"items": [...], "continue": TOKEN or null, "total": N}}.
 */
public record Paging(int offset, int limit) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;
  private static final String PREFIX = "o:";

  /** One page of a list, and the token of the next (null when this is the last). */
  public record Page<T>(List<T> items, String next, int total) {}

  /**
   * Reads the two parameters (each null when absent).
   *
   * @throws IllegalArgumentException naming the parameter and what is wrong with it
   */
  public static Paging parse(String limit, String token) {
    int size = DEFAULT_LIMIT;
    if (limit != null && !limit.isEmpty()) {
      try {
        size = Integer.parseInt(limit);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("limit: \"" + shown(limit) + "\" is not a number");
      }
      if (size < 1 || size > MAX_LIMIT) {
        throw new IllegalArgumentException("limit: " + size + " is not between 1 and " + MAX_LIMIT);
      }
    }
    int offset = 0;
    if (token != null && !token.isEmpty()) {
      try {
        String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        if (!text.startsWith(PREFIX)) {
          throw new IllegalArgumentException(text);
        }
        offset = Integer.parseInt(text.substring(PREFIX.length()));
        if (offset < 0) {
          throw new IllegalArgumentException(text);
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "continue: not a token from a previous page of this list");
      }
    }
    return new Paging(offset, size);
  }

  /** The page of {@code all} this paging selects. */
  public <T> Page<T> apply(List<T> all) {
    int from = Math.min(offset, all.size());
    int to = Math.min(all.size(), from + limit);
    String next =
        to < all.size()
            ? Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((PREFIX + to).getBytes(StandardCharsets.UTF_8))
            : null;
    return new Page<>(all.subList(from, to), next, all.size());
  }

  private static String shown(String text) {
    return text.length() > 20 ? text.substring(0, 20) + "…" : text;
  }
}
