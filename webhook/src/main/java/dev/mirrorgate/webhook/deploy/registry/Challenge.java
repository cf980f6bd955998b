package dev.mirrorgate.webhook.deploy.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One authentication challenge of a {@code WWW-Authenticate} header (RFC 7235): a scheme and its
 * parameters, e.g. {@code Bearer
 * realm="https://auth.docker.io/token",service="registry.docker.io"}.
 *
 * @param scheme the scheme, lowercase ({@code bearer}, {@code basic})
 * @param params the parameters, names lowercase, values unquoted
 */
public record Challenge(String scheme, Map<String, String> params) {

  public Challenge {
    scheme = scheme.toLowerCase(Locale.ROOT);
    params = Map.copyOf(params);
  }

  public boolean isBearer() {
    return scheme.equals("bearer");
  }

  public boolean isBasic() {
    return scheme.equals("basic");
  }

  /** A parameter by name (case-insensitive). */
  public Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name.toLowerCase(Locale.ROOT)));
  }

  /**
   * Reads every challenge of a header value. A token68 credential (as in {@code Negotiate abc==})
   * is skipped: no registry scheme uses one.
   *
   * @throws IllegalArgumentException saying what is wrong and where
   */
  public static List<Challenge> parse(String header) {
    return new Reader(header).challenges();
  }

  /** The Bearer challenge among {@code headers}, else the Basic one, else empty. */
  public static Optional<Challenge> preferred(List<String> headers) {
    List<Challenge> all = new ArrayList<>();
    for (String header : headers) {
      all.addAll(parse(header));
    }
    return all.stream()
        .filter(Challenge::isBearer)
        .findFirst()
        .or(() -> all.stream().filter(Challenge::isBasic).findFirst());
  }

  private static final class Reader {
    private final String s;
    private int at;

    Reader(String s) {
      this.s = s;
    }

    List<Challenge> challenges() {
      List<Challenge> out = new ArrayList<>();
      String scheme = null;
      Map<String, String> params = new LinkedHashMap<>();
      while (true) {
        skip(" \t,");
        if (at >= s.length()) {
          break;
        }
        int start = at;
        String token = token();
        if (token.isEmpty()) {
          throw bad("expected a scheme or a parameter name, found '" + s.charAt(at) + "'");
        }
        skip(" \t");
        if (at < s.length() && s.charAt(at) == '=') {
          at++;
          skip(" \t");
          if (scheme == null) {
            throw bad("parameter \"" + token + "\" before any scheme", start);
          }
          if (at >= s.length() || s.charAt(at) == ',' || s.charAt(at) == '=') {
            while (at < s.length() && s.charAt(at) == '=') {
              at++; // token68 padding: not a parameter
            }
            continue;
          }
          String value = s.charAt(at) == '"' ? quoted() : bare();
          params.putIfAbsent(token.toLowerCase(Locale.ROOT), value);
        } else {
          if (scheme != null) {
            out.add(new Challenge(scheme, params));
          }
          scheme = token;
          params = new LinkedHashMap<>();
        }
      }
      if (scheme != null) {
        out.add(new Challenge(scheme, params));
      }
      return out;
    }

    private String token() {
      int start = at;
      while (at < s.length() && isTchar(s.charAt(at))) {
        at++;
      }
      return s.substring(start, at);
    }

    /** An unquoted value: a token, leniently anything up to a comma or a space. */
    private String bare() {
      int start = at;
      while (at < s.length() && s.charAt(at) != ',' && s.charAt(at) != ' ') {
        at++;
      }
      return s.substring(start, at);
    }

    private String quoted() {
      int start = at;
      at++;
      StringBuilder out = new StringBuilder();
      while (at < s.length()) {
        char c = s.charAt(at++);
        if (c == '"') {
          return out.toString();
        }
        if (c == '\\') {
          if (at >= s.length()) {
            break;
          }
          c = s.charAt(at++);
        }
        out.append(c);
      }
      throw bad("unterminated quoted string", start);
    }

    private void skip(String chars) {
      while (at < s.length() && chars.indexOf(s.charAt(at)) >= 0) {
        at++;
      }
    }

    private IllegalArgumentException bad(String why) {
      return bad(why, at);
    }

    private IllegalArgumentException bad(String why, int where) {
      return new IllegalArgumentException(
          "WWW-Authenticate \"" + s + "\": " + why + " at character " + (where + 1));
    }

    private static boolean isTchar(char c) {
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
  }
}
