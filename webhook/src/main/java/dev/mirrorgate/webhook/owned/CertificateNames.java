package dev.mirrorgate.webhook.owned;

import dev.mirrorgate.certs.LeafSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names a registry's serving certificate carries: a common name, DNS names and IP addresses,
 * each once, in the order given. IPs are never put among the DNS names (clients then fail with
 * confusing errors).
 */
public record CertificateNames(String commonName, List<String> dnsNames, List<String> ipAddresses) {

  public CertificateNames {
    dnsNames = List.copyOf(new LinkedHashSet<>(dnsNames));
    ipAddresses = List.copyOf(new LinkedHashSet<>(ipAddresses));
  }

  /** The DNS names of a Service in every form a client in the cluster may use. */
  public static List<String> serviceDnsNames(String service, String namespace, String domain) {
    return List.of(
        service,
        service + "." + namespace,
        service + "." + namespace + ".svc",
        service + "." + namespace + ".svc." + domain);
  }

  /** Builds the names, dropping empty and duplicate entries. */
  public static CertificateNames of(
      String commonName, List<String> dnsNames, List<String> ipAddresses) {
    Set<String> dns = new LinkedHashSet<>();
    dnsNames.stream().filter(n -> n != null && !n.isEmpty()).forEach(dns::add);
    List<String> ips = new ArrayList<>();
    ipAddresses.stream().filter(ip -> ip != null && !ip.isEmpty()).forEach(ips::add);
    return new CertificateNames(commonName, List.copyOf(dns), ips);
  }

  /**
   * What {@code CertificateAuthority.issue} takes: a P-256 TLS server leaf valid for {@code
   * validity}.
   */
  public LeafSpec leafSpec(Duration validity) {
    return LeafSpec.server(commonName, dnsNames, ipAddresses, validity);
  }
}
