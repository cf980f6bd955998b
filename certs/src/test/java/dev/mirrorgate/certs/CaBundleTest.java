package dev.mirrorgate.certs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorgate.certs.RenewalPolicy.Status;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaBundleTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration CA_VALIDITY = Duration.ofDays(90);
  private static final LeafSpec LEAF =
      LeafSpec.server("leaf", List.of("leaf.example"), List.of(), Duration.ofDays(30));

  /**
   * A CA's life told with a clock: in use, due for renewal, successor added next to it, and dropped
   * once it expires. The bundle is what clients (caBundle, runtimes' ca.crt) would trust.
   */
  @Test
  void overlapHoldsOldAndNewCaUntilTheOldOneExpires() throws Exception {
    MutableClock clock = new MutableClock(T0);
    RenewalPolicy policy = RenewalPolicy.forAuthorities();
    CertificateAuthority first =
        CertificateAuthority.create("ca", CA_VALIDITY, KeyAlgorithm.EC_P256, clock);
    X509Certificate firstCa = first.certificate();

    CaBundle bundle = CaBundle.empty().rotate(firstCa, clock.instant());
    assertThat(bundle.certificates()).containsExactly(firstCa);
    X509Certificate oldLeaf = first.issue(LEAF).certificate();

    clock.set(policy.renewAt(firstCa).minusSeconds(1));
    assertThat(policy.decide(firstCa, clock.instant()).status()).isEqualTo(Status.VALID);
    assertThat(bundle.rotate(firstCa, clock.instant())).isEqualTo(bundle);

    clock.set(policy.renewAt(firstCa));
    assertThat(policy.decide(firstCa, clock.instant()).status()).isEqualTo(Status.RENEW);
    CertificateAuthority second =
        CertificateAuthority.create("ca", CA_VALIDITY, KeyAlgorithm.EC_P256, clock);
    X509Certificate secondCa = second.certificate();
    bundle = bundle.rotate(secondCa, clock.instant());
    assertThat(bundle.certificates()).containsExactly(secondCa, firstCa);

    // leaves of both CAs verify against the bundle during the overlap
    assertThat(issuerIn(bundle, oldLeaf)).isEqualTo(firstCa);
    assertThat(issuerIn(bundle, second.issue(LEAF).certificate())).isEqualTo(secondCa);

    clock.set(firstCa.getNotAfter().toInstant());
    assertThat(bundle.rotate(secondCa, clock.instant()).certificates())
        .containsExactly(secondCa, firstCa);

    clock.advance(Duration.ofSeconds(1));
    bundle = bundle.rotate(secondCa, clock.instant());
    assertThat(bundle.certificates()).containsExactly(secondCa);
    assertThat(bundle.contains(firstCa)).isFalse();
  }

  @Test
  void orderIsCanonicalSoTheSameSetRendersTheSameBytes() throws Exception {
    MutableClock clock = new MutableClock(T0);
    X509Certificate older =
        CertificateAuthority.create("a", CA_VALIDITY, KeyAlgorithm.EC_P256, clock).certificate();
    clock.advance(Duration.ofDays(1));
    X509Certificate newer =
        CertificateAuthority.create("b", CA_VALIDITY, KeyAlgorithm.EC_P256, clock).certificate();

    CaBundle one = CaBundle.of(List.of(older, newer, older));
    CaBundle other = CaBundle.of(List.of(newer, older));
    assertThat(one).isEqualTo(other);
    assertThat(one.pem()).isEqualTo(other.pem());
    assertThat(one.certificates()).containsExactly(newer, older);
    assertThat(CaBundle.parse(one.pem())).isEqualTo(one);
    assertThat(one.toString()).contains("CN=b", Fingerprints.sha256(newer));
  }

  @Test
  void emptyBundleRendersNothing() {
    assertThat(CaBundle.empty().certificates()).isEmpty();
    assertThat(CaBundle.empty().pem()).isEmpty();
  }

  private static X509Certificate issuerIn(CaBundle bundle, X509Certificate leaf) {
    for (X509Certificate ca : bundle.certificates()) {
      try {
        leaf.verify(ca.getPublicKey());
        return ca;
      } catch (Exception notThisOne) {
        // try the next CA
      }
    }
    return null;
  }
}
