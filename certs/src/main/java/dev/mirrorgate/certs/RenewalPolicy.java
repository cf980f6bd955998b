package dev.mirrorgate.certs;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a certificate should be replaced: a pure function of (certificate, now).
 *
 * <p>A certificate is renewed once less than a fraction of its lifetime, or less than a minimum
 * duration, remains, whichever comes first. Leaves use cert-manager's rule (renew at two thirds of
 * the lifetime). CAs renew well before expiry, so that the new CA can be distributed to every
 * client while the old one is still trusted (see {@link CaBundle}).
 */
public final class RenewalPolicy {
  /** The default part of a CA's lifetime that must remain; below it the CA is renewed. */
  public static final double CA_REMAINING_FRACTION = 1.0 / 3;

  /** The default least time a CA must have left; below it the CA is renewed. */
  public static final Duration CA_MINIMUM_REMAINING = Duration.ofDays(30);

  private final double remainingFraction;
  private final Duration minimumRemaining;

  private RenewalPolicy(double remainingFraction, Duration minimumRemaining) {
    if (!(remainingFraction > 0 && remainingFraction < 1)) {
      throw new IllegalArgumentException(
          "remaining fraction must be between 0 and 1 (exclusive), got " + remainingFraction);
    }
    if (minimumRemaining == null || minimumRemaining.isNegative()) {
      throw new IllegalArgumentException(
          "minimum remaining must be zero or positive, got " + minimumRemaining);
    }
    this.remainingFraction = remainingFraction;
    this.minimumRemaining = minimumRemaining;
  }

  /** Leaves: renew at two thirds of the lifetime, as cert-manager does. */
  public static RenewalPolicy forLeaves() {
    return new RenewalPolicy(1.0 / 3, Duration.ZERO);
  }

  /** CAs: renew when less than a third of the lifetime or less than 30 days remains. */
  public static RenewalPolicy forAuthorities() {
    return forAuthorities(CA_REMAINING_FRACTION, CA_MINIMUM_REMAINING);
  }

  /**
   * CAs: renew when less than {@code remainingFraction} of the lifetime or {@code minimum} remains.
   */
  public static RenewalPolicy forAuthorities(double remainingFraction, Duration minimum) {
    return new RenewalPolicy(remainingFraction, minimum);
  }

  /** The instant from which the certificate should be renewed (never before its notBefore). */
  public Instant renewAt(X509Certificate certificate) {
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();
    Duration lifetime = Duration.between(notBefore, notAfter);
    Duration byFraction = Duration.ofSeconds(Math.round(lifetime.getSeconds() * remainingFraction));
    Duration threshold =
        byFraction.compareTo(minimumRemaining) >= 0 ? byFraction : minimumRemaining;
    Instant renewAt = notAfter.minus(threshold);
    return renewAt.isBefore(notBefore) ? notBefore : renewAt;
  }

  /** What to do with the certificate at {@code now}. */
  public Decision decide(X509Certificate certificate, Instant now) {
    Objects.requireNonNull(now, "now");
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();
    Instant renewAt = renewAt(certificate);
    Status status;
    if (now.isBefore(notBefore)) {
      status = Status.NOT_YET_VALID;
    } else if (now.isAfter(notAfter)) { // X.509 validity includes notAfter itself
      status = Status.EXPIRED;
    } else if (!now.isBefore(renewAt)) {
      status = Status.RENEW;
    } else {
      status = Status.VALID;
    }
    return new Decision(status, renewAt, notBefore, notAfter);
  }

  @Override
  public String toString() {
    return "RenewalPolicy[remainingFraction="
        + remainingFraction
        + ", minimumRemaining="
        + minimumRemaining
        + "]";
  }

  /** The state of a certificate at some instant. */
  public enum Status {
    /** In use and good until {@link Decision#renewAt()}. */
    VALID,
    /** Still valid, but past its renewal point: replace it now. */
    RENEW,
    /** Past notAfter: peers reject it; replace it now. */
    EXPIRED,
    /** Before notBefore (a clock far behind the issuer's, or a wrong certificate). */
    NOT_YET_VALID
  }

  /**
   * A renewal decision.
   *
   * @param renewAt when the certificate is (or was) due for renewal
   */
  public record Decision(Status status, Instant renewAt, Instant notBefore, Instant notAfter) {

    /** Whether to replace the certificate now: anything but {@link Status#VALID}. */
    public boolean needsRenewal() {
      return status != Status.VALID;
    }

    /** How long from {@code now} until renewal is due; zero when it already is. */
    public Duration untilRenewal(Instant now) {
      Duration wait = Duration.between(now, renewAt);
      return wait.isNegative() || needsRenewal() ? Duration.ZERO : wait;
    }
  }
}
