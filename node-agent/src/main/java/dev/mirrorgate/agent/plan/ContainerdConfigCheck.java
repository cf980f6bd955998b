package dev.mirrorgate.agent.plan;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells whether containerd reads hosts.toml files at all: only when its CRI registry {@code
 * config_path} is set. Pure: takes the text of {@code /etc/containerd/config.toml}.
 */
public final class ContainerdConfigCheck {

  private static final Pattern CONFIG_PATH =
      Pattern.compile("(?m)^\\s*config_path\\s*=\\s*[\"']([^\"']*)[\"']");
  private static final Pattern VERSION = Pattern.compile("(?m)^\\s*version\\s*=\\s*(\\d+)");

  private ContainerdConfigCheck() {}

  /** A problem to report, or empty when containerd will read {@code /etc/containerd/certs.d}. */
  public static Optional<String> problem(Optional<String> configToml) {
    if (configToml.isEmpty()) {
      return Optional.of(
          "containerd: /etc/containerd/config.toml does not exist, so the registry config_path is"
              + " unset on containerd 1.x and hosts.toml files are ignored; set"
              + " [plugins.\"io.containerd.grpc.v1.cri\".registry] config_path ="
              + " \"/etc/containerd/certs.d\"");
    }
    String text = configToml.get();
    Matcher m = CONFIG_PATH.matcher(text);
    if (!m.find() || m.group(1).isBlank()) {
      Matcher v = VERSION.matcher(text);
      String section =
          v.find() && Integer.parseInt(v.group(1)) >= 3
              ? "[plugins.\"io.containerd.cri.v1.images\".registry]"
              : "[plugins.\"io.containerd.grpc.v1.cri\".registry]";
      return Optional.of(
          "containerd: config_path is unset in /etc/containerd/config.toml, so hosts.toml files"
              + " are ignored; set "
              + section
              + " config_path = \"/etc/containerd/certs.d\"");
    }
    for (String dir : m.group(1).split(":")) {
      if (dir.replaceAll("/+$", "").equals("/etc/containerd/certs.d")) {
        return Optional.empty();
      }
    }
    return Optional.of(
        "containerd: config_path is \""
            + m.group(1)
            + "\", which does not include /etc/containerd/certs.d, so the agent's hosts.toml files"
            + " are ignored");
  }
}
