package dev.mirrorgate.agent.plan;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** A kind of node file the agent can write. */
public enum Output {
  /** The managed block of {@code /etc/hosts}. */
  HOSTS,
  /** {@code /etc/containerd/certs.d/<host>/hosts.toml} and its CA file. */
  CONTAINERD,
  /** {@code /etc/docker/certs.d/<host>/ca.crt}. */
  DOCKER,
  /** {@code /etc/containers/registries.conf.d} and {@code /etc/containers/certs.d} (CRI-O). */
  CONTAINERS;

  public static Set<Output> all() {
    return EnumSet.allOf(Output.class);
  }

  public static Output parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "hosts" -> HOSTS;
      case "containerd" -> CONTAINERD;
      case "docker" -> DOCKER;
      case "containers", "crio", "cri-o" -> CONTAINERS;
      default ->
          throw new IllegalArgumentException(
              "unknown output \"" + s + "\" (expected hosts, containerd, docker or containers)");
    };
  }
}
