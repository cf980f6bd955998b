package dev.mirrorgate.common.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Removes what a {@link KubeCluster} node leaves on the machine, reading the state from the machine
 * itself (processes, mount table, cgroup tree), so it works as well after a crashed run as after a
 * normal one, and any number of times: every process whose command line names the cluster's
 * directory, the containers in the {@code kubepods} cgroups, the mounts under the directory, the
 * {@code kubepods} cgroup directories, containerd's shim sockets and the kubelet's links in {@code
 * /var/log/containers}, then the directory itself. Each step goes on when another fails; what could
 * not be removed is returned, never thrown.
 */
final class NodeCleanup {
  static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
  static final String KUBEPODS = "kubepods";
  static final Path CONTAINER_LOG_LINKS = Path.of("/var/log/containers");
  static final Path SHIM_SOCKETS = Path.of("/run/containerd/s");
  static final String CONTAINERD_NAMESPACE = "k8s.io";
  static final Path KUBELET_MACHINE_DIR = Path.of("/var/lib/kubelet");

  /**
   * Machine-wide places the kubelet and containerd's shims write to; removed when a node made them.
   */
  static final List<Path> MACHINE_DIRS =
      List.of(
          KUBELET_MACHINE_DIR.resolve("device-plugins"),
          KUBELET_MACHINE_DIR,
          CONTAINER_LOG_LINKS,
          SHIM_SOCKETS,
          Path.of("/run/containerd"));

  /** The host settings the kubelet changes (it sets them with protectKernelDefaults: false). */
  static final List<Path> KERNEL_TUNABLES =
      List.of(
          Path.of("/proc/sys/vm/overcommit_memory"),
          Path.of("/proc/sys/vm/panic_on_oom"),
          Path.of("/proc/sys/kernel/panic"),
          Path.of("/proc/sys/kernel/panic_on_oops"));

  /** In a node's directory: the machine-wide directories it made and the settings it found. */
  static final String MACHINE_RECORD = "machine-before-start.txt";

  private static final String ABSENT = "absent";

  private NodeCleanup() {}

  /**
   * Records, in the node's directory before anything starts, which machine-wide directories do not
   * exist yet and the kernel settings the kubelet may change: a later {@link #clean}, even by
   * another JVM after a crash, removes and restores exactly those.
   */
  static Map<Path, String> recordMachineState(Path dir) throws IOException {
    Map<Path, String> state = machineState();
    StringBuilder record = new StringBuilder();
    state.forEach(
        (path, value) -> {
          if (MACHINE_DIRS.contains(path) && value.equals(ABSENT)) {
            record.append("made ").append(path).append('\n');
          } else if (KERNEL_TUNABLES.contains(path)) {
            record.append("setting ").append(path).append(' ').append(value).append('\n');
          }
        });
    Files.writeString(dir.resolve(MACHINE_RECORD), record);
    return state;
  }

  /** What a node may change on the machine: the machine-wide directories and kernel settings. */
  static Map<Path, String> machineState() throws IOException {
    Map<Path, String> state = new LinkedHashMap<>();
    for (Path machineDir : MACHINE_DIRS) {
      state.put(machineDir, Files.exists(machineDir) ? "exists" : ABSENT);
    }
    for (Path tunable : KERNEL_TUNABLES) {
      if (Files.isReadable(tunable)) {
        state.put(tunable, readSetting(tunable));
      }
    }
    return state;
  }

  /** Everything of the node in {@code dir}; returns what is left, empty when all went. */
  static List<String> clean(Path dir) {
    List<String> problems = new ArrayList<>();
    List<String> record = readRecord(dir);
    List<String> shimSockets = shimSockets(dir);
    killContainers(problems);
    killProcessesNaming(dir, problems);
    for (String socket : shimSockets) {
      try {
        Files.deleteIfExists(SHIM_SOCKETS.resolve(socket));
      } catch (IOException e) {
        problems.add("cannot remove shim socket " + socket + ": " + e);
      }
    }
    unmountUnder(dir, problems);
    removeKubepodsCgroups(problems);
    removeContainerLogLinksInto(dir, problems);
    // The kubelet's device-plugin socket is stale once the kubelet is gone, whoever made its dir.
    try {
      Files.deleteIfExists(KUBELET_MACHINE_DIR.resolve("device-plugins/kubelet.sock"));
    } catch (IOException e) {
      problems.add("cannot remove the kubelet's device-plugin socket: " + e);
    }
    for (String line : record) {
      String[] fields = line.split(" ");
      if (fields[0].equals("made") && fields.length == 2) {
        // The kubelet's directory goes whole (only its sockets); shared ones only when empty
        // (another containerd may use /run/containerd meanwhile).
        Path made = Path.of(fields[1]);
        if (made.startsWith(KUBELET_MACHINE_DIR)) {
          deleteTree(made, problems);
        } else {
          deleteIfEmpty(made);
        }
      } else if (fields[0].equals("setting") && fields.length == 3) {
        restore(Path.of(fields[1]), fields[2], problems);
      }
    }
    deleteTree(dir, problems);
    return problems;
  }

  private static List<String> readRecord(Path dir) {
    try {
      return Files.readAllLines(dir.resolve(MACHINE_RECORD));
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * A /proc/sys value. Not Files.readString: a sysctl file reports size 0, so the JDK reads one
   * byte, then asks again at offset 1, where procfs answers end of file ("10" reads as "1").
   */
  static String readSetting(Path tunable) throws IOException {
    try (var in = Files.newInputStream(tunable)) {
      byte[] buffer = new byte[256];
      int n = in.read(buffer);
      return n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.US_ASCII).strip();
    }
  }

  private static void restore(Path tunable, String value, List<String> problems) {
    try {
      if (!readSetting(tunable).equals(value)) {
        Files.writeString(tunable, value + "\n");
      }
    } catch (IOException e) {
      problems.add("cannot restore " + tunable + " to " + value + ": " + e);
    }
  }

  /**
   * containerd 1.6 names a shim's socket {@code /run/containerd/s/sha256(ADDRESS/NAMESPACE/ID)}; a
   * shim killed with SIGKILL leaves it behind. The IDs are the task directories in the node's
   * containerd state.
   */
  static List<String> shimSockets(Path dir) {
    List<String> sockets = new ArrayList<>();
    Path tasks =
        dir.resolve("containerd/state/io.containerd.runtime.v2.task").resolve(CONTAINERD_NAMESPACE);
    if (!Files.isDirectory(tasks)) {
      return sockets;
    }
    String address = dir.resolve("containerd/containerd.sock").toString();
    try (DirectoryStream<Path> ids = Files.newDirectoryStream(tasks)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Path id : ids) {
        String key = address + "/" + CONTAINERD_NAMESPACE + "/" + id.getFileName();
        sockets.add(HexFormat.of().formatHex(sha.digest(key.getBytes(StandardCharsets.UTF_8))));
      }
    } catch (IOException | NoSuchAlgorithmException e) {
      // nothing to compute from: the rest of the cleanup still runs
    }
    return sockets;
  }

  /** SIGKILL for every process of every {@code kubepods} cgroup, until none is left (10 s). */
  static void killContainers(List<String> problems) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      List<Long> pids = kubepodsProcesses();
      if (pids.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        problems.add("processes left in the kubepods cgroups: " + pids);
        return;
      }
      pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      pause(100);
    }
  }

  /** The processes in any {@code kubepods} cgroup of any hierarchy. */
  static List<Long> kubepodsProcesses() {
    List<Long> pids = new ArrayList<>();
    for (Path top : kubepodsCgroups()) {
      try (Stream<Path> files = Files.walk(top)) {
        for (Path procs : files.filter(f -> f.endsWith("cgroup.procs")).toList()) {
          for (String line : Files.readAllLines(procs)) {
            if (!line.isBlank()) {
              pids.add(Long.parseLong(line.strip()));
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        // a cgroup removed while walking: the next round sees the rest
      }
    }
    return pids.stream().distinct().toList();
  }

  /** {@code /sys/fs/cgroup/<hierarchy>/kubepods} (v1) and {@code /sys/fs/cgroup/kubepods} (v2). */
  static List<Path> kubepodsCgroups() {
    List<Path> found = new ArrayList<>();
    if (Files.isDirectory(CGROUP_ROOT.resolve(KUBEPODS))) {
      found.add(CGROUP_ROOT.resolve(KUBEPODS));
    }
    try (DirectoryStream<Path> hierarchies = Files.newDirectoryStream(CGROUP_ROOT)) {
      for (Path hierarchy : hierarchies) {
        Path kubepods = hierarchy.resolve(KUBEPODS);
        if (!hierarchy.getFileName().toString().equals(KUBEPODS) && Files.isDirectory(kubepods)) {
          found.add(kubepods);
        }
      }
    } catch (IOException e) {
      // no cgroup file system: nothing to clean
    }
    return found;
  }

  /**
   * SIGTERM, then SIGKILL after 10 s, for every process whose command line mentions {@code dir}.
   */
  static void killProcessesNaming(Path dir, List<String> problems) {
    String needle = dir.toAbsolutePath().toString();
    List<ProcessHandle> found =
        ProcessHandle.allProcesses()
            .filter(p -> p.pid() != ProcessHandle.current().pid())
            .filter(p -> commandLine(p.pid()).contains(needle))
            .toList();
    found.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (ProcessHandle p : found) {
      while (p.isAlive() && System.nanoTime() < deadline) {
        pause(50);
      }
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
    for (ProcessHandle p : found) {
      try {
        p.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        problems.add("process " + p.pid() + " (" + commandLine(p.pid()) + ") did not exit");
      }
    }
  }

  /** The NUL-separated {@code /proc/PID/cmdline}, joined by spaces ("" when gone). */
  static String commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  /** Unmounts every mount point at or under {@code dir}, deepest first (lazily if busy). */
  static void unmountUnder(Path dir, List<String> problems) {
    String prefix = dir.toAbsolutePath().toString();
    for (int round = 0; round < 5; round++) {
      List<String> points = mountPointsUnder(prefix);
      if (points.isEmpty()) {
        return;
      }
      for (String point : points) {
        if (run(List.of("umount", point)) != 0 && run(List.of("umount", "-l", point)) != 0) {
          problems.add("cannot unmount " + point);
        }
      }
    }
    List<String> left = mountPointsUnder(prefix);
    if (!left.isEmpty()) {
      problems.add("still mounted: " + left);
    }
  }

  /** Mount points at or under {@code prefix}, deepest first. */
  static List<String> mountPointsUnder(String prefix) {
    List<String> points = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] fields = line.split(" ");
        if (fields.length > 4) {
          String point = unescape(fields[4]);
          if (point.equals(prefix) || point.startsWith(prefix + "/")) {
            points.add(point);
          }
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    points.sort(Comparator.comparingInt(String::length).reversed());
    return points.stream().distinct().toList();
  }

  private static String unescape(String field) {
    return field
        .replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\");
  }

  /** Removes every {@code kubepods} cgroup directory, children first. */
  static void removeKubepodsCgroups(List<String> problems) {
    for (Path top : kubepodsCgroups()) {
      try (Stream<Path> dirs = Files.walk(top)) {
        List<Path> all = dirs.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
        for (Path cgroup : all) {
          removeCgroup(cgroup, problems);
        }
      } catch (IOException | RuntimeException e) {
        problems.add("cannot walk " + top + ": " + e);
      }
    }
  }

  private static void removeCgroup(Path cgroup, List<String> problems) {
    // rmdir(2) is the only way to remove a cgroup; a dying task can hold it for a moment
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        Files.deleteIfExists(cgroup);
        return;
      } catch (IOException e) {
        pause(100);
      }
    }
    problems.add("cannot remove cgroup " + cgroup);
  }

  /** The kubelet's symlinks in /var/log/containers that point into {@code dir}. */
  static void removeContainerLogLinksInto(Path dir, List<String> problems) {
    if (!Files.isDirectory(CONTAINER_LOG_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> links = Files.newDirectoryStream(CONTAINER_LOG_LINKS)) {
      for (Path link : links) {
        if (Files.isSymbolicLink(link)
            && Files.readSymbolicLink(link).toString().startsWith(dir.toString())) {
          Files.deleteIfExists(link);
        }
      }
    } catch (IOException e) {
      problems.add("cannot clean " + CONTAINER_LOG_LINKS + ": " + e);
    }
  }

  /** Deletes {@code dir} and everything in it (nothing may be mounted there any more). */
  static void deleteTree(Path dir, List<String> problems) {
    if (!Files.exists(dir)) {
      return;
    }
    if (run(List.of("rm", "-rf", "--one-file-system", dir.toString())) != 0 || Files.exists(dir)) {
      problems.add("cannot delete " + dir);
    }
  }

  /** Deletes a directory the node created, only when it is empty. */
  static void deleteIfEmpty(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException notEmptyOrGone) {
      // someone else's files: kept
    }
  }

  static int run(List<String> command) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
