package dev.mirrorgate.webhook.admission;

/**
 * Client-supplied text made fit for a warning or a log line: at most {@value #MAX_CHARS} characters
 * of it, control characters shown as {@code \u0000} escapes, and the length said when it was cut. A
 * 10,000-character image with NUL bytes becomes a short, readable quote.
 */
public final class Quoted {
  public static final int MAX_CHARS = 100;

  private Quoted() {}

  public static String clip(String value) {
    if (value == null) {
      return "";
    }
    int end = Math.min(value.length(), MAX_CHARS);
    StringBuilder out = null;
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
        if (out == null) {
          out = new StringBuilder(end + 16).append(value, 0, i);
        }
        out.append(String.format("\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    String shown = out == null ? value.substring(0, end) : out.toString();
    return value.length() > MAX_CHARS ? shown + "…(" + value.length() + " characters)" : shown;
  }
}
