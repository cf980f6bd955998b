package dev.mirrorgate.certs.store;

import dev.mirrorgate.certs.CaBundle;
import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.KeyAlgorithm;
import dev.mirrorgate.certs.LeafSpec;
import dev.mirrorgate.certs.RenewalPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides the next state of the stored certificates from the current one and the clock.
 *
 * <p>A CA rotation takes two steps so that no client ever sees a leaf it cannot verify: first the
 * new CA joins the bundle (and becomes the signer) while the old CA's leaf keeps serving; only when
 * the bundle holding the new CA has been seen published (the caBundle injected) for {@link
 * Settings#publishDelay()}, a leaf from the new CA replaces it. The old CA stays in the bundle
 * until it expires.
 */
public final class RotationPlanner {
  private final Settings settings;
  private final Clock clock;

  public RotationPlanner(Settings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The clock planning and issuing run on. */
  public Clock clock() {
    return clock;
  }

  /** A new CA and its first leaf. */
  public ServingCertificates initial() {
    CertificateAuthority ca = newCa();
    return new ServingCertificates(
        CaBundle.of(List.of(ca.certificate())), ca, ca.issue(settings.leaf()), clock.instant());
  }

  /**
   * The change due now, if any.
   *
   * @param publishedSince since when the webhook configuration's caBundle has been seen holding
   *     {@code current.trusted()} (so API servers trust the signer); empty when it does not
   */
  public Optional<Step> next(ServingCertificates current, Optional<Instant> publishedSince) {
    Instant now = clock.instant();
    List<String> reasons = new ArrayList<>();
    CaBundle trusted = current.trusted();
    CertificateAuthority signer = current.signer();
    IssuedCertificate serving = current.serving();
    Instant since = current.signerSince();

    RenewalPolicy.Decision ca = settings.caPolicy().decide(signer.certificate(), now);
    if (ca.needsRenewal()) {
      signer = newCa();
      trusted = trusted.rotate(signer.certificate(), now);
      since = now;
      reasons.add("ca-" + ca.status().name().toLowerCase(Locale.ROOT));
      publishedSince = Optional.empty();
    }
    RenewalPolicy.Decision leaf =
        serving == null ? null : settings.leafPolicy().decide(serving.certificate(), now);
    boolean leafUnusable =
        serving == null
            || leaf.status() == RenewalPolicy.Status.EXPIRED
            || leaf.status() == RenewalPolicy.Status.NOT_YET_VALID;
    ServingCertificates candidate = new ServingCertificates(trusted, signer, serving, since);
    if (leafUnusable) {
      reasons.add(serving == null ? "leaf-missing" : "leaf-" + statusLabel(leaf));
      serving = signer.issue(settings.leaf());
    } else if (!candidate.servingSignedBySigner()) {
      if (publishedSince.isPresent()
          && !now.isBefore(publishedSince.get().plus(settings.publishDelay()))) {
        reasons.add("leaf-from-new-ca");
        serving = signer.issue(settings.leaf());
      }
      // else: wait until clients trust the new CA; the old CA's leaf keeps serving
    } else if (leaf.needsRenewal()) {
      reasons.add("leaf-renew");
      serving = signer.issue(settings.leaf());
    } else if (!namesMatch(serving.certificate(), settings.leaf())) {
      reasons.add("leaf-names-changed");
      serving = signer.issue(settings.leaf());
    }
    CaBundle pruned = trusted.withoutExpired(now);
    if (pruned.certificates().size() != trusted.certificates().size()) {
      reasons.add("expired-ca-removed");
      trusted = pruned;
    }
    if (reasons.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Step(new ServingCertificates(trusted, signer, serving, since), List.copyOf(reasons)));
  }

  private static String statusLabel(RenewalPolicy.Decision decision) {
    return decision.status().name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private CertificateAuthority newCa() {
    return CertificateAuthority.create(
        settings.caCommonName(), settings.caValidity(), settings.caAlgorithm(), clock);
  }

  /** Whether the leaf names exactly the DNS names and IP addresses of the spec. */
  static boolean namesMatch(X509Certificate leaf, LeafSpec spec) {
    Set<String> dns = new HashSet<>();
    Set<InetAddress> ips = new HashSet<>();
    try {
      Collection<List<?>> names = leaf.getSubjectAlternativeNames();
      for (List<?> name : names == null ? List.<List<?>>of() : names) {
        int type = (Integer) name.get(0);
        if (type == 2) {
          dns.add(((String) name.get(1)).toLowerCase(Locale.ROOT));
        } else if (type == 7) {
          ips.add(InetAddress.getByName((String) name.get(1)));
        }
      }
      Set<InetAddress> wantedIps = new HashSet<>();
      for (String ip : spec.ipAddresses()) {
        wantedIps.add(InetAddress.getByName(ip));
      }
      Set<String> wantedDns = new HashSet<>();
      spec.dnsNames().forEach(n -> wantedDns.add(n.toLowerCase(Locale.ROOT)));
      return dns.equals(wantedDns) && ips.equals(wantedIps);
    } catch (CertificateParsingException | UnknownHostException e) {
      return false;
    }
  }

  /** One change and why it was made ({@code ca-renew}, {@code leaf-renew}, ...). */
  public record Step(ServingCertificates value, List<String> reasons) {}

  /**
   * How certificates are made and renewed.
   *
   * @param publishDelay how long after the caBundle holding a new CA was injected before leaves
   *     from that CA are served (time for every API server to load the new caBundle)
   */
  public record Settings(
      String caCommonName,
      Duration caValidity,
      KeyAlgorithm caAlgorithm,
      LeafSpec leaf,
      RenewalPolicy leafPolicy,
      RenewalPolicy caPolicy,
      Duration publishDelay) {

    public Settings {
      Objects.requireNonNull(caCommonName, "caCommonName");
      Objects.requireNonNull(caValidity, "caValidity");
      Objects.requireNonNull(caAlgorithm, "caAlgorithm");
      Objects.requireNonNull(leaf, "leaf");
      Objects.requireNonNull(leafPolicy, "leafPolicy");
      Objects.requireNonNull(caPolicy, "caPolicy");
      Objects.requireNonNull(publishDelay, "publishDelay");
    }

    /** The same settings with new keys (CA and leaves) made with {@code algorithm}. */
    public Settings withAlgorithm(KeyAlgorithm algorithm) {
      return new Settings(
          caCommonName,
          caValidity,
          algorithm,
          leaf.withAlgorithm(algorithm),
          leafPolicy,
          caPolicy,
          publishDelay);
    }

    /** A 5-year CA, leaves of {@code leaf}'s validity renewed at 2/3, a 2-minute publish delay. */
    public static Settings defaults(LeafSpec leaf) {
      return new Settings(
          "mirrorgate-webhook CA",
          Duration.ofDays(5 * 365),
          KeyAlgorithm.EC_P256,
          leaf,
          RenewalPolicy.forLeaves(),
          RenewalPolicy.forAuthorities(),
          Duration.ofMinutes(2));
    }
  }
}
