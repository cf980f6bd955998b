package dev.mirrorgate.webhook.controller;

import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.RenewalPolicy;
import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a stored leaf still serves: issued by the current CA, naming every DNS name and IP the
 * owner needs now (a ClusterIP changes when its Service is recreated), and not yet due for renewal
 * (two thirds of its life, as cert-manager renews). Pure: certificates and an instant in, a verdict
 * out.
 */
public final class LeafDecision {
  private LeafDecision() {}

  /**
   * Why a leaf must be (re)issued, or empty when the stored one is kept. With {@code
   * signatureVerified} (this very leaf was verified against {@code ca}, or issued by it, before)
   * the CA's signature is not verified again.
   */
  public static Optional<String> reissueReason(
      Optional<IssuedCertificate> stored,
      CertificateAuthority ca,
      boolean signatureVerified,
      List<String> dnsNames,
      List<String> ipAddresses,
      Instant now) {
    if (stored.isEmpty()) {
      return Optional.of("no certificate yet");
    }
    X509Certificate leaf = stored.get().certificate();
    if (!signatureVerified) {
      try {
        leaf.verify(ca.certificate().getPublicKey());
      } catch (Exception e) {
        return Optional.of("issued by another CA");
      }
    }
    Set<String> dns = new HashSet<>();
    Set<String> ips = new HashSet<>();
    try {
      if (leaf.getSubjectAlternativeNames() != null) {
        for (List<?> san : leaf.getSubjectAlternativeNames()) {
          int type = (Integer) san.get(0);
          if (type == 2) {
            dns.add(String.valueOf(san.get(1)));
          } else if (type == 7) {
            ips.add(canonicalIp(String.valueOf(san.get(1))));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return Optional.of("unreadable subjectAltNames");
    }
    for (String name : dnsNames) {
      if (!dns.contains(name)) {
        return Optional.of("does not name " + name);
      }
    }
    for (String ip : ipAddresses) {
      if (!ips.contains(canonicalIp(ip))) {
        return Optional.of("does not name IP " + ip);
      }
    }
    RenewalPolicy.Decision renewal = RenewalPolicy.forLeaves().decide(leaf, now);
    if (renewal.needsRenewal()) {
      return Optional.of("due for renewal since " + renewal.renewAt());
    }
    return Optional.empty();
  }

  /** IPv6 written in any form compares by value; only literals are given here (no DNS). */
  private static String canonicalIp(String ip) {
    if (!ip.matches("[0-9a-fA-F:.]+")) {
      return ip;
    }
    try {
      return InetAddress.getByName(ip).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return ip;
    }
  }
}
