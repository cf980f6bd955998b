package dev.mirrorgate.common.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What a machine must have for {@link KubeCluster} (a real kubelet), and what it lacks. */
final class ClusterRequirements {
  static final List<String> PROGRAMS =
      List.of("containerd", "containerd-shim-runc-v2", "runc", "ctr", "unshare", "mount", "umount");
  static final Path CNI_LOOPBACK = Path.of("/usr/lib/cni/loopback");

  private ClusterRequirements() {}

  /** Each missing thing with what to do; empty when the cluster tier can run here. */
  static List<String> missing() {
    List<String> missing = new ArrayList<>();
    if (!isRoot()) {
      missing.add(
          "not root (the kubelet and containerd mount file systems and create cgroups): run the"
              + " tests as root, as CI does");
      return missing;
    }
    if (!Files.isDirectory(Path.of("/sys/fs/cgroup/memory/"))
        && !Files.isRegularFile(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
      missing.add("no cgroup file system at /sys/fs/cgroup (v1 memory hierarchy or v2)");
    }
    List<String> absent = new ArrayList<>();
    for (String program : PROGRAMS) {
      if (!onPath(program)) {
        absent.add(program);
      }
    }
    if (!Files.isExecutable(CNI_LOOPBACK)) {
      absent.add(CNI_LOOPBACK.toString());
    }
    if (!absent.isEmpty()) {
      missing.add(
          "missing "
              + String.join(", ", absent)
              + ": run `bash .ci/install-deps` (Debian containerd, runc,"
              + " containernetworking-plugins, util-linux)");
    }
    // The harness owns the machine's kubepods cgroups and cleans them: never on a real node.
    List<String> kubelets =
        ProcessHandle.allProcesses()
            .filter(p -> p.info().command().map(c -> c.endsWith("/kubelet")).orElse(false))
            .filter(p -> !NodeCleanup.commandLine(p.pid()).contains("/tmp/mirrorgate-cluster-"))
            .map(p -> Long.toString(p.pid()))
            .toList();
    if (!kubelets.isEmpty()) {
      missing.add(
          "a kubelet not started by the tests runs here (pid "
              + String.join(", ", kubelets)
              + "): this machine is a Kubernetes node, and the cluster tier would take over its"
              + " cgroups; run the tier on a machine without one");
    }
    try {
      String host = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
      if (!InetAddress.getByName(host).isLoopbackAddress()) {
        missing.add(
            "the host name "
                + host
                + " (the Node's name) does not resolve to a loopback address: the API server"
                + " reaches the kubelet by that name, and tests talk only to 127.0.0.0/8; add"
                + " `127.0.0.1 "
                + host
                + "` to /etc/hosts");
      }
    } catch (IOException e) {
      missing.add("cannot resolve this machine's host name: " + e.getMessage());
    }
    return missing;
  }

  static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
