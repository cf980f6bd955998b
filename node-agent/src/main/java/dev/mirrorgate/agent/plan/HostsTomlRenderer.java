package dev.mirrorgate.agent.plan;

import dev.mirrorgate.common.mirrors.Mirror;

/**
 * Renders containerd {@code certs.d/<host>/hosts.toml} files. The CA is referenced by a path
 * relative to the host directory, which containerd resolves against that directory, so the same
 * bytes work whatever the host root is.
 */
public final class HostsTomlRenderer {

  /** The CA file the agent writes next to each hosts.toml that needs one. */
  public static final String CA_FILE = "mirrorgate-ca.crt";

  private HostsTomlRenderer() {}

  /**
   * The hosts.toml for the upstream: pull and resolve through the mirror; the upstream stays the
   * {@code server}, so pulls fall back to it when the mirror is down.
   */
  public static String upstream(Mirror m) {
    StringBuilder b = header(m);
    b.append("server = ").append(quote(upstreamServer(m.upstream()))).append("\n\n");
    b.append("[host.")
        .append(quote(m.endpoint().getScheme() + "://" + m.endpointAuthority()))
        .append("]\n");
    b.append("  capabilities = [\"pull\", \"resolve\"]\n");
    if (!m.caBundle().isEmpty()) {
      b.append("  ca = ").append(quote(CA_FILE)).append('\n');
    }
    return b.toString();
  }

  /** The hosts.toml for the mirror's own name ({@code endpoint} host or masquerade): its CA. */
  public static String mirrorHost(Mirror m, String authority) {
    StringBuilder b = header(m);
    b.append("server = ").append(quote(m.endpoint().getScheme() + "://" + authority)).append('\n');
    b.append("ca = ").append(quote(CA_FILE)).append('\n');
    return b.toString();
  }

  /** Where containerd reaches {@code upstream} when no mirror answers. */
  static String upstreamServer(String upstream) {
    return switch (upstream) {
      case "docker.io", "index.docker.io", "registry-1.docker.io" -> "https://registry-1.docker.io";
      default -> "https://" + upstream;
    };
  }

  private static StringBuilder header(Mirror m) {
    return new StringBuilder("# Managed by mirrorgate (mirror ")
        .append(m.name())
        .append("); changes are overwritten.\n");
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
