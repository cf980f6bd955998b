package dev.mirrorgate.webhook.owned;

import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import dev.mirrorgate.common.image.RepositoryPrefix;
import java.util.regex.Pattern;
import org.bouncycastle.util.IPAddress;

/**
 * Why a value is not what a field needs, or null when it is: Kubernetes names and quantities, Go
 * durations, IP addresses, registry hosts and image references. The CRDs check the same syntax with
 * patterns and CEL; the parsers repeat it so that they are total on any input.
 */
public final class Syntax {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** Kubernetes' resource.Quantity syntax, as controller-gen writes it into CRDs. */
  public static final String QUANTITY_PATTERN =
      "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]"
          + "|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

  private static final Pattern QUANTITY = Pattern.compile(QUANTITY_PATTERN);

  /** A Go {@code time.Duration} as {@code time.ParseDuration} reads it, unsigned. */
  public static final String GO_DURATION_PATTERN =
      "^(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$";

  private static final Pattern GO_DURATION = Pattern.compile(GO_DURATION_PATTERN);

  private Syntax() {}

  /** An RFC 1123 label of at most {@code max} characters (a Service name, a Secret key...). */
  public static String dnsLabel(String value, int max) {
    if (value.length() > max) {
      return "\"" + value + "\" is longer than " + max + " characters";
    }
    return DNS_LABEL.matcher(value).matches()
        ? null
        : "\""
            + value
            + "\" is not a DNS label (lowercase letters, digits and \"-\", starting and ending"
            + " with a letter or digit)";
  }

  /** An RFC 1123 subdomain: the name of most Kubernetes objects (a Secret, a PriorityClass). */
  public static String dnsSubdomain(String value) {
    if (value.length() > 253) {
      return "\"" + value + "\" is longer than 253 characters";
    }
    return DNS_SUBDOMAIN.matcher(value).matches()
        ? null
        : "\""
            + value
            + "\" is not a lowercase DNS name (letters, digits, \"-\" and \".\", starting and"
            + " ending with a letter or digit)";
  }

  /** A resource quantity such as {@code 20Gi} or {@code 500M}. */
  public static String quantity(String value) {
    return QUANTITY.matcher(value).matches()
        ? null
        : "\"" + value + "\" is not a quantity (e.g. 20Gi, 500Mi, 1T)";
  }

  /** A Go duration such as {@code 168h}, {@code 90m} or {@code 0}. */
  public static String goDuration(String value) {
    return GO_DURATION.matcher(value).matches()
        ? null
        : "\"" + value + "\" is not a duration (e.g. 168h, 30m, 1h30m, 0 for never)";
  }

  /** An IPv4 or IPv6 address literal. */
  public static String ipAddress(String value) {
    return IPAddress.isValidIPv4(value) || IPAddress.isValidIPv6(value)
        ? null
        : "\"" + value + "\" is not an IP address";
  }

  /**
   * A registry {@code host[:port]} as image references write it: a DNS name with a dot, {@code
   * localhost}, an IPv4 address or a bracketed IPv6 address, lowercase, with an optional port.
   */
  public static String registryHost(String value) {
    String problem = "\"" + value + "\" is not a registry host[:port]";
    RepositoryPrefix prefix;
    try {
      prefix = RepositoryPrefix.parse(value);
    } catch (InvalidImageReferenceException e) {
      String repeated = "\"" + value + "\" is not a registry host";
      return e.reason().startsWith(repeated)
          ? problem + e.reason().substring(repeated.length())
          : problem + ": " + e.reason();
    }
    if (!prefix.path().isEmpty() || !prefix.domain().equals(value)) {
      return prefix.path().isEmpty()
          ? problem + ": write " + prefix.domain()
          : problem + ": it has a path";
    }
    int colon = value.lastIndexOf(':');
    if (colon > value.lastIndexOf(']')) {
      String port = value.substring(colon + 1);
      if (!port.matches("[0-9]{1,5}")
          || Integer.parseInt(port) < 1
          || Integer.parseInt(port) > 65535) {
        return problem + ": the port must be 1 to 65535";
      }
    }
    return null;
  }

  /** An image reference as a container's {@code image} field takes it. */
  public static String image(String value) {
    try {
      ImageReference.parse(value);
      return null;
    } catch (InvalidImageReferenceException e) {
      return "\"" + value + "\" is not an image reference: " + e.reason();
    }
  }
}
