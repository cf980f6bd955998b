package dev.mirrorgate.webhook.admission;

/**
 * Client-supplied text made fit for a warning or a log line: at most about {@value #MAX_CHARS}
 * characters shown, control characters as {@code \u0000} escapes, and the length said when it was
 * cut. A 10,000-character image with NUL bytes becomes a short, readable quote.
 */
public final class Quoted {
  public static final int MAX_CHARS = 100;

  private Quoted() {}

  public static String clip(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_CHARS) + 32);
    int i = 0;
    for (; i < value.length() && out.length() < MAX_CHARS; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (i < value.length()) {
      out.append("…(").append(value.length()).append(" characters)");
    }
    return out.toString();
  }
}
