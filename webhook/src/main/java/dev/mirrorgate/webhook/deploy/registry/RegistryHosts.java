package dev.mirrorgate.webhook.deploy.registry;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a registry's API is served and how it may be reached: Docker Hub's names ({@code
 * docker.io}, {@code index.docker.io}) map to {@code registry-1.docker.io}; plain HTTP is allowed
 * only for {@code localhost}, 127.0.0.0/8, {@code [::1]} (as Docker and containerd allow) and the
 * hosts named insecure (an entry without a port allows every port of that host); everything else is
 * HTTPS.
 */
public final class RegistryHosts {
  /** The host Docker Hub serves its registry API on. */
  public static final String DOCKER_HUB_API = "registry-1.docker.io";

  private final Set<String> insecure;

  /**
   * @param insecure registries ({@code host[:port]}) that may be reached over plain HTTP
   */
  public RegistryHosts(Collection<String> insecure) {
    this.insecure =
        insecure.stream()
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(s -> s.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
  }

  /** The {@code host[:port]} the API of the registry {@code domain} is served on. */
  public static String apiAuthority(String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    return switch (d) {
      case "docker.io", "index.docker.io", DOCKER_HUB_API -> DOCKER_HUB_API;
      default -> d;
    };
  }

  /** Whether {@code authority} ({@code host[:port]}) may be reached over plain HTTP. */
  public boolean plainHttpAllowed(String authority) {
    String a = authority.toLowerCase(Locale.ROOT);
    String host = host(a);
    return isLoopback(host) || insecure.contains(a) || insecure.contains(host);
  }

  /** The base URI ({@code https://host[:port]}) of the API. */
  static URI base(String authority, boolean tls) {
    return URI.create((tls ? "https://" : "http://") + authority);
  }

  /** The host of {@code host[:port]}, IPv6 literals in brackets. */
  static String host(String authority) {
    if (authority.startsWith("[")) {
      int end = authority.indexOf(']');
      return end < 0 ? authority : authority.substring(0, end + 1);
    }
    int colon = authority.lastIndexOf(':');
    return colon < 0 ? authority : authority.substring(0, colon);
  }

  /** {@code localhost}, an IPv4 address in 127.0.0.0/8, or the IPv6 loopback; no name lookup. */
  static boolean isLoopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      try {
        // an IPv6 literal: parsed, never looked up
        return InetAddress.getByName(host.substring(1, host.length() - 1)).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    String[] octets = host.split("\\.", -1);
    if (octets.length != 4 || !octets[0].equals("127")) {
      return false;
    }
    for (String octet : octets) {
      if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(Character::isDigit)) {
        return false;
      }
      if (Integer.parseInt(octet) > 255) {
        return false;
      }
    }
    return true;
  }

  /**
   * A bounded label for metrics: {@code dockerhub}, {@code ghcr}, {@code quay}, {@code gcr}, {@code
   * ecr}, {@code acr}, {@code loopback}, {@code cluster} (a {@code .svc} or {@code .cluster.local}
   * name, or a private address), or {@code other}.
   */
  public static String registryClass(String domain) {
    String authority = apiAuthority(domain);
    String host = host(authority);
    if (host.equals(DOCKER_HUB_API)) {
      return "dockerhub";
    }
    if (host.equals("ghcr.io")) {
      return "ghcr";
    }
    if (host.equals("quay.io")) {
      return "quay";
    }
    if (host.equals("gcr.io") || host.endsWith(".gcr.io") || host.endsWith(".pkg.dev")) {
      return "gcr";
    }
    if (host.endsWith(".amazonaws.com")) {
      return "ecr";
    }
    if (host.endsWith(".azurecr.io")) {
      return "acr";
    }
    if (isLoopback(host)) {
      return "loopback";
    }
    if (host.endsWith(".svc")
        || host.contains(".svc.")
        || host.endsWith(".cluster.local")
        || host.startsWith("10.")
        || host.startsWith("192.168.")
        || host.matches("172\\.(1[6-9]|2\\d|3[01])\\..*")) {
      return "cluster";
    }
    return "other";
  }
}
