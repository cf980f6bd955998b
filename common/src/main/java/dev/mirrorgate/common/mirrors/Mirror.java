package dev.mirrorgate.common.mirrors;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of {@code mirrors.yaml}: a caching proxy that serves the images of {@code upstream}.
 *
 * @param name the RegistryMirror name
 * @param upstream registry host[:port] whose images this mirror serves
 * @param endpoint where runtimes reach the cache ({@code https://host[:port]})
 * @param masquerade optional name that the node's /etc/hosts maps to {@code address}
 * @param address the Service ClusterIP (required with a masquerade)
 * @param rewrite whether the webhook also rewrites upstream images to the endpoint host
 * @param caBundle PEM the runtimes must trust for endpoint and masquerade, empty when none
 */
public record Mirror(
    String name,
    String upstream,
    URI endpoint,
    Optional<String> masquerade,
    Optional<String> address,
    boolean rewrite,
    String caBundle) {

  public Mirror {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(masquerade, "masquerade");
    Objects.requireNonNull(address, "address");
    caBundle = caBundle == null ? "" : caBundle;
  }

  /** {@code host[:port]} of the endpoint, the port only when it is not the scheme's default. */
  public String endpointAuthority() {
    return authority(endpoint.getHost());
  }

  /** {@code masquerade[:port]} with the endpoint's port, when a masquerade is set. */
  public Optional<String> masqueradeAuthority() {
    return masquerade.map(this::authority);
  }

  /** Whether the endpoint speaks TLS. */
  public boolean secure() {
    return "https".equals(endpoint.getScheme());
  }

  private String authority(String host) {
    int port = endpoint.getPort();
    int defaultPort = secure() ? 443 : 80;
    return port < 0 || port == defaultPort ? host : host + ":" + port;
  }
}
