package dev.mirrorgate.webhook.ui.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/** URLs the pages link to, with every part encoded. */
final class Links {
  private Links() {}

  static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** {@code path?k=v&…} with the non-empty parameters, in order. */
  static String query(String path, Map<String, String> parameters) {
    String query =
        parameters.entrySet().stream()
            .filter(e -> e.getValue() != null && !e.getValue().isEmpty())
            .map(e -> segment(e.getKey()) + "=" + segment(e.getValue()))
            .collect(Collectors.joining("&"));
    return query.isEmpty() ? path : path + "?" + query;
  }

  static String withPage(String base, int page) {
    return base + (base.contains("?") ? "&" : "?") + "page=" + page;
  }

  /**
   * Where to go after login: a path of this site only ({@code /…}, not {@code //host} nor a
   * backslash trick), else the overview.
   */
  static String safeNext(String next) {
    if (next == null
        || !next.startsWith("/")
        || next.startsWith("//")
        || next.contains("\\")
        || next.length() > 1000
        || next.chars().anyMatch(c -> c < 0x20)) {
      return "/";
    }
    return next;
  }
}
