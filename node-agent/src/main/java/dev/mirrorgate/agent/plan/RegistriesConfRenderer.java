package dev.mirrorgate.agent.plan;

import static dev.mirrorgate.agent.plan.HostsTomlRenderer.quote;

import dev.mirrorgate.common.mirrors.Mirror;
import java.util.List;

/**
 * Renders the containers-registries.conf(5) drop-in (read by CRI-O, Podman, skopeo): one {@code
 * [[registry]]} per upstream with the mirror as its {@code [[registry.mirror]]}.
 */
public final class RegistriesConfRenderer {

  public static final String DROP_IN = "etc/containers/registries.conf.d/50-mirrorgate.conf";

  private RegistriesConfRenderer() {}

  public static String render(List<Mirror> mirrors) {
    StringBuilder b = new StringBuilder("# Managed by mirrorgate; changes are overwritten.\n");
    for (Mirror m : mirrors) {
      b.append("\n# mirror ").append(m.name()).append('\n');
      b.append("[[registry]]\n");
      b.append("prefix = ").append(quote(m.upstream())).append('\n');
      b.append("location = ").append(quote(m.upstream())).append("\n\n");
      b.append("[[registry.mirror]]\n");
      b.append("location = ").append(quote(m.endpointAuthority())).append('\n');
      b.append("insecure = ").append(!m.secure()).append('\n');
    }
    return b.toString();
  }
}
