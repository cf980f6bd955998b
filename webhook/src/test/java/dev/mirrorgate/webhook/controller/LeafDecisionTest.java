package dev.mirrorgate.webhook.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.certs.KeyAlgorithm;
import dev.mirrorgate.webhook.owned.CertificateNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a stored serving leaf is kept, and which leaves {@link SoundLeaves} lets skip a check. */
class LeafDecisionTest {
  static final Clock CLOCK = Clock.systemUTC();
  static final CertificateAuthority CA =
      CertificateAuthority.create("mirror CA", Duration.ofDays(3650), KeyAlgorithm.EC_P256, CLOCK);
  static final CertificateAuthority OTHER_CA =
      CertificateAuthority.create("other CA", Duration.ofDays(3650), KeyAlgorithm.EC_P256, CLOCK);
  static final CertificateNames NAMES =
      CertificateNames.of("m", List.of("m", "m.mirrorgate.svc"), List.of("10.96.0.15"));
  static final IssuedCertificate LEAF = CA.issue(NAMES.leafSpec(Duration.ofDays(90)));

  static Optional<String> reason(
      IssuedCertificate leaf, CertificateAuthority ca, boolean verified, Instant now) {
    return LeafDecision.reissueReason(
        Optional.ofNullable(leaf), ca, verified, NAMES.dnsNames(), NAMES.ipAddresses(), now);
  }

  @Test
  void aLeafIsKeptWhileItIsTheCasNamesEverythingAndIsNotDue() {
    Instant now = CLOCK.instant();
    assertThat(reason(LEAF, CA, false, now)).isEmpty();
    assertThat(reason(null, CA, false, now)).contains("no certificate yet");
    assertThat(reason(LEAF, OTHER_CA, false, now)).contains("issued by another CA");
    assertThat(reason(LEAF, CA, false, now.plus(Duration.ofDays(61))).orElseThrow())
        .startsWith("due for renewal since");
    IssuedCertificate fewerNames =
        CA.issue(CertificateNames.of("m", List.of("m"), List.of()).leafSpec(Duration.ofDays(90)));
    assertThat(reason(fewerNames, CA, false, now)).contains("does not name m.mirrorgate.svc");
  }

  @Test
  void aVerifiedLeafIsNotVerifiedAgainButNamesAndRenewalStillCount() {
    Instant now = CLOCK.instant();
    // what SoundLeaves vouches for skips only the signature check
    assertThat(reason(LEAF, OTHER_CA, true, now)).isEmpty();
    assertThat(reason(LEAF, CA, true, now.plus(Duration.ofDays(61)))).isPresent();
  }

  @Test
  void soundLeavesKnowALeafOnlyAsItWasAddedWithTheSameCa() {
    SoundLeaves leaves = new SoundLeaves();
    String crt = LEAF.certificateChainPem();
    String key = LEAF.privateKeyPem();
    assertThat(leaves.contains("m", crt, key, CA)).isFalse();

    leaves.add("m", crt, key, CA);

    assertThat(leaves.contains("m", crt, key, CA)).isTrue();
    assertThat(leaves.contains("other", crt, key, CA)).isFalse();
    assertThat(leaves.contains("m", crt + "\n", key, CA)).isFalse();
    assertThat(leaves.contains("m", crt, OTHER_CA.privateKeyPem(), CA)).isFalse();
    assertThat(leaves.contains("m", crt, key, OTHER_CA)).isFalse();
    leaves.remove("m");
    assertThat(leaves.contains("m", crt, key, CA)).isFalse();
  }
}
