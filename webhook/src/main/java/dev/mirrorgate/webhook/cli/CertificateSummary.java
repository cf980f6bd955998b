package dev.mirrorgate.webhook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.certs.Fingerprints;
import dev.mirrorgate.certs.RenewalPolicy;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * One JSON line per certificate for the {@code certs} commands: role, subject, issuer, SANs,
 * validity, SHA-256 fingerprint and status. Never key material.
 */
final class CertificateSummary {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CertificateSummary() {}

  static ObjectNode of(String role, X509Certificate cert, Instant now) {
    ObjectNode line = JSON.createObjectNode();
    line.put("role", role);
    line.put("subject", cert.getSubjectX500Principal().getName());
    line.put("issuer", cert.getIssuerX500Principal().getName());
    ArrayNode dns = line.putArray("dnsNames");
    ArrayNode ips = line.putArray("ipAddresses");
    try {
      Collection<List<?>> names = cert.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> name : names) {
          switch ((Integer) name.get(0)) {
            case 2 -> dns.add((String) name.get(1));
            case 7 -> ips.add((String) name.get(1));
            default -> {}
          }
        }
      }
    } catch (CertificateParsingException e) {
      line.put("sanError", e.getMessage());
    }
    line.put("notBefore", cert.getNotBefore().toInstant().toString());
    line.put("notAfter", cert.getNotAfter().toInstant().toString());
    line.put("sha256", Fingerprints.sha256(cert));
    RenewalPolicy policy =
        cert.getBasicConstraints() >= 0
            ? RenewalPolicy.forAuthorities()
            : RenewalPolicy.forLeaves();
    RenewalPolicy.Decision decision = policy.decide(cert, now);
    line.put("status", decision.status().name().toLowerCase(Locale.ROOT));
    line.put("renewAt", decision.renewAt().toString());
    return line;
  }

  /** Whether the status means peers reject the certificate now. */
  static boolean unusable(ObjectNode line) {
    String status = line.path("status").asText();
    return status.equals("expired") || status.equals("not_yet_valid");
  }

  static String text(ObjectNode line) {
    try {
      return JSON.writeValueAsString(line);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
