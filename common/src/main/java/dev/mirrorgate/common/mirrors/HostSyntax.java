package dev.mirrorgate.common.mirrors;

import java.util.regex.Pattern;

/** Syntax checks for the host names, addresses and {@code host[:port]} values of mirrors.yaml. */
final class HostSyntax {

  private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
  private static final Pattern HOSTNAME = Pattern.compile(LABEL + "(?:\\." + LABEL + ")*");
  private static final Pattern IPV4 =
      Pattern.compile(
          "(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

  private HostSyntax() {}

  static boolean isHostname(String s) {
    return s.length() <= 253 && HOSTNAME.matcher(s).matches();
  }

  static boolean isIpAddress(String s) {
    return IPV4.matcher(s).matches() || isIpv6(s);
  }

  private static boolean isIpv6(String s) {
    if (!IPV6.matcher(s).matches()) {
      return false;
    }
    int doubleColons = s.split("::", -1).length - 1;
    return doubleColons <= 1 && s.split(":", -1).length <= 8 + doubleColons;
  }

  /** {@code host[:port]}, where host is a DNS name, an IPv4 address or a bracketed IPv6 address. */
  static boolean isHostPort(String s) {
    String host = s;
    String port = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        return false;
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          return false;
        }
        port = rest.substring(1);
      }
      if (!isIpv6(host)) {
        return false;
      }
    } else {
      int colon = s.lastIndexOf(':');
      if (colon >= 0) {
        host = s.substring(0, colon);
        port = s.substring(colon + 1);
      }
      if (!isHostname(host) && !IPV4.matcher(host).matches()) {
        return false;
      }
    }
    return port == null || isPort(port);
  }

  private static boolean isPort(String port) {
    return PORT.matcher(port).matches()
        && Integer.parseInt(port) >= 1
        && Integer.parseInt(port) <= 65535;
  }
}
