package dev.mirrorgate.webhook.mirror;

import java.util.Optional;

/** How the cluster's runtimes reach a caching proxy. */
public enum MirrorMode {
  /** Nodes resolve the masquerade name to the ClusterIP; runtimes mirror the upstream to it. */
  HOSTESS,
  /** The webhook rewrites upstream images to the ClusterIP. */
  SERVICES,
  /** Both at once. */
  BOTH;

  /** The value as the CR and the command line write it: {@code hostess}, {@code services}... */
  public String value() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Whether the webhook rewrites images to this mirror ({@code rewrite: true} in mirrors.yaml). */
  public boolean rewrites() {
    return this != HOSTESS;
  }

  public static Optional<MirrorMode> of(String value) {
    for (MirrorMode mode : values()) {
      if (mode.value().equals(value)) {
        return Optional.of(mode);
      }
    }
    return Optional.empty();
  }
}
