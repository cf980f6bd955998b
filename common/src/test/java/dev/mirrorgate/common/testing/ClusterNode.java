package dev.mirrorgate.common.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One node of a {@link KubeCluster}, as REAL-CLUSTER.md describes it: containerd (Debian, with runc
 * and the CNI loopback plugin) and a kubelet, plus the cluster's kube-controller-manager and
 * kube-scheduler; every file under one directory with absolute paths.
 *
 * <p>The node's own files (what a node agent edits) live under {@link #hostRoot()}: {@code
 * etc/hosts}, {@code etc/containerd/config.toml} and its registry {@code config_path} {@code
 * etc/containerd/certs.d}, {@code var/lib/mirrorgate}, {@code run}. containerd runs in a mount
 * namespace of its own in which {@code hostRoot()/etc/hosts} is bind-mounted on {@code /etc/hosts},
 * so it resolves names through that file only; the file is also a mount point in the machine's
 * namespace, so a writer that renames over it gets EBUSY and rewrites it in place, which keeps the
 * bind mount seeing the new bytes. The kubelet's root directory is made a shared mount before
 * containerd starts, so the kubelet's later volume mounts reach containerd's namespace.
 */
final class ClusterNode {
  static final String PAUSE_IMAGE = "mirrorgate.local/pause:1";
  static final String NAMESPACE = "k8s.io";

  /** The host settings kubelet changes (it sets them with protectKernelDefaults: false). */
  static final List<Path> KERNEL_TUNABLES =
      List.of(
          Path.of("/proc/sys/vm/overcommit_memory"),
          Path.of("/proc/sys/vm/panic_on_oom"),
          Path.of("/proc/sys/kernel/panic"),
          Path.of("/proc/sys/kernel/panic_on_oops"));

  static final Path KUBELET_MACHINE_DIR = Path.of("/var/lib/kubelet");

  /** Machine-wide places the kubelet and containerd's shims write to; removed when we made them. */
  static final List<Path> MACHINE_DIRS =
      List.of(
          Path.of("/var/lib/kubelet/device-plugins"),
          Path.of("/var/lib/kubelet"),
          NodeCleanup.CONTAINER_LOG_LINKS,
          NodeCleanup.SHIM_SOCKETS,
          Path.of("/run/containerd"));

  private final Path dir;
  private final Path nodeBins;
  private final ControlPlane controlPlane;
  private final String nodeName;
  private final boolean withCniConfig;
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private Map<Path, String> machineBefore = Map.of();

  ClusterNode(
      Path dir, Path nodeBins, ControlPlane controlPlane, String nodeName, boolean withCniConfig) {
    this.dir = dir;
    this.nodeBins = nodeBins;
    this.controlPlane = controlPlane;
    this.nodeName = nodeName;
    this.withCniConfig = withCniConfig;
  }

  /** The machine-wide directories and kernel settings as this node found them. */
  Map<Path, String> machineBefore() {
    return machineBefore;
  }

  Path hostRoot() {
    return dir.resolve("host");
  }

  Path containerdSocket() {
    return dir.resolve("containerd/containerd.sock");
  }

  Path podLogsDir() {
    return dir.resolve("kubelet/pod-logs");
  }

  Path kubectl() {
    return nodeBins.resolve("kubectl");
  }

  /** containerd's registry configuration directory (hosts.toml per registry). */
  Path registryConfigPath() {
    return hostRoot().resolve("etc/containerd/certs.d");
  }

  /** Starts containerd, imports the pause image, then the controllers and the kubelet. */
  void start(Path pauseImage, String adminToken, String kubeletToken, Map<String, Long> startMillis)
      throws Exception {
    machineBefore = NodeCleanup.recordMachineState(dir);
    writeHostRoot();
    long t = System.nanoTime();
    startContainerd();
    startMillis.put("containerd", millisSince(t));
    t = System.nanoTime();
    ctr("images", "import", pauseImage.toString());
    startMillis.put("pause image import", millisSince(t));

    Path adminConfig = writeKubeconfig("admin", "mg-admin", adminToken);
    Path kubeletConfig = writeKubeconfig("kubelet", "system:node:" + nodeName, kubeletToken);
    launch(
        "kube-controller-manager",
        List.of(
            nodeBins.resolve("kube-controller-manager").toString(),
            "--kubeconfig=" + adminConfig,
            "--authentication-kubeconfig=" + adminConfig,
            "--authorization-kubeconfig=" + adminConfig,
            "--bind-address=127.0.0.1",
            "--secure-port=" + freePort(),
            "--cert-dir=" + Files.createDirectories(dir.resolve("kube-controller-manager")),
            "--leader-elect=false",
            "--use-service-account-credentials=false",
            "--root-ca-file=" + dir.resolve("control-plane/certs/apiserver.crt"),
            "--service-account-private-key-file=" + controlPlane.serviceAccountKey(),
            "--node-monitor-grace-period=60s",
            "--concurrent-deployment-syncs=2",
            "--v=1"));
    launch(
        "kube-scheduler",
        List.of(
            nodeBins.resolve("kube-scheduler").toString(),
            "--kubeconfig=" + adminConfig,
            "--authentication-kubeconfig=" + adminConfig,
            "--authorization-kubeconfig=" + adminConfig,
            "--bind-address=127.0.0.1",
            "--secure-port=" + freePort(),
            "--leader-elect=false",
            "--v=1"));
    Path config = writeKubeletConfiguration();
    launch(
        "kubelet",
        List.of(
            nodeBins.resolve("kubelet").toString(),
            "--config=" + config,
            "--kubeconfig=" + kubeletConfig,
            "--root-dir=" + dir.resolve("kubelet/root"),
            "--cert-dir=" + dir.resolve("kubelet/pki"),
            "--hostname-override=" + nodeName,
            "--v=1"));
  }

  /** The node's files, as a node would have them before any agent ran. */
  private void writeHostRoot() throws IOException {
    Path root = hostRoot();
    Files.createDirectories(root.resolve("etc/containerd/certs.d"));
    Files.createDirectories(root.resolve("var/lib/mirrorgate"));
    Files.createDirectories(root.resolve("run"));
    // The node's /etc/hosts: a bind mount of a file outside the tree (see the class comment).
    Path hosts = Files.writeString(dir.resolve("node-etc-hosts"), "127.0.0.1 localhost\n");
    Path mountPoint = Files.writeString(root.resolve("etc/hosts"), "");
    mustRun(List.of("mount", "--bind", hosts.toString(), mountPoint.toString()));
  }

  private void startContainerd() throws Exception {
    Path cd = Files.createDirectories(dir.resolve("containerd"));
    Path cni = Files.createDirectories(dir.resolve("cni"));
    if (withCniConfig) {
      // The CRI plugin wants a network configuration even when every Pod is hostNetwork; only
      // loopback, which never runs for hostNetwork Pods.
      Files.writeString(
          cni.resolve("10-loopback.conflist"),
          """
          {"cniVersion": "1.0.0", "name": "mirrorgate-loopback",
           "plugins": [{"type": "loopback"}]}
          """);
    }
    Path config =
        Files.writeString(
            hostRoot().resolve("etc/containerd/config.toml"),
            """
            version = 2
            root = "%s"
            state = "%s"
            [grpc]
              address = "%s"
            [ttrpc]
              address = "%s"
            [metrics]
              address = ""
            [plugins."io.containerd.internal.v1.opt"]
              path = "%s"
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "%s"
              # runc cannot set a sandbox's oom_score_adj here (no CAP_SYS_RESOURCE in the VM)
              restrict_oom_score_adj = true
              stream_server_address = "127.0.0.1"
              stream_server_port = "%d"
              [plugins."io.containerd.grpc.v1.cri".containerd]
                snapshotter = "overlayfs"
                default_runtime_name = "runc"
                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                  runtime_type = "io.containerd.runc.v2"
                  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                    SystemdCgroup = false
                    Root = "%s"
              [plugins."io.containerd.grpc.v1.cri".cni]
                bin_dir = "/usr/lib/cni"
                conf_dir = "%s"
              [plugins."io.containerd.grpc.v1.cri".registry]
                config_path = "%s"
            """
                .formatted(
                    cd.resolve("root"),
                    cd.resolve("state"),
                    containerdSocket(),
                    cd.resolve("containerd.sock.ttrpc"),
                    cd.resolve("opt"),
                    PAUSE_IMAGE,
                    freePort(),
                    cd.resolve("runc"),
                    cni,
                    registryConfigPath()));
    // The kubelet's root directory, shared before containerd's namespace copies it (class comment).
    Path kubeletRoot = Files.createDirectories(dir.resolve("kubelet/root"));
    mustRun(List.of("mount", "--bind", kubeletRoot.toString(), kubeletRoot.toString()));
    mustRun(List.of("mount", "--make-rshared", kubeletRoot.toString()));
    launch(
        "containerd",
        List.of(
            "unshare",
            "--mount",
            "--propagation",
            "slave",
            "sh",
            "-c",
            "mount --bind \"$0\" /etc/hosts && exec containerd --config \"$1\"",
            hostRoot().resolve("etc/hosts").toString(),
            config.toString()));
    Poll.until(
        "containerd answering on " + containerdSocket(),
        Duration.ofSeconds(60),
        Duration.ofMillis(100),
        () -> {
          requireAlive("containerd");
          return run(List.of("ctr", "--address", containerdSocket().toString(), "version")) == 0;
        });
  }

  private Path writeKubeletConfiguration() throws IOException {
    Path kubelet = Files.createDirectories(dir.resolve("kubelet"));
    Files.createDirectories(podLogsDir());
    return Files.writeString(
        kubelet.resolve("config.yaml"),
        """
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        # cgroup v1 (these VMs are hybrid v1/v2), no systemd, no swap accounting
        failCgroupV1: false
        cgroupDriver: cgroupfs
        failSwapOn: false
        containerRuntimeEndpoint: unix://%s
        address: 127.0.0.1
        port: %d
        healthzBindAddress: 127.0.0.1
        healthzPort: %d
        readOnlyPort: 0
        # only the API server (on this machine) reaches the kubelet, for logs and exec
        authentication:
          anonymous: {enabled: true}
          webhook: {enabled: false}
        authorization:
          mode: AlwaysAllow
        podLogsDir: %s
        volumePluginDir: %s
        # a test node is small and shared: never evict, never collect images
        evictionHard:
          memory.available: "1Mi"
          nodefs.available: "1%%"
          nodefs.inodesFree: "1%%"
          imagefs.available: "1%%"
        imageGCHighThresholdPercent: 100
        imageGCLowThresholdPercent: 99
        serializeImagePulls: false
        syncFrequency: 10s
        fileCheckFrequency: 10s
        nodeStatusUpdateFrequency: 5s
        resolvConf: /etc/resolv.conf
        rotateCertificates: false
        serverTLSBootstrap: false
        """
            .formatted(
                containerdSocket(),
                freePort(),
                freePort(),
                podLogsDir(),
                dir.resolve("kubelet/volume-plugins")));
  }

  private Path writeKubeconfig(String name, String user, String token) throws IOException {
    String yaml =
        """
        apiVersion: v1
        kind: Config
        clusters:
          - name: mirrorgate-test
            cluster:
              server: %s
              certificate-authority-data: %s
        users:
          - name: %s
            user:
              token: %s
        contexts:
          - name: mirrorgate-test
            context:
              cluster: mirrorgate-test
              user: %s
        current-context: mirrorgate-test
        """
            .formatted(
                controlPlane.url(),
                java.util.Base64.getEncoder().encodeToString(controlPlane.caBundlePem()),
                user,
                token,
                user);
    return Files.writeString(dir.resolve(name + ".kubeconfig"), yaml);
  }

  /** {@code ctr --address SOCKET -n k8s.io ARGS...}; fails with its output. */
  String ctr(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of("ctr", "--address", containerdSocket().toString(), "-n", NAMESPACE));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "ctr", ".out");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException(command + " did not finish in 5 minutes");
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException(command + " exited " + p.exitValue() + ": " + output);
      }
      return output;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Fails with its log tail when a node process has exited. */
  void requireAlive(String name) {
    Process process = processes.get(name);
    if (process != null && !process.isAlive()) {
      throw new IllegalStateException(
          name
              + " exited with status "
              + process.exitValue()
              + "; its log ends:\n"
              + logTail(name, 40));
    }
  }

  /** Every node process is running (containerd, controllers, kubelet). */
  void requireAllAlive() {
    processes.keySet().forEach(this::requireAlive);
  }

  /** The last lines of a node process's log ({@code kubelet}, {@code containerd}, ...). */
  String logTail(String name, int lines) {
    try {
      List<String> all = Files.readAllLines(dir.resolve("logs").resolve(name + ".log"));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void launch(String name, List<String> command) throws IOException {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.toLowerCase(java.util.Locale.ROOT).endsWith("_proxy"));
    processes.put(name, builder.start());
  }

  /**
   * Stops the node's processes in order: the kubelet first (so that nothing restarts containers),
   * then the containers, containerd, the controllers. {@link NodeCleanup#clean} removes the rest.
   */
  void stopProcesses(List<String> problems) {
    stopProcess("kubelet");
    NodeCleanup.killContainers(problems);
    for (String name : List.of("containerd", "kube-scheduler", "kube-controller-manager")) {
      stopProcess(name);
    }
  }

  private void stopProcess(String name) {
    Process process = processes.get(name);
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void mustRun(List<String> command) throws IOException {
    if (NodeCleanup.run(command) != 0) {
      throw new IOException(command + " failed");
    }
  }

  private static int run(List<String> command) {
    return NodeCleanup.run(command);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }
}
