package dev.mirrorgate.agent.plan;

import dev.mirrorgate.common.mirrors.Mirror;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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

  /**
   * Whether {@code rel} is a file the agent may own: under one of the directories it writes, or its
   * registries.conf drop-in. What a state file may list.
   */
  public static boolean ownsFile(String rel) {
    if (rel.equals(RegistriesConfRenderer.DROP_IN)) {
      return true;
    }
    for (String d : OWNED_DIRECTORIES) {
      if (rel.startsWith(d) && rel.length() > d.length()) {
        return true;
      }
    }
    return false;
  }

  /** The directories whose entries the agent writes (each host's directory below them). */
  static final List<String> OWNED_DIRECTORIES =
      List.of(CONTAINERD_CERTS, DOCKER_CERTS, CONTAINERS_CERTS);

  public static NodePlan plan(MirrorsDocument doc, Set<Output> outputs) {
    TreeMap<String, byte[]> files = new TreeMap<>();
    List<HostsEntry> hosts = new ArrayList<>();
    // One array per distinct CA bundle, shared by every file that holds it: seven files per
    // mirror, and usually one CA for every mirror.
    Map<String, byte[]> cas = new HashMap<>();
    for (Mirror m : doc.mirrors()) {
      byte[] ca = cas.get(m.caBundle());
      if (ca == null) {
        ca = m.caBundle().getBytes(StandardCharsets.UTF_8);
        cas.put(m.caBundle(), ca);
      }
      if (m.masquerade().isPresent() && m.address().isPresent()) {
        hosts.add(new HostsEntry(m.address().get(), m.masquerade().get()));
      }
      if (outputs.contains(Output.CONTAINERD)) {
        containerd(m, ca, files);
      }
      boolean hasCa = !m.caBundle().isEmpty();
      for (String authority : mirrorAuthorities(m)) {
        if (hasCa && outputs.contains(Output.DOCKER)) {
          files.put(DOCKER_CERTS + authority + "/ca.crt", ca);
        }
        if (hasCa && outputs.contains(Output.CONTAINERS)) {
          files.put(CONTAINERS_CERTS + authority + "/ca.crt", ca);
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

  private static void containerd(Mirror m, byte[] ca, SortedMap<String, byte[]> files) {
    String dir = CONTAINERD_CERTS + m.upstream() + "/";
    put(files, dir + "hosts.toml", HostsTomlRenderer.upstream(m));
    if (m.caBundle().isEmpty()) {
      return;
    }
    files.put(dir + HostsTomlRenderer.CA_FILE, ca);
    for (String authority : mirrorAuthorities(m)) {
      if (authority.equals(m.upstream())) {
        continue;
      }
      String own = CONTAINERD_CERTS + authority + "/";
      put(files, own + "hosts.toml", HostsTomlRenderer.mirrorHost(m, authority));
      files.put(own + HostsTomlRenderer.CA_FILE, ca);
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
