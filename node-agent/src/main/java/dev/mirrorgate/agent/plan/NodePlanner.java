package dev.mirrorgate.agent.plan;

import dev.mirrorgate.common.mirrors.Mirror;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/** The pure core of the agent: a mirrors document and the wanted outputs in, a node plan out. */
public final class NodePlanner {

  static final String CONTAINERD_CERTS = "etc/containerd/certs.d/";
  static final String DOCKER_CERTS = "etc/docker/certs.d/";
  static final String CONTAINERS_CERTS = "etc/containers/certs.d/";

  private NodePlanner() {}

  public static NodePlan plan(MirrorsDocument doc, Set<Output> outputs) {
    SortedMap<String, byte[]> files = new TreeMap<>();
    List<HostsEntry> hosts = new ArrayList<>();
    for (Mirror m : doc.mirrors()) {
      if (m.masquerade().isPresent() && m.address().isPresent()) {
        hosts.add(new HostsEntry(m.address().get(), m.masquerade().get()));
      }
      if (outputs.contains(Output.CONTAINERD)) {
        containerd(m, files);
      }
      boolean hasCa = !m.caBundle().isEmpty();
      for (String authority : mirrorAuthorities(m)) {
        if (hasCa && outputs.contains(Output.DOCKER)) {
          put(files, DOCKER_CERTS + authority + "/ca.crt", m.caBundle());
        }
        if (hasCa && outputs.contains(Output.CONTAINERS)) {
          put(files, CONTAINERS_CERTS + authority + "/ca.crt", m.caBundle());
        }
      }
    }
    if (outputs.contains(Output.CONTAINERS) && !doc.mirrors().isEmpty()) {
      put(files, RegistriesConfRenderer.DROP_IN, RegistriesConfRenderer.render(doc.mirrors()));
    }
    Optional<List<HostsEntry>> block =
        outputs.contains(Output.HOSTS) ? Optional.of(hosts) : Optional.empty();
    return new NodePlan(files, block);
  }

  private static void containerd(Mirror m, SortedMap<String, byte[]> files) {
    String dir = CONTAINERD_CERTS + m.upstream() + "/";
    put(files, dir + "hosts.toml", HostsTomlRenderer.upstream(m));
    if (m.caBundle().isEmpty()) {
      return;
    }
    put(files, dir + HostsTomlRenderer.CA_FILE, m.caBundle());
    for (String authority : mirrorAuthorities(m)) {
      if (authority.equals(m.upstream())) {
        continue;
      }
      String own = CONTAINERD_CERTS + authority + "/";
      put(files, own + "hosts.toml", HostsTomlRenderer.mirrorHost(m, authority));
      put(files, own + HostsTomlRenderer.CA_FILE, m.caBundle());
    }
  }

  /** The names under which runtimes reach the mirror: its endpoint and its masquerade. */
  private static Set<String> mirrorAuthorities(Mirror m) {
    Set<String> out = new LinkedHashSet<>();
    out.add(m.endpointAuthority());
    m.masqueradeAuthority().ifPresent(out::add);
    return out;
  }

  private static void put(SortedMap<String, byte[]> files, String path, String content) {
    files.put(path, content.getBytes(StandardCharsets.UTF_8));
  }
}
