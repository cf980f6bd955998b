package dev.mirrorgate.common.image;

/**
 * Hand-written single-pass parser for the distribution reference grammar (no regular expressions,
 * no exceptions on the valid path). The check methods return null when the input is valid, else a
 * reason.
 */
final class ReferenceParser {
  static final String LEGACY_DOCKER_HUB = "index.docker.io";
  static final String OFFICIAL_PREFIX = "library/";
  private static final int TAG_MAX_LENGTH = 128;

  private ReferenceParser() {}

  static ImageReference parse(String s) throws InvalidImageReferenceException {
    if (s == null || s.isEmpty()) {
      throw new InvalidImageReferenceException(s == null ? "" : s, "reference is empty");
    }
    int len = s.length();
    if (len == 64 && isLowerHex(s, 0, 64)) {
      throw new InvalidImageReferenceException(s, "cannot specify 64-byte hexadecimal strings");
    }
    int at = s.indexOf('@');
    int nameTagEnd = at < 0 ? len : at;
    String digest = null;
    if (at >= 0) {
      digest = s.substring(at + 1);
      String why = checkDigest(digest);
      if (why != null) {
        throw new InvalidImageReferenceException(s, "digest \"" + digest + "\" is invalid: " + why);
      }
    }
    int lastSlash = nameTagEnd == 0 ? -1 : s.lastIndexOf('/', nameTagEnd - 1);
    int colon = s.indexOf(':', lastSlash + 1);
    int nameEnd = nameTagEnd;
    String tag = null;
    if (colon >= 0 && colon < nameTagEnd) {
      if (lastSlash < 0 && s.charAt(0) == '[') {
        throw new InvalidImageReferenceException(
            s, "a domain must be followed by \"/\" and a repository path");
      }
      tag = s.substring(colon + 1, nameTagEnd);
      String why = checkTag(tag);
      if (why != null) {
        throw new InvalidImageReferenceException(s, "tag \"" + tag + "\" is invalid: " + why);
      }
      nameEnd = colon;
    }
    if (nameEnd == 0) {
      throw new InvalidImageReferenceException(s, "repository name is empty");
    }
    int firstSlash = s.indexOf('/');
    String domain;
    int pathStart;
    if (firstSlash > 0 && firstSlash < nameEnd && isDomainCandidate(s, 0, firstSlash)) {
      String why = checkDomain(s, 0, firstSlash);
      if (why != null) {
        throw new InvalidImageReferenceException(
            s,
            looksLikeHost(s, 0, firstSlash)
                ? "invalid domain \"" + s.substring(0, firstSlash) + "\": " + why
                : "repository name must be lowercase");
      }
      domain = s.substring(0, firstSlash);
      if (domain.equals(LEGACY_DOCKER_HUB)) {
        domain = ImageReference.DOCKER_HUB;
      }
      pathStart = firstSlash + 1;
    } else {
      domain = ImageReference.DOCKER_HUB;
      pathStart = 0;
    }
    String why = checkPath(s, pathStart, nameEnd);
    if (why != null) {
      throw new InvalidImageReferenceException(s, why);
    }
    String path = s.substring(pathStart, nameEnd);
    if (domain.equals(ImageReference.DOCKER_HUB) && path.indexOf('/') < 0) {
      path = OFFICIAL_PREFIX + path;
    }
    int nameLength = domain.length() + 1 + path.length();
    if (nameLength > ImageReference.NAME_MAX_LENGTH) {
      throw new InvalidImageReferenceException(
          s,
          "name exceeds "
              + ImageReference.NAME_MAX_LENGTH
              + " characters ("
              + domain
              + "/"
              + path.substring(0, Math.min(20, path.length()))
              + "... has "
              + nameLength
              + ")");
    }
    return new ImageReference(domain, path, tag, digest);
  }

  /** Docker's rule for "the first component is a domain". */
  static boolean isDomainCandidate(String s, int from, int to) {
    if (to - from == 9 && s.startsWith("localhost", from)) {
      return true;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '.' || c == ':' || (c >= 'A' && c <= 'Z')) {
        return true;
      }
    }
    return false;
  }

  /** A first component with {@code .}, {@code :} or equal to localhost: meant as a host. */
  static boolean looksLikeHost(String s, int from, int to) {
    if (to - from == 9 && s.startsWith("localhost", from)) {
      return true;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '.' || c == ':') {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code host[:port]}: host is a DNS name (components of letters, digits and inner hyphens,
   * joined by dots), an IPv4 address, or a bracketed IPv6 address.
   */
  static String checkDomain(String s, int from, int to) {
    if (from == to) {
      return "empty";
    }
    int i = from;
    if (s.charAt(i) == '[') {
      int close = s.indexOf(']', i);
      if (close < 0 || close >= to) {
        return "missing \"]\" after the IPv6 address";
      }
      if (close == i + 1) {
        return "empty IPv6 address";
      }
      for (int j = i + 1; j < close; j++) {
        char c = s.charAt(j);
        if (!(isHex(c) || c == ':')) {
          return "unexpected character '"
              + c
              + "' in the IPv6 address (zones and embedded IPv4 are not allowed)";
        }
      }
      i = close + 1;
    } else {
      while (true) {
        if (i == to || !isAlnum(s.charAt(i))) {
          return i == to || s.charAt(i) == '.' || s.charAt(i) == ':'
              ? "empty host component"
              : describeHostChar(s.charAt(i));
        }
        char last = 0;
        while (i < to) {
          char c = s.charAt(i);
          if (isAlnum(c) || c == '-') {
            last = c;
            i++;
          } else {
            break;
          }
        }
        if (last == '-') {
          return "a host component must not end with \"-\"";
        }
        if (i < to && s.charAt(i) == '.') {
          i++;
          continue;
        }
        break;
      }
    }
    if (i < to && s.charAt(i) == ':') {
      i++;
      if (i == to) {
        return "empty port";
      }
      while (i < to) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          return "port must be digits, found '" + c + "'";
        }
        i++;
      }
    }
    if (i < to) {
      return describeHostChar(s.charAt(i));
    }
    return null;
  }

  private static String describeHostChar(char c) {
    if (c == '-') {
      return "a host component must start with a letter or digit";
    }
    return "unexpected character '" + c + "'";
  }

  /**
   * Path components of lowercase letters and digits, joined inside a component by {@code .}, {@code
   * _}, {@code __} or runs of {@code -}; components joined by {@code /}.
   */
  static String checkPath(String s, int from, int to) {
    int i = from;
    if (i == to) {
      return "repository name is empty";
    }
    while (true) {
      char c = s.charAt(i);
      if (c == '/') {
        return i == from
            ? "repository name must not start with \"/\""
            : "repository name must not contain \"//\"";
      }
      // one component: alnum runs joined by separators
      while (true) {
        c = s.charAt(i);
        if (!isLowerAlnum(c)) {
          return describeStart(c);
        }
        i++;
        while (i < to && isLowerAlnum(s.charAt(i))) {
          i++;
        }
        if (i == to) {
          return null;
        }
        c = s.charAt(i);
        if (c == '/') {
          i++;
          if (i == to) {
            return "repository name must not end with \"/\"";
          }
          break;
        }
        int sepStart = i;
        if (c == '.') {
          i++;
        } else if (c == '_') {
          i++;
          if (i < to && s.charAt(i) == '_') {
            i++;
          }
        } else if (c == '-') {
          while (i < to && s.charAt(i) == '-') {
            i++;
          }
        } else {
          return describeChar(c);
        }
        if (i == to || s.charAt(i) == '/') {
          return "a path component must not end with \"" + s.substring(sepStart, i) + "\"";
        }
        char next = s.charAt(i);
        if (next == '.' || next == '_' || next == '-') {
          int end = i;
          while (end < to
              && (s.charAt(end) == '.' || s.charAt(end) == '_' || s.charAt(end) == '-')) {
            end++;
          }
          return "invalid separator \""
              + s.substring(sepStart, end)
              + "\" (allowed: \".\", \"_\", \"__\" or a run of \"-\")";
        }
      }
    }
  }

  private static String describeStart(char c) {
    if (c >= 'A' && c <= 'Z') {
      return "repository name must be lowercase";
    }
    if (c == '.' || c == '_' || c == '-') {
      return "a path component must start with a lowercase letter or digit, not '" + c + "'";
    }
    return describeChar(c);
  }

  private static String describeChar(char c) {
    if (c >= 'A' && c <= 'Z') {
      return "repository name must be lowercase";
    }
    if (c == ':') {
      return "unexpected ':' in the repository name";
    }
    return "invalid character '" + c + "' in the repository name";
  }

  /** {@code [\w][\w.-]{0,127}}. */
  static String checkTag(String tag) {
    int len = tag.length();
    if (len == 0) {
      return "empty";
    }
    if (len > TAG_MAX_LENGTH) {
      return "longer than " + TAG_MAX_LENGTH + " characters";
    }
    char first = tag.charAt(0);
    if (!isWord(first)) {
      return "must start with a letter, digit or \"_\"";
    }
    for (int i = 1; i < len; i++) {
      char c = tag.charAt(i);
      if (!(isWord(c) || c == '.' || c == '-')) {
        return "unexpected character '" + c + "' (allowed: letters, digits, \"_\", \".\", \"-\")";
      }
    }
    return null;
  }

  /**
   * {@code algorithm:hex}: the algorithm grammar of distribution ({@code [A-Za-z][A-Za-z0-9]*}
   * components joined by {@code [-_+.]}), then go-digest's rules: sha256, sha384 or sha512 with
   * exactly 64, 96 or 128 lowercase hex characters.
   */
  static String checkDigest(String d) {
    int colon = d.indexOf(':');
    if (colon < 0) {
      return "expected \"algorithm:hex\"";
    }
    if (colon == 0) {
      return "missing algorithm before \":\"";
    }
    boolean componentStart = true;
    for (int i = 0; i < colon; i++) {
      char c = d.charAt(i);
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (componentStart) {
        if (!letter) {
          return "invalid algorithm \"" + d.substring(0, colon) + "\"";
        }
        componentStart = false;
      } else if (c == '-' || c == '_' || c == '+' || c == '.') {
        componentStart = true;
      } else if (!(letter || (c >= '0' && c <= '9'))) {
        return "invalid algorithm \"" + d.substring(0, colon) + "\"";
      }
    }
    if (componentStart) {
      return "invalid algorithm \"" + d.substring(0, colon) + "\"";
    }
    int hexLength = d.length() - colon - 1;
    if (hexLength == 0) {
      return "missing hex after \":\"";
    }
    boolean lower = true;
    for (int i = colon + 1; i < d.length(); i++) {
      char c = d.charAt(i);
      if (!isHex(c)) {
        return "unexpected character '" + c + "' in the hex part";
      }
      if (c >= 'A' && c <= 'F') {
        lower = false;
      }
    }
    int expected;
    if (colon == 6 && d.startsWith("sha256")) {
      expected = 64;
    } else if (colon == 6 && d.startsWith("sha384")) {
      expected = 96;
    } else if (colon == 6 && d.startsWith("sha512")) {
      expected = 128;
    } else {
      return "unsupported digest algorithm \""
          + d.substring(0, colon)
          + "\" (supported: sha256, sha384, sha512)";
    }
    if (hexLength != expected) {
      return d.substring(0, colon) + " needs " + expected + " hex characters, found " + hexLength;
    }
    if (!lower) {
      return "hex must be lowercase";
    }
    return null;
  }

  static boolean isLowerHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean isAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
  }

  static boolean isLowerAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  private static boolean isWord(char c) {
    return isAlnum(c) || c == '_';
  }
}
