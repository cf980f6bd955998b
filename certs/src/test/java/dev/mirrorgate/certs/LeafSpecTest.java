package dev.mirrorgate.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LeafSpecTest {
  private static final Duration DAY = Duration.ofDays(1);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost",
        "mirrorgate-webhook",
        "mirrorgate-webhook.mirrorgate.svc",
        "mirrorgate-webhook.mirrorgate.svc.cluster.local",
        "*.mirror.example.com",
        "Mixed-Case.Example",
        "a1.b2-c.d3",
        "xn--bcher-kva.example"
      })
  void acceptsDnsNames(String name) {
    assertThat(LeafSpec.server("cn", List.of(name), List.of(), DAY).dnsNames())
        .containsExactly(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "under_score.example",
        "-leading.example",
        "trailing-.example",
        "double..dot",
        "trailing.dot.",
        "*.com",
        "a.*.example",
        "*foo.example",
        "space name",
        "10.0.0.1",
        "::1"
      })
  void rejectsInvalidDnsNames(String name) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LeafSpec.server("cn", List.of(name), List.of(), DAY))
        .withMessageContaining("dnsNames[0]: \"" + name + "\"");
  }

  @Test
  void rejectsLabelsLongerThan63AndNamesLongerThan253() {
    String label64 = "a".repeat(64);
    String name254 = ("a".repeat(49) + ".").repeat(5) + "abcd";
    assertThat(name254).hasSize(254);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LeafSpec.server("cn", List.of(label64 + ".example"), List.of(), DAY))
        .withMessageContaining("label \"" + label64 + "\"");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LeafSpec.server("cn", List.of(name254), List.of(), DAY))
        .withMessageContaining("longer than 253");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "10.96.0.15",
        "0.0.0.0",
        "100.64.0.10",
        "::1",
        "::",
        "2001:db8::1",
        "fe80::1:2",
        "::ffff:10.0.0.1",
        "2001:0db8::01",
        "1.2.3.0",
        "10.0.0.100"
      })
  void acceptsIpAddresses(String ip) {
    assertThat(LeafSpec.server("cn", List.of(), List.of(ip), DAY).ipAddresses())
        .containsExactly(ip);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "256.1.1.1",
        "1.2.3",
        "1.2.3.4.5",
        "localhost",
        "[::1]",
        "10.0.0.0/8",
        "2001:db8::1::2",
        "fe80::1%eth0",
        "gggg::1",
        "010.1.1.1",
        "1.2.3.04",
        "::ffff:1.2.3.04"
      })
  void rejectsInvalidIpAddresses(String ip) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LeafSpec.server("cn", List.of(), List.of(ip), DAY))
        .withMessageContaining("ipAddresses[0]: \"" + ip + "\"");
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new LeafSpec(
                    " ",
                    List.of("ok.example", "bad_name"),
                    List.of("10.0.0.1", "300.0.0.1"),
                    Duration.ZERO,
                    null))
        .withMessageContaining("commonName: must not be blank")
        .withMessageContaining("dnsNames[1]: \"bad_name\" is not a valid DNS name")
        .withMessageContaining("ipAddresses[1]: \"300.0.0.1\" is not a valid IPv4 or IPv6 address")
        .withMessageContaining("validity: must be positive")
        .withMessageContaining("algorithm: must be set");
  }

  @Test
  void needsAtLeastOneSubjectAlternativeName() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LeafSpec.server("cn", null, List.of(), DAY))
        .withMessageContaining("needs at least one of them");
  }

  @Test
  void rejectsCommonNamesLongerThan64() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LeafSpec.server("c".repeat(65), List.of("a.example"), null, DAY))
        .withMessageContaining("longer than 64");
  }

  @Test
  void serverUsesEcP256AndCopiesLists() {
    List<String> names = new java.util.ArrayList<>(List.of("a.example"));
    LeafSpec spec = LeafSpec.server("cn", names, null, DAY);
    names.add("b.example");
    assertThat(spec.algorithm()).isEqualTo(KeyAlgorithm.EC_P256);
    assertThat(spec.dnsNames()).containsExactly("a.example");
    assertThat(spec.ipAddresses()).isEmpty();
    assertThat(spec.withAlgorithm(KeyAlgorithm.RSA_2048).algorithm())
        .isEqualTo(KeyAlgorithm.RSA_2048);
  }
}
