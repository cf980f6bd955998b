package dev.mirrorgate.certs.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mirrorgate.certs.CertificateAuthority;
import dev.mirrorgate.certs.KeyAlgorithm;
import dev.mirrorgate.certs.LeafSpec;
import dev.mirrorgate.certs.store.CertificateProblem.Reason;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretFormatTest {
  private static final Clock CLOCK = Clock.systemUTC();
  private static final RotationPlanner PLANNER =
      new RotationPlanner(
          RotationPlanner.Settings.defaults(
              LeafSpec.server("w", List.of("w.ns.svc"), List.of(), Duration.ofDays(1))),
          CLOCK);

  @Test
  void roundTripsEveryPart() throws Exception {
    ServingCertificates value = PLANNER.initial();

    Map<String, byte[]> data = SecretFormat.data(value);
    SecretFormat.Decoded decoded =
        SecretFormat.decode("Secret ns/x", data, SecretFormat.annotations(value), CLOCK);

    assertThat(data).containsOnlyKeys("tls.crt", "tls.key", "ca.crt", "ca.key");
    assertThat(decoded.problems()).isEmpty();
    assertThat(decoded.value().signer().certificate()).isEqualTo(value.signer().certificate());
    assertThat(decoded.value().serving().chain()).isEqualTo(value.serving().chain());
    assertThat(decoded.value().trusted()).isEqualTo(value.trusted());
    assertThat(decoded.value().signerSince()).isEqualTo(value.signerSince());
  }

  @Test
  void aLeafKeyOfAnotherCertificateIsAMismatchProblemAndTheLeafIsDropped() throws Exception {
    ServingCertificates value = PLANNER.initial();
    Map<String, byte[]> data = new HashMap<>(SecretFormat.data(value));
    data.put("tls.key", SecretFormat.data(PLANNER.initial()).get("tls.key"));

    SecretFormat.Decoded decoded = SecretFormat.decode("Secret ns/x", data, Map.of(), CLOCK);

    assertThat(decoded.value().serving()).isNull();
    assertThat(decoded.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.reason()).isEqualTo(Reason.MISMATCH);
              assertThat(p.message())
                  .startsWith("Secret ns/x: tls.crt/tls.key: ")
                  .contains("does not belong");
            });
  }

  @Test
  void aCaKeyBelongingToNoCaOfTheBundleIsAnError() {
    ServingCertificates value = PLANNER.initial();
    Map<String, byte[]> data = new HashMap<>(SecretFormat.data(value));
    data.put(
        "ca.key",
        CertificateAuthority.create("other", Duration.ofDays(1), KeyAlgorithm.EC_P256, CLOCK)
            .privateKeyPem()
            .getBytes(StandardCharsets.US_ASCII));

    assertThatThrownBy(() -> SecretFormat.decode("Secret ns/x", data, Map.of(), CLOCK))
        .isInstanceOf(CertificateException.class)
        .hasMessageStartingWith("Secret ns/x: ca.key belongs to none of the CAs in ca.crt");
  }

  @Test
  void aMissingKeyIsNamed() {
    Map<String, byte[]> data = new HashMap<>(SecretFormat.data(PLANNER.initial()));
    data.remove("ca.crt");

    assertThatThrownBy(() -> SecretFormat.decode("Secret ns/x", data, Map.of(), CLOCK))
        .hasMessage("Secret ns/x: ca.crt: missing key ca.crt");
  }
}
