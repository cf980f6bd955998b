package dev.mirrorgate.webhook.deploy.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegistryHostsTest {
  private final RegistryHosts hosts =
      new RegistryHosts(List.of("registry.lab:5000", "plain.lab", " "));

  @ParameterizedTest
  @CsvSource({
    "localhost:5000, true",
    "LOCALHOST, true",
    "127.0.0.1:5000, true",
    "127.200.3.4, true",
    "[::1]:5000, true",
    "[0:0:0:0:0:0:0:1]:5000, true",
    "registry.lab:5000, true",
    "plain.lab:443, true",
    "plain.lab, true",
    // everything else is HTTPS only
    "registry.lab:5001, false",
    "registry.lab, false",
    "128.0.0.1:5000, false",
    "127.0.0.256, false",
    "127.0.0.1.nip.io, false",
    "localhost.example.com, false",
    "[::2]:5000, false",
    "docker.io, false",
    "10.96.0.15:443, false",
  })
  void plainHttpOnlyForLoopbackAndInsecure(String authority, boolean allowed) {
    assertThat(hosts.plainHttpAllowed(authority)).isEqualTo(allowed);
  }

  @ParameterizedTest
  @CsvSource({
    "docker.io, registry-1.docker.io, dockerhub",
    "index.docker.io, registry-1.docker.io, dockerhub",
    "registry-1.docker.io, registry-1.docker.io, dockerhub",
    "ghcr.io, ghcr.io, ghcr",
    "quay.io, quay.io, quay",
    "europe-docker.pkg.dev, europe-docker.pkg.dev, gcr",
    "eu.gcr.io, eu.gcr.io, gcr",
    "1234.dkr.ecr.eu-west-1.amazonaws.com, 1234.dkr.ecr.eu-west-1.amazonaws.com, ecr",
    "acme.azurecr.io, acme.azurecr.io, acr",
    "localhost:5000, localhost:5000, loopback",
    "registry-builds.apps.svc:5000, registry-builds.apps.svc:5000, cluster",
    "registry.apps.svc.cluster.local, registry.apps.svc.cluster.local, cluster",
    "10.96.0.15:443, 10.96.0.15:443, cluster",
    "172.20.1.1, 172.20.1.1, cluster",
    "172.32.1.1, 172.32.1.1, other",
    "registry.example.com:5000, registry.example.com:5000, other",
  })
  void apiHostAndMetricClass(String domain, String api, String registryClass) {
    assertThat(RegistryHosts.apiAuthority(domain)).isEqualTo(api);
    assertThat(RegistryHosts.registryClass(domain)).isEqualTo(registryClass);
  }
}
