package dev.mirrorgate.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.mirrorgate.certs.RenewalPolicy.Decision;
import dev.mirrorgate.certs.RenewalPolicy.Status;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RenewalPolicyTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration SKEW = Duration.ofMinutes(5);
  private static final CertificateAuthority CA =
      CertificateAuthority.create(
          "ca", Duration.ofDays(365), KeyAlgorithm.EC_P256, Clock.fixed(T0, ZoneOffset.UTC));

  /** A 90-day leaf issued at T0: notBefore T0-5m, notAfter T0+90d, lifetime 90d 5m. */
  private static final X509Certificate LEAF =
      CA.issue(LeafSpec.server("leaf", List.of("leaf.example"), List.of(), Duration.ofDays(90)))
          .certificate();

  /** Two thirds of 90d 5m after T0-5m. */
  private static final Instant LEAF_RENEW_AT =
      T0.minus(SKEW).plus(Duration.ofDays(60)).plus(Duration.ofSeconds(200));

  static Stream<Arguments> leafTimeline() {
    Instant notAfter = T0.plus(Duration.ofDays(90));
    return Stream.of(
        Arguments.of(
            "before the backdated notBefore", T0.minus(SKEW).minusSeconds(1), Status.NOT_YET_VALID),
        Arguments.of("at the backdated notBefore", T0.minus(SKEW), Status.VALID),
        Arguments.of("fresh", T0, Status.VALID),
        Arguments.of("half way", T0.plus(Duration.ofDays(45)), Status.VALID),
        Arguments.of("just before two thirds", LEAF_RENEW_AT.minusSeconds(1), Status.VALID),
        Arguments.of("at two thirds", LEAF_RENEW_AT, Status.RENEW),
        Arguments.of("after two thirds", T0.plus(Duration.ofDays(80)), Status.RENEW),
        Arguments.of("at notAfter (still valid)", notAfter, Status.RENEW),
        Arguments.of("expired", notAfter.plusSeconds(1), Status.EXPIRED),
        Arguments.of("long expired", notAfter.plus(Duration.ofDays(400)), Status.EXPIRED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("leafTimeline")
  void leafRenewsAtTwoThirdsOfItsLifetime(String when, Instant now, Status expected) {
    Decision decision = RenewalPolicy.forLeaves().decide(LEAF, now);
    assertThat(decision.status()).isEqualTo(expected);
    assertThat(decision.renewAt()).isEqualTo(LEAF_RENEW_AT);
    assertThat(decision.notBefore()).isEqualTo(T0.minus(SKEW));
    assertThat(decision.notAfter()).isEqualTo(T0.plus(Duration.ofDays(90)));
    assertThat(decision.needsRenewal()).isEqualTo(expected != Status.VALID);
  }

  @Test
  void untilRenewalCountsDownToZero() {
    Decision fresh = RenewalPolicy.forLeaves().decide(LEAF, T0);
    assertThat(fresh.untilRenewal(T0)).isEqualTo(Duration.between(T0, LEAF_RENEW_AT));
    Decision due = RenewalPolicy.forLeaves().decide(LEAF, LEAF_RENEW_AT.plusSeconds(10));
    assertThat(due.untilRenewal(LEAF_RENEW_AT.plusSeconds(10))).isZero();
  }

  @Test
  void caRenewsWhenAThirdOfItsLifetimeRemainsIfThatIsMoreThan30Days() {
    // lifetime 365d 5m: a third is 121d 16h 1m 40s, more than 30 days
    Instant renewAt = RenewalPolicy.forAuthorities().renewAt(CA.certificate());
    Instant notAfter = T0.plus(Duration.ofDays(365));
    assertThat(Duration.between(renewAt, notAfter))
        .isEqualTo(Duration.ofDays(365).plus(SKEW).dividedBy(3));
  }

  @Test
  void caRenewsAtLeast30DaysBeforeExpiry() {
    CertificateAuthority shortCa =
        CertificateAuthority.create(
            "short", Duration.ofDays(60), KeyAlgorithm.EC_P256, Clock.fixed(T0, ZoneOffset.UTC));
    Instant notAfter = T0.plus(Duration.ofDays(60));
    RenewalPolicy policy = RenewalPolicy.forAuthorities();
    assertThat(policy.renewAt(shortCa.certificate()))
        .isEqualTo(notAfter.minus(Duration.ofDays(30)));
    assertThat(policy.decide(shortCa.certificate(), T0.plus(Duration.ofDays(29))).status())
        .isEqualTo(Status.VALID);
    assertThat(policy.decide(shortCa.certificate(), T0.plus(Duration.ofDays(30))).status())
        .isEqualTo(Status.RENEW);
  }

  @Test
  void renewalNeverFallsBeforeNotBefore() {
    RenewalPolicy policy = RenewalPolicy.forAuthorities(0.5, Duration.ofDays(1000));
    assertThat(policy.renewAt(LEAF)).isEqualTo(T0.minus(SKEW));
    assertThat(policy.decide(LEAF, T0).status()).isEqualTo(Status.RENEW);
  }

  @Test
  void configurableFractionAndDuration() {
    RenewalPolicy half = RenewalPolicy.forAuthorities(0.5, Duration.ZERO);
    Instant notBefore = T0.minus(SKEW);
    assertThat(half.renewAt(LEAF))
        .isEqualTo(notBefore.plus(Duration.ofDays(90).plus(SKEW).dividedBy(2)));
    assertThat(RenewalPolicy.forAuthorities(0.01, Duration.ofDays(7)).renewAt(LEAF))
        .isEqualTo(T0.plus(Duration.ofDays(83)));
  }

  @Test
  void rejectsNonsensicalPolicies() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RenewalPolicy.forAuthorities(0, Duration.ZERO))
        .withMessageContaining("between 0 and 1");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RenewalPolicy.forAuthorities(1, Duration.ZERO))
        .withMessageContaining("between 0 and 1");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RenewalPolicy.forAuthorities(Double.NaN, Duration.ZERO))
        .withMessageContaining("between 0 and 1");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RenewalPolicy.forAuthorities(0.3, Duration.ofDays(-1)))
        .withMessageContaining("zero or positive");
  }
}
