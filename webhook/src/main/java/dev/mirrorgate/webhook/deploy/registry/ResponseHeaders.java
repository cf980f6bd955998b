package dev.mirrorgate.webhook.deploy.registry;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The registry answer headers mirrorgate reads: {@code Retry-After}, {@code Link}, digests. */
final class ResponseHeaders {
  private static final Pattern LINK =
      Pattern.compile("<([^>]*)>\\s*((?:;\\s*[^;,]+)*)", Pattern.CASE_INSENSITIVE);
  private static final Pattern REL_NEXT =
      Pattern.compile(";\\s*rel\\s*=\\s*\"?([^\";]*)\"?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}");

  private ResponseHeaders() {}

  /**
   * A {@code Retry-After} value (seconds, or an HTTP date) as a wait from {@code now}; empty when
   * absent or unreadable. A date in the past is zero.
   */
  static Optional<Duration> retryAfter(Optional<String> header, Instant now) {
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String v = header.get().trim();
    if (!v.isEmpty() && v.length() <= 10 && v.chars().allMatch(Character::isDigit)) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The {@code rel="next"} target of a {@code Link} header, resolved against {@code base}. */
  static Optional<URI> nextLink(Optional<String> header, URI base) {
    if (header.isEmpty()) {
      return Optional.empty();
    }
    Matcher link = LINK.matcher(header.get());
    while (link.find()) {
      Matcher rel = REL_NEXT.matcher(link.group(2));
      while (rel.find()) {
        for (String value : rel.group(1).trim().split("\\s+")) {
          if (value.equalsIgnoreCase("next")) {
            try {
              return Optional.of(base.resolve(link.group(1).trim()));
            } catch (IllegalArgumentException e) {
              return Optional.empty();
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Whether {@code digest} is a well-formed sha256 or sha512 digest. */
  static boolean isDigest(String digest) {
    return digest != null && DIGEST.matcher(digest).matches();
  }
}
