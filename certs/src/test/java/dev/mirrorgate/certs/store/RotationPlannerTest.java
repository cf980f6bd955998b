package dev.mirrorgate.certs.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorgate.certs.KeyAlgorithm;
import dev.mirrorgate.certs.LeafSpec;
import dev.mirrorgate.certs.MutableClock;
import dev.mirrorgate.certs.RenewalPolicy;
import dev.mirrorgate.certs.store.RotationPlanner.Settings;
import dev.mirrorgate.certs.store.RotationPlanner.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RotationPlannerTest {
  private static final LeafSpec LEAF =
      LeafSpec.server("webhook", List.of("webhook.ns.svc"), List.of(), Duration.ofDays(30));
  private static final Settings SETTINGS =
      new Settings(
          "test CA",
          Duration.ofDays(300),
          KeyAlgorithm.EC_P256,
          LEAF,
          RenewalPolicy.forLeaves(),
          RenewalPolicy.forAuthorities(1.0 / 3, Duration.ZERO),
          Duration.ofMinutes(2));

  private static final Optional<Instant> NOT_SEEN = Optional.empty();
  private static final Optional<Instant> SEEN = Optional.of(Instant.parse("2000-01-01T00:00:00Z"));

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final RotationPlanner planner = new RotationPlanner(SETTINGS, clock);

  /** Leaves of 250 days: still valid (but due) when the 300-day CA is rotated at day 200. */
  private final RotationPlanner longLeaves =
      new RotationPlanner(
          new Settings(
              SETTINGS.caCommonName(),
              SETTINGS.caValidity(),
              SETTINGS.caAlgorithm(),
              LeafSpec.server(
                  "webhook", List.of("webhook.ns.svc"), List.of(), Duration.ofDays(250)),
              SETTINGS.leafPolicy(),
              SETTINGS.caPolicy(),
              SETTINGS.publishDelay()),
          clock);

  @Test
  void aFreshStateNeedsNothingUntilTwoThirdsOfTheLeafLifetime() {
    ServingCertificates initial = planner.initial();
    assertThat(initial.servingSignedBySigner()).isTrue();
    assertThat(initial.trusted().certificates()).containsExactly(initial.signer().certificate());

    clock.advance(Duration.ofDays(19));
    assertThat(planner.next(initial, SEEN)).isEmpty();

    clock.advance(Duration.ofDays(2)); // day 21 > 2/3 of 30 days + 5 minutes of backdating
    Step step = planner.next(initial, SEEN).orElseThrow();
    assertThat(step.reasons()).containsExactly("leaf-renew");
    assertThat(step.value().signer()).isSameAs(initial.signer());
    assertThat(step.value().serving().certificate()).isNotEqualTo(initial.serving().certificate());
    assertThat(step.value().servingSignedBySigner()).isTrue();
  }

  @Test
  void aCaRotationTrustsTheNewCaBeforeItSignsTheServedLeaf() {
    ServingCertificates state = longLeaves.initial();
    clock.advance(Duration.ofDays(201)); // CA renewal due at 2/3 of 300 days

    Step rotated = longLeaves.next(state, SEEN).orElseThrow();
    assertThat(rotated.reasons()).contains("ca-renew");
    ServingCertificates afterCa = rotated.value();
    assertThat(afterCa.trusted().certificates())
        .containsExactlyInAnyOrder(state.signer().certificate(), afterCa.signer().certificate());
    // the leaf is due too, but the old CA's leaf keeps serving until the bundle holding the new CA
    // is injected and the publish delay has passed
    assertThat(afterCa.serving().certificate()).isEqualTo(state.serving().certificate());
    assertThat(afterCa.servingSignedBySigner()).isFalse();

    assertThat(longLeaves.next(afterCa, NOT_SEEN)).isEmpty(); // not injected yet
    clock.advance(Duration.ofMinutes(10)); // injected late: the delay counts from then
    Optional<Instant> injected = Optional.of(clock.instant());
    assertThat(longLeaves.next(afterCa, injected)).isEmpty();
    clock.advance(Duration.ofSeconds(119));
    assertThat(longLeaves.next(afterCa, injected)).isEmpty();

    clock.advance(Duration.ofSeconds(1));
    assertThat(longLeaves.next(afterCa, NOT_SEEN)).isEmpty(); // edited away meanwhile
    Step moved = longLeaves.next(afterCa, injected).orElseThrow();
    assertThat(moved.reasons()).containsExactly("leaf-from-new-ca");
    assertThat(moved.value().servingSignedBySigner()).isTrue();
    assertThat(moved.value().trusted().certificates()).hasSize(2);
  }

  @Test
  void anExpiredLeafIsReplacedAtOnceEvenDuringARotation() {
    ServingCertificates state = planner.initial();
    clock.advance(Duration.ofDays(250)); // the 30-day leaf is long expired, the CA is due

    Step step = planner.next(state, NOT_SEEN).orElseThrow();

    assertThat(step.reasons()).containsExactly("ca-renew", "leaf-expired");
    assertThat(step.value().servingSignedBySigner()).isTrue();
  }

  @Test
  void aMissingLeafIsIssued() {
    ServingCertificates initial = planner.initial();
    ServingCertificates broken =
        new ServingCertificates(initial.trusted(), initial.signer(), null, initial.signerSince());

    Step step = planner.next(broken, SEEN).orElseThrow();

    assertThat(step.reasons()).containsExactly("leaf-missing");
    assertThat(step.value().servingSignedBySigner()).isTrue();
  }

  @Test
  void changedNamesReissueTheLeaf() {
    ServingCertificates initial = planner.initial();
    LeafSpec renamed =
        LeafSpec.server(
            "webhook",
            List.of("webhook.ns.svc", "webhook.ns.svc.cluster.local"),
            List.of(),
            Duration.ofDays(30));
    RotationPlanner other =
        new RotationPlanner(
            new Settings(
                SETTINGS.caCommonName(),
                SETTINGS.caValidity(),
                SETTINGS.caAlgorithm(),
                renamed,
                SETTINGS.leafPolicy(),
                SETTINGS.caPolicy(),
                SETTINGS.publishDelay()),
            clock);

    Optional<Step> step = other.next(initial, SEEN);

    assertThat(step)
        .hasValueSatisfying(s -> assertThat(s.reasons()).containsExactly("leaf-names-changed"));
    assertThat(RotationPlanner.namesMatch(step.get().value().serving().certificate(), renamed))
        .isTrue();
  }

  @Test
  void expiredCasLeaveTheBundle() {
    ServingCertificates state = longLeaves.initial();
    clock.advance(Duration.ofDays(201));
    ServingCertificates rotated = longLeaves.next(state, SEEN).orElseThrow().value();
    clock.advance(Duration.ofMinutes(3));
    rotated = longLeaves.next(rotated, SEEN).orElseThrow().value();
    assertThat(rotated.trusted().certificates()).hasSize(2);

    clock.advance(Duration.ofDays(100)); // the old CA expired at day 300

    Step step = longLeaves.next(rotated, SEEN).orElseThrow();
    assertThat(step.reasons()).contains("expired-ca-removed");
    assertThat(step.value().trusted().certificates())
        .containsExactly(rotated.signer().certificate());
  }
}
