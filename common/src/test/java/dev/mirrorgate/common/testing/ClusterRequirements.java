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

  /**
   * What the machine offers: root, a cgroup file system, the programs that are absent, the host
   * name and whether it resolves to a loopback address (null: it does not resolve), and the pids of
   * kubelets the tests did not start.
   */
  record Machine(
      boolean root,
      boolean cgroups,
      List<String> absentPrograms,
      String hostName,
      Boolean hostIsLoopback,
      List<Long> foreignKubelets) {}

  private ClusterRequirements() {}

  /** Each missing thing on this machine with what to do; empty when the tier can run here. */
  static List<String> missing() {
    return missing(thisMachine());
  }

  /** Each missing thing with what to do; empty when the cluster tier can run. */
  static List<String> missing(Machine machine) {
    List<String> missing = new ArrayList<>();
    if (!machine.root()) {
      missing.add(
          "not root (the kubelet and containerd mount file systems and create cgroups): run the"
              + " tests as root, as CI does");
      return missing;
    }
    if (!machine.cgroups()) {
      missing.add("no cgroup file system at /sys/fs/cgroup (v1 memory hierarchy or v2)");
    }
    if (!machine.absentPrograms().isEmpty()) {
      missing.add(
          "missing "
              + String.join(", ", machine.absentPrograms())
              + ": run `bash .ci/install-deps` (Debian containerd, runc,"
              + " containernetworking-plugins, util-linux)");
    }
    if (!machine.foreignKubelets().isEmpty()) {
      missing.add(
          "a kubelet not started by the tests runs here (pid "
              + String.join(", ", machine.foreignKubelets().stream().map(String::valueOf).toList())
              + "): this machine is a Kubernetes node, and the cluster tier would take over its"
              + " cgroups; run the tier on a machine without one");
    }
    if (machine.hostIsLoopback() == null) {
      missing.add(
          "the host name "
              + machine.hostName()
              + " (the Node's name) does not resolve: add `127.0.0.1 "
              + machine.hostName()
              + "` to /etc/hosts");
    } else if (!machine.hostIsLoopback()) {
      missing.add(
          "the host name "
              + machine.hostName()
              + " (the Node's name) does not resolve to a loopback address: the API server"
              + " reaches the kubelet by that name, and tests talk only to 127.0.0.0/8; add"
              + " `127.0.0.1 "
              + machine.hostName()
              + "` to /etc/hosts");
    }
    return missing;
  }

  static Machine thisMachine() {
    List<String> absent = new ArrayList<>();
    for (String program : PROGRAMS) {
      if (!onPath(program)) {
        absent.add(program);
      }
    }
    if (!Files.isExecutable(CNI_LOOPBACK)) {
      absent.add(CNI_LOOPBACK.toString());
    }
    // The harness owns the machine's kubepods cgroups and cleans them: never on a real node.
    List<Long> kubelets =
        ProcessHandle.allProcesses()
            .filter(p -> p.info().command().map(c -> c.endsWith("/kubelet")).orElse(false))
            .filter(p -> !NodeCleanup.commandLine(p.pid()).contains("/tmp/mirrorgate-cluster-"))
            .map(ProcessHandle::pid)
            .toList();
    String host = "localhost";
    Boolean loopback;
    try {
      host = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
      loopback = InetAddress.getByName(host).isLoopbackAddress();
    } catch (IOException e) {
      loopback = null;
    }
    return new Machine(
        isRoot(),
        Files.isDirectory(Path.of("/sys/fs/cgroup/memory/"))
            || Files.isRegularFile(Path.of("/sys/fs/cgroup/cgroup.controllers")),
        absent,
        host,
        loopback,
        kubelets);
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
