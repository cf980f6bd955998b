package dev.mirrorgate.certs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a leaf (TLS server) certificate should say: subject common name, subjectAltNames and
 * lifetime, and the type of its new key.
 *
 * <p>The constructor checks every field and reports all problems at once in one {@link
 * IllegalArgumentException}: at least one DNS name or IP address (TLS clients match only those),
 * valid DNS names (a leading {@code *.} wildcard allowed), IPv4 or IPv6 literals, a non-blank
 * common name of at most 64 characters, and a positive validity.
 */
public record LeafSpec(
    String commonName,
    List<String> dnsNames,
    List<String> ipAddresses,
    Duration validity,
    KeyAlgorithm algorithm) {

  /** RFC 5280's upper bound for a common name. */
  static final int MAX_COMMON_NAME = 64;

  /** Validates the spec; null name lists are taken as empty. */
  public LeafSpec {
    dnsNames = dnsNames == null ? List.of() : List.copyOf(dnsNames);
    ipAddresses = ipAddresses == null ? List.of() : List.copyOf(ipAddresses);
    List<String> problems = new ArrayList<>();
    if (commonName == null || commonName.isBlank()) {
      problems.add("commonName: must not be blank");
    } else if (commonName.length() > MAX_COMMON_NAME) {
      problems.add(
          "commonName: \"" + commonName + "\" is longer than " + MAX_COMMON_NAME + " characters");
    }
    if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
      problems.add("dnsNames, ipAddresses: a server certificate needs at least one of them");
    }
    problems.addAll(SubjectAlternativeNames.problems(dnsNames, ipAddresses));
    if (validity == null || validity.isNegative() || validity.isZero()) {
      problems.add("validity: must be positive, got " + validity);
    }
    if (algorithm == null) {
      problems.add("algorithm: must be set");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid leaf spec: " + String.join("; ", problems));
    }
  }

  /** A TLS server leaf with an ECDSA P-256 key. */
  public static LeafSpec server(
      String commonName, List<String> dnsNames, List<String> ipAddresses, Duration validity) {
    return new LeafSpec(commonName, dnsNames, ipAddresses, validity, KeyAlgorithm.EC_P256);
  }

  /** This spec with another key algorithm. */
  public LeafSpec withAlgorithm(KeyAlgorithm algorithm) {
    return new LeafSpec(commonName, dnsNames, ipAddresses, validity, algorithm);
  }
}
