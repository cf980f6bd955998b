package dev.mirrorgate.webhook.cli;

import dev.mirrorgate.certs.KeyAlgorithm;
import dev.mirrorgate.certs.LeafSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What the serving certificate names and how long it lives. */
final class LeafOptions {
  @Option(names = "--dns-name", paramLabel = "NAME", description = "DNS name (repeatable)")
  List<String> dnsNames = new ArrayList<>();

  @Option(names = "--ip-address", paramLabel = "IP", description = "IP address (repeatable)")
  List<String> ipAddresses = new ArrayList<>();

  @Option(
      names = "--validity",
      defaultValue = "2160h",
      converter = DurationConverter.class,
      description = "serving certificate lifetime (default ${DEFAULT-VALUE})")
  Duration validity;

  @Option(
      names = "--key-algorithm",
      defaultValue = "EC_P256",
      description = "algorithm of new keys: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
  KeyAlgorithm algorithm;

  /** The spec; {@code defaultDnsNames} when neither DNS names nor IPs were given. */
  LeafSpec spec(List<String> defaultDnsNames) {
    List<String> dns = dnsNames.isEmpty() && ipAddresses.isEmpty() ? defaultDnsNames : dnsNames;
    String commonName =
        !dns.isEmpty() ? dns.get(0) : ipAddresses.isEmpty() ? "" : ipAddresses.get(0);
    return LeafSpec.server(commonName, dns, ipAddresses, validity).withAlgorithm(algorithm);
  }
}
