package dev.mirrorgate.common.mirrors;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which names may be a mirror's {@code masquerade}: the node agent maps it to the mirror's address
 * in every node's {@code /etc/hosts}, so it must be a DNS name that nothing else on the node relies
 * on. Refused: {@code localhost} and the other loopback names, IP literals (also the forms {@code
 * inet_aton} reads as an address, such as {@code 127.1} or {@code 0x7f.1}, which never reach {@code
 * /etc/hosts}), cluster-internal names ({@code *.svc}, {@code *.svc.<cluster domain>}, {@code
 * *.cluster.local}) and the node's own names. Pure: the node's names come in as a value (the
 * controller, which knows no node, passes none).
 */
public final class MasqueradeNames {

  private static final Set<String> LOOPBACK =
      Set.of("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback");

  private MasqueradeNames() {}

  /**
   * Why {@code name} cannot be a masquerade name on a node called {@code nodeNames} (any of them,
   * compared without case and without a final dot; a fully qualified node name also reserves its
   * first label), or empty when it can.
   */
  public static Optional<String> problem(String name, Set<String> nodeNames) {
    String quoted = "\"" + name + "\"";
    if (HostSyntax.isIpAddress(name)) {
      return Optional.of(quoted + " is an IP address; a masquerade must be a DNS name");
    }
    if (!HostSyntax.isHostname(name)) {
      return Optional.of(quoted + " is not a host name");
    }
    String n = canonical(name);
    if (isNumeric(lastLabel(n))) {
      return Optional.of(
          quoted + " is read as an IP address by the node's resolver; use a DNS name");
    }
    if (LOOPBACK.contains(n) || n.endsWith(".localhost")) {
      return Optional.of(quoted + " is a loopback name of the node");
    }
    if (n.endsWith(".svc")
        || n.contains(".svc.")
        || n.equals("cluster.local")
        || n.endsWith(".cluster.local")) {
      return Optional.of(
          quoted
              + " is a cluster-internal name (<service>.<namespace>.svc.<cluster domain>); the"
              + " node's /etc/hosts must not shadow it");
    }
    for (String node : nodeNames) {
      if (node == null || node.isBlank()) {
        continue;
      }
      String own = canonical(node.strip());
      if (n.equals(own) || n.equals(firstLabel(own))) {
        return Optional.of(quoted + " is the name of this node (" + node.strip() + ")");
      }
    }
    return Optional.empty();
  }

  private static String canonical(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  private static String lastLabel(String n) {
    return n.substring(n.lastIndexOf('.') + 1);
  }

  private static String firstLabel(String n) {
    int dot = n.indexOf('.');
    return dot < 0 ? n : n.substring(0, dot);
  }

  /** A label inet_aton reads as a number: decimal, octal ({@code 0...}) or hex ({@code 0x...}). */
  private static boolean isNumeric(String label) {
    boolean hex = label.startsWith("0x");
    if (label.isEmpty()) {
      return false;
    }
    for (int i = hex ? 2 : 0; i < label.length(); i++) {
      char c = label.charAt(i);
      if (!(c >= '0' && c <= '9') && !(hex && c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
