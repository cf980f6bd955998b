package dev.mirrorgate.certs.store;

import dev.mirrorgate.certs.CaBundle;
import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.IssuedCertificate;
import java.time.Instant;
import java.util.Objects;

/**
 * What the webhook's Secret holds: the CAs clients trust, the CA that signs new leaves, the leaf
 * every replica serves, and when the signing CA was rotated in.
 *
 * @param trusted the caBundle (old and new CA during a rotation); always contains the signer
 * @param signer the active CA (its key is the Secret's {@code ca.key})
 * @param serving the serving leaf, or null when the stored one was unusable and must be reissued
 * @param signerSince when the signer was added to the bundle; a leaf from a new signer is issued
 *     only once the bundle holding it has been published for a while
 */
public record ServingCertificates(
    CaBundle trusted, CertificateAuthority signer, IssuedCertificate serving, Instant signerSince) {

  /** Checks that the bundle trusts the signer. */
  public ServingCertificates {
    Objects.requireNonNull(trusted, "trusted");
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(signerSince, "signerSince");
    if (!trusted.contains(signer.certificate())) {
      throw new IllegalArgumentException("the CA bundle does not contain the signing CA " + signer);
    }
  }

  /** Whether the serving leaf was signed by the active CA. */
  public boolean servingSignedBySigner() {
    return serving != null
        && serving
            .certificate()
            .getIssuerX500Principal()
            .equals(signer.certificate().getSubjectX500Principal())
        && verifies(serving, signer);
  }

  private static boolean verifies(IssuedCertificate leaf, CertificateAuthority ca) {
    try {
      leaf.certificate().verify(ca.certificate().getPublicKey());
      return true;
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  /** Omits key material. */
  @Override
  public String toString() {
    return "ServingCertificates[signer="
        + signer
        + ", serving="
        + serving
        + ", trusted="
        + trusted
        + ", signerSince="
        + signerSince
        + "]";
  }
}
