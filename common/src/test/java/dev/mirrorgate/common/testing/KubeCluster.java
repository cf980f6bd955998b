package dev.mirrorgate.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.credentials.AccessTokenAuthentication;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node Kubernetes cluster, one per test class (REAL-CLUSTER.md):
 *
 * <pre>{@code @RegisterExtension static final KubeCluster cluster = new KubeCluster();}</pre>
 *
 * etcd and kube-apiserver ({@link ControlPlane}, with what a node needs), kube-controller-manager,
 * kube-scheduler, containerd (Debian, runc, CNI loopback) and a kubelet, all on 127.0.0.1 and with
 * their files under one temporary directory. Pods must be {@code hostNetwork} (no Pod network, no
 * kube-proxy); images come from {@link #importImage} (the build's image tarballs) and Pods use
 * {@code imagePullPolicy: Never}, or from registries on 127.0.0.1. The start waits for the Node to
 * be Ready and the {@code default} ServiceAccount; a node that never gets Ready fails with the
 * kubelet's log tail and what to do.
 *
 * <p>Needs root and cgroups: elsewhere the class is skipped with what is missing (under {@code
 * CI=true} it fails instead: CI runs as root on a machine that has them). Binaries come from {@code
 * MIRRORGATE_K8S_BINS}, {@code MIRRORGATE_NODE_BINS} and {@code MIRRORGATE_PAUSE_IMAGE}, else from
 * {@code .ci/k8s-bins}, {@code .ci/k8s-bins node} and {@code .ci/pause-image}.
 *
 * <p>The node uses machine-wide resources (cgroups, {@code /var/log/containers}, {@code
 * /run/containerd/s}), so one cluster runs at a time on the machine: a file lock serialises them
 * across JVMs, and a start first removes what a crashed run left. Teardown (processes, mounts,
 * cgroups, the kubelet's and containerd's machine-wide files, the directory) runs after the class
 * whether it passed or not, is idempotent, and a shutdown hook is the last resort.
 */
public final class KubeCluster implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Fixed, not java.io.tmpdir: every JVM on the machine must see the same lock and leftovers. */
  private static final Path TMP = Path.of("/tmp");

  private static final Path LOCK = TMP.resolve("mirrorgate-kubecluster.lock");
  private static final String DIR_PREFIX = "mirrorgate-cluster-";
  private static final Semaphore ONE_PER_JVM = new Semaphore(1);

  private Duration nodeReadyTimeout = Duration.ofMinutes(3);
  private boolean withCniConfig = true;
  private List<Path> images = List.of();

  private String ownerId;
  private FileChannel lockChannel;
  private FileLock lock;
  private boolean permit;
  private Path dir;
  private Path lastDir;
  private ControlPlane controlPlane;
  private ClusterNode node;
  private Thread shutdownHook;
  private ApiClient client;
  private String nodeName;
  private final Map<String, Long> startMillis = new LinkedHashMap<>();
  private Map<Path, String> machineBefore = Map.of();

  /** How long the start waits for the Node to be Ready (default 3 minutes). */
  public KubeCluster nodeReadyTimeout(Duration timeout) {
    this.nodeReadyTimeout = timeout;
    return this;
  }

  /**
   * For fault tests: no CNI configuration, so the node never gets Ready ("cni plugin not
   * initialized"), as on a machine where the loopback configuration is missing.
   */
  public KubeCluster withoutCniConfig() {
    this.withCniConfig = false;
    return this;
  }

  /**
   * Image tarballs (OCI layout or {@code docker save}, e.g. {@code ../webhook/target/jib-image.tar}
   * as {@code ./mvnw -Pimages package} writes it) imported into the node's containerd during the
   * start, for Pods with {@code imagePullPolicy: Never}. A missing one skips the class (fails under
   * CI=true) with how to build it.
   */
  public KubeCluster withImages(Path... tarballs) {
    this.images = List.of(tarballs);
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (ownerId != null) {
      return; // already running for an enclosing class
    }
    ownerId = context.getUniqueId();
    try {
      start(context.getDisplayName());
    } catch (Exception | Error e) {
      ownerId = null;
      throw e;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getUniqueId().equals(ownerId)) {
      close();
      ownerId = null;
    }
  }

  /**
   * Starts the cluster outside JUnit's extension model (a test that checks the harness itself):
   * skipped or failed as {@link #beforeAll} would be; {@link #close()} tears it down.
   */
  public void start(String testName) throws Exception {
    if (controlPlane != null) {
      throw new IllegalStateException("KubeCluster already started");
    }
    List<String> missing = new ArrayList<>(ClusterRequirements.missing());
    for (Path image : images) {
      if (!Files.isRegularFile(image)) {
        missing.add(
            "no image tarball "
                + image.toAbsolutePath().normalize()
                + ": build the images with ./mvnw -Pimages package"
                + " -Dmirrorgate.image.base.tar=\"$(bash .ci/base-image | tail -n1)\""
                + " (bash .ci/test does)");
      }
    }
    Path apiBins = null;
    Path nodeBins = null;
    Path pauseImage = null;
    if (missing.isEmpty()) {
      try {
        apiBins = KubeBinaries.find();
      } catch (KubeBinaries.NotFound e) {
        missing.add("kube-apiserver/etcd: " + e.getMessage() + "; " + KubeBinaries.HOW_TO_BUILD);
      }
      try {
        nodeBins = KubeBinaries.findNode();
      } catch (KubeBinaries.NotFound e) {
        missing.add(
            "kubelet and controllers: " + e.getMessage() + "; " + KubeBinaries.HOW_TO_BUILD_NODE);
      }
      try {
        pauseImage = KubeBinaries.findPauseImage();
      } catch (KubeBinaries.NotFound e) {
        missing.add("pause image: " + e.getMessage() + "; " + KubeBinaries.HOW_TO_BUILD_PAUSE);
      }
    }
    if (!missing.isEmpty()) {
      String message =
          "this machine cannot run the cluster tier (a real kubelet): "
              + String.join("; ", missing);
      Prerequisites.missing("KubeCluster", testName, message, null);
    }
    try {
      start(apiBins, nodeBins, pauseImage);
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** Stops everything and removes what the cluster left on the machine; idempotent. */
  @Override
  public void close() {
    stop();
  }

  private void start(Path apiBins, Path nodeBins, Path pauseImage) throws Exception {
    long started = System.nanoTime();
    acquireMachine();
    startMillis.put("lock and leftovers", millis(started));
    nodeName = InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
    dir = Files.createTempDirectory(TMP, DIR_PREFIX);
    lastDir = dir;
    shutdownHook = new Thread(this::stopQuietly, "kube-cluster-harness-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);

    String kubeletToken = randomToken();
    controlPlane =
        ControlPlane.in(
            apiBins,
            dir.resolve("control-plane"),
            List.of(
                "--advertise-address=127.0.0.1",
                "--endpoint-reconciler-type=none",
                "--kubelet-preferred-address-types=Hostname",
                "--allow-privileged=true"),
            List.of(
                kubeletToken
                    + ",system:node:"
                    + nodeName
                    + ",node-"
                    + nodeName
                    + ",\"system:nodes\""));
    long t = System.nanoTime();
    controlPlane.start();
    startMillis.put("etcd and kube-apiserver", millis(t));
    client =
        new ClientBuilder()
            .setBasePath(controlPlane.url())
            .setCertificateAuthority(controlPlane.caBundlePem())
            .setAuthentication(new AccessTokenAuthentication(controlPlane.token()))
            .setReadTimeout(Duration.ofSeconds(30))
            .build();
    writeAdminKubeconfig();

    node = new ClusterNode(dir, nodeBins, controlPlane, nodeName, withCniConfig);
    try {
      node.start(pauseImage, controlPlane.token(), kubeletToken, startMillis);
    } finally {
      machineBefore = node.machineBefore();
    }
    t = System.nanoTime();
    awaitNodeReady();
    startMillis.put("node Ready (after the kubelet started)", millis(t));
    t = System.nanoTime();
    Poll.until(
        "the default ServiceAccount in namespace default",
        Duration.ofMinutes(1),
        Duration.ofMillis(200),
        () -> {
          node.requireAllAlive();
          return get("/api/v1/namespaces/default/serviceaccounts/default").has("metadata");
        });
    startMillis.put("default ServiceAccount", millis(t));
    for (Path image : images) {
      t = System.nanoTime();
      String imported = node.ctr("images", "import", image.toAbsolutePath().toString());
      startMillis.put("import " + image.normalize(), millis(t));
      System.err.printf("[KubeCluster] imported %s: %s%n", image, imported.strip());
    }
    startMillis.put("total", millis(started));
    System.err.printf(
        "[KubeCluster] node %s Ready, API %s, in %d ms %s (%s)%n",
        nodeName, url(), millis(started), startMillis, dir);
  }

  private void awaitNodeReady() throws Exception {
    JsonNode[] last = {null};
    try {
      Poll.until(
          "Node " + nodeName + " Ready",
          nodeReadyTimeout,
          Duration.ofMillis(250),
          () -> {
            node.requireAllAlive();
            last[0] = get("/api/v1/nodes/" + nodeName);
            for (JsonNode condition : last[0].at("/status/conditions")) {
              if (condition.path("type").asText().equals("Ready")) {
                return condition.path("status").asText().equals("True");
              }
            }
            return false;
          });
    } catch (TimeoutException | IllegalStateException e) {
      String ready = "never registered";
      if (last[0] != null && last[0].has("status")) {
        ready = "";
        for (JsonNode condition : last[0].at("/status/conditions")) {
          if (condition.path("type").asText().equals("Ready")) {
            ready =
                condition.path("status").asText()
                    + " ("
                    + condition.path("reason").asText()
                    + ": "
                    + condition.path("message").asText()
                    + ")";
          }
        }
      }
      throw new IllegalStateException(
          "the kubelet's node "
              + nodeName
              + " did not get Ready within "
              + nodeReadyTimeout
              + " (Ready="
              + ready
              + "): "
              + e.getMessage()
              + ". What to do: read the kubelet's log below (and containerd's in "
              + dir.resolve("logs")
              + " while the class runs); REAL-CLUSTER.md lists what this node needs (cgroup v1"
              + " settings, restrict_oom_score_adj, a CNI loopback configuration in "
              + dir.resolve("cni")
              + ", the pause image); run `bash .ci/install-deps` for containerd, runc and the CNI"
              + " plugins.\nkubelet log (last 40 lines):\n"
              + node.logTail("kubelet", 40)
              + "\ncontainerd log (last 10 lines):\n"
              + node.logTail("containerd", 10),
          e);
    }
  }

  /**
   * Holds the machine-wide lock (waiting for another cluster to finish) and removes what a crashed
   * run left: its directories, their processes and mounts, and the kubepods cgroups.
   */
  private void acquireMachine() throws IOException, InterruptedException {
    ONE_PER_JVM.acquire();
    permit = true;
    lockChannel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    lock = lockChannel.tryLock();
    if (lock == null) {
      System.err.println("[KubeCluster] another cluster runs on this machine; waiting for it");
      lock = lockChannel.lock();
    }
    List<String> problems = new ArrayList<>();
    try (DirectoryStream<Path> leftovers =
        Files.newDirectoryStream(LOCK.getParent(), DIR_PREFIX + "*")) {
      for (Path leftover : leftovers) {
        System.err.println("[KubeCluster] removing what a crashed run left: " + leftover);
        problems.addAll(NodeCleanup.clean(leftover));
      }
    }
    if (!NodeCleanup.kubepodsCgroups().isEmpty()) {
      NodeCleanup.killContainers(problems);
      NodeCleanup.removeKubepodsCgroups(problems);
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "a crashed earlier cluster left what cannot be removed: "
              + problems
              + "; remove it by hand (umount, kill, rmdir) and run again");
    }
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (RuntimeException e) {
      System.err.println("[KubeCluster] teardown: " + e);
    }
  }

  /** Everything down and removed; idempotent. */
  private synchronized void stop() {
    List<String> problems = new ArrayList<>();
    if (node != null) {
      node.stopProcesses(problems);
      node = null;
    }
    if (controlPlane != null) {
      controlPlane.stopProcesses();
      controlPlane = null;
    }
    if (dir != null) {
      problems.addAll(NodeCleanup.clean(dir));
      dir = null;
    }
    client = null;
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
      shutdownHook = null;
    }
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException e) {
      problems.add("cannot release " + LOCK + ": " + e);
    }
    lock = null;
    lockChannel = null;
    if (permit) {
      permit = false;
      ONE_PER_JVM.release();
    }
    if (!problems.isEmpty()) {
      System.err.println("[KubeCluster] teardown left: " + problems);
    }
  }

  // ------------------------------------------------------------------------------ the API

  /** An API client authenticated as the admin ({@code system:masters}). */
  public ApiClient client() {
    running();
    return client;
  }

  /** {@code https://127.0.0.1:PORT}. */
  public String url() {
    return running().url();
  }

  /** The API server's port on 127.0.0.1 (KUBERNETES_SERVICE_PORT for hostNetwork Pods). */
  public int apiPort() {
    return running().port();
  }

  /** The admin's bearer token. */
  public String token() {
    return running().token();
  }

  /** The PEM the API server's serving certificate chains to. */
  public byte[] caBundlePem() {
    return running().caBundlePem();
  }

  /** A kubeconfig for the admin, for kubectl and helm ({@code KUBECONFIG}). */
  public Path kubeconfig() {
    running();
    return dir.resolve("admin-user.kubeconfig");
  }

  /** The Node's name (the machine's host name, which must resolve to 127.0.0.1). */
  public String nodeName() {
    running();
    return nodeName;
  }

  /**
   * The node's own files, as a node agent sees them under its {@code --host-root}: {@code
   * etc/hosts}, {@code etc/containerd/config.toml} and {@code etc/containerd/certs.d} (the registry
   * {@code config_path} of the node's containerd), {@code var/lib/mirrorgate}, {@code run}.
   */
  public Path hostRoot() {
    running();
    return node.hostRoot();
  }

  /** The cluster's temporary directory (every file of every process). */
  public Path dir() {
    running();
    return dir;
  }

  /**
   * The directory of the latest start, also after {@link #close()}: a test of the teardown looks
   * for what is left of it ({@link #leftovers()}).
   */
  public Path lastDir() {
    return lastDir;
  }

  /**
   * What a stopped cluster left on the machine: processes naming its directory, mounts under it,
   * the directory itself, kubepods cgroups, kubelet links in /var/log/containers. Empty after a
   * clean teardown.
   */
  public List<String> leftovers() {
    List<String> left = new ArrayList<>();
    if (lastDir == null) {
      return left;
    }
    String needle = lastDir.toString();
    ProcessHandle.allProcesses()
        .filter(p -> NodeCleanup.commandLine(p.pid()).contains(needle))
        .forEach(p -> left.add("process " + p.pid() + ": " + NodeCleanup.commandLine(p.pid())));
    NodeCleanup.mountPointsUnder(needle).forEach(m -> left.add("mount " + m));
    if (Files.exists(lastDir)) {
      left.add("directory " + lastDir);
    }
    NodeCleanup.kubepodsCgroups().forEach(c -> left.add("cgroup " + c));
    if (Files.isDirectory(NodeCleanup.CONTAINER_LOG_LINKS)) {
      try (DirectoryStream<Path> links =
          Files.newDirectoryStream(NodeCleanup.CONTAINER_LOG_LINKS)) {
        for (Path link : links) {
          if (Files.isSymbolicLink(link)
              && Files.readSymbolicLink(link).toString().startsWith(needle)) {
            left.add("link " + link);
          }
        }
      } catch (IOException e) {
        left.add("cannot read " + NodeCleanup.CONTAINER_LOG_LINKS + ": " + e);
      }
    }
    return left;
  }

  /**
   * The machine-wide directories the kubelet and containerd use and the kernel settings the kubelet
   * changes, as the latest start found them (after removing a crashed run's leftovers); {@link
   * #currentMachineState()} equals it again after {@link #close()}.
   */
  public Map<Path, String> machineStateBeforeStart() {
    return machineBefore;
  }

  /** The same directories and settings as they are now. */
  public static Map<Path, String> currentMachineState() throws IOException {
    return NodeCleanup.machineState();
  }

  /** How long each step of the start took, in milliseconds, and the total. */
  public Map<String, Long> startMillis() {
    return Map.copyOf(startMillis);
  }

  /**
   * Loads an image tarball (OCI layout or {@code docker save}, e.g. a module's {@code
   * target/jib-image.tar}) into the node's containerd ({@code ctr -n k8s.io images import}); Pods
   * then run it with {@code imagePullPolicy: Never}. Returns ctr's output (the names imported).
   */
  public String importImage(Path tarball) throws IOException, InterruptedException {
    if (!Files.isRegularFile(tarball)) {
      throw new IllegalArgumentException("no image tarball " + tarball.toAbsolutePath());
    }
    return running(node).ctr("images", "import", tarball.toAbsolutePath().toString());
  }

  /** {@code ctr -n k8s.io ARGS...} against the node's containerd; fails with its output. */
  public String ctr(String... args) throws IOException, InterruptedException {
    return running(node).ctr(args);
  }

  /** {@code kubectl ARGS...} as the admin; fails with its output unless it exits 0. */
  public String kubectl(String... args) throws IOException, InterruptedException {
    Result result = kubectlResult(args);
    if (result.exit() != 0) {
      throw new AssertionError(
          "kubectl "
              + String.join(" ", args)
              + " exited "
              + result.exit()
              + ":\n"
              + result.output());
    }
    return result.output();
  }

  /**
   * {@code kubectl apply --server-side} of {@code yaml} (written to a file in the cluster's
   * directory).
   */
  public String apply(String yaml) throws IOException, InterruptedException {
    Path file = Files.createTempFile(dir(), "apply", ".yaml");
    Files.writeString(file, yaml);
    return kubectl("apply", "--server-side", "--force-conflicts", "-f", file.toString());
  }

  /** What a command printed (stdout and stderr) and how it ended. */
  public record Result(int exit, String output) {}

  /** {@code kubectl ARGS...} as the admin, whatever its exit status. */
  public Result kubectlResult(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(running(node).kubectl().toString()));
    command.add("--kubeconfig=" + kubeconfig());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "kubectl", ".out");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(3, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return new Result(-1, "timed out after 3 minutes: " + command);
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** GET of an API path as JSON ({@code {}} for 404). */
  public JsonNode get(String path) throws IOException {
    Request request =
        new Request.Builder()
            .url(url() + path)
            .header("Authorization", "Bearer " + token())
            .get()
            .build();
    try (Response response = client().getHttpClient().newCall(request).execute()) {
      String body = response.body() == null ? "" : response.body().string();
      if (response.code() == 404) {
        return JSON.createObjectNode();
      }
      if (!response.isSuccessful()) {
        throw new IOException("GET " + path + ": HTTP " + response.code() + " " + body);
      }
      return JSON.readTree(body);
    }
  }

  /**
   * What a person needs when the Pod does not become Ready: phase, conditions, container states,
   * the Pod's Events and each container's log tail from the node.
   */
  public String describePod(String namespace, String name) {
    try {
      JsonNode pod = get("/api/v1/namespaces/" + namespace + "/pods/" + name);
      if (!pod.has("metadata")) {
        return "Pod " + namespace + "/" + name + " does not exist";
      }
      JsonNode events =
          get(
              "/api/v1/namespaces/"
                  + namespace
                  + "/events?fieldSelector=involvedObject.kind%3DPod,involvedObject.name%3D"
                  + name);
      return PodReport.of(pod, events, node.podLogsDir());
    } catch (IOException e) {
      return "Pod " + namespace + "/" + name + ": cannot describe: " + e;
    }
  }

  /**
   * Waits until {@code count} Pods matching {@code labelSelector} in {@code namespace} are Ready;
   * else fails with {@link #describePod} of each (events and logs) and what to do. Returns their
   * names.
   */
  public List<String> awaitPodsReady(
      String namespace, String labelSelector, int count, Duration timeout)
      throws InterruptedException {
    String path =
        "/api/v1/namespaces/"
            + namespace
            + "/pods?labelSelector="
            + java.net.URLEncoder.encode(labelSelector, StandardCharsets.UTF_8);
    List<String> ready = new ArrayList<>();
    try {
      Poll.until(
          count + " Ready Pods " + labelSelector + " in " + namespace,
          timeout,
          Duration.ofMillis(250),
          () -> {
            running(node).requireAllAlive();
            ready.clear();
            for (JsonNode pod : get(path).path("items")) {
              if (!pod.at("/metadata/deletionTimestamp").isTextual() && isReady(pod)) {
                ready.add(pod.at("/metadata/name").asText());
              }
            }
            return ready.size() >= count;
          });
      return List.copyOf(ready);
    } catch (TimeoutException | IllegalStateException e) {
      StringBuilder message =
          new StringBuilder(
              e.getMessage()
                  + " (Ready: "
                  + ready
                  + "). What to do: read each Pod's Events and log below; an image the node lacks"
                  + " needs KubeCluster.importImage (built by ./mvnw -Pimages package) and"
                  + " imagePullPolicy Never; a container that exits says why in its log.\n");
      try {
        for (JsonNode pod : get(path).path("items")) {
          message.append(describePod(namespace, pod.at("/metadata/name").asText()));
        }
      } catch (IOException io) {
        message.append("cannot list the Pods: ").append(io);
      }
      throw new AssertionError(message.toString(), e);
    }
  }

  static boolean isReady(JsonNode pod) {
    for (JsonNode condition : pod.at("/status/conditions")) {
      if (condition.path("type").asText().equals("Ready")) {
        return condition.path("status").asText().equals("True");
      }
    }
    return false;
  }

  /** The last lines of a process's log: kubelet, containerd, kube-controller-manager, ... */
  public String logTail(String process, int lines) {
    if (process.equals("kube-apiserver") || process.equals("etcd")) {
      return running().logTail(process, lines);
    }
    return running(node).logTail(process, lines);
  }

  private void writeAdminKubeconfig() throws IOException {
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
          - name: mg-admin
            user:
              token: %s
        contexts:
          - name: mirrorgate-test
            context:
              cluster: mirrorgate-test
              user: mg-admin
        current-context: mirrorgate-test
        """
            .formatted(
                controlPlane.url(),
                Base64.getEncoder().encodeToString(controlPlane.caBundlePem()),
                controlPlane.token());
    Files.writeString(dir.resolve("admin-user.kubeconfig"), yaml);
  }

  private ControlPlane running() {
    if (controlPlane == null) {
      throw new IllegalStateException(
          "KubeCluster is not running: register it with @RegisterExtension on a static field");
    }
    return controlPlane;
  }

  private ClusterNode running(ClusterNode n) {
    running();
    return n;
  }

  private static String randomToken() {
    byte[] secret = new byte[24];
    RANDOM.nextBytes(secret);
    return HexFormat.of().formatHex(secret);
  }

  private static long millis(long since) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
  }

  @Override
  public String toString() {
    return controlPlane == null ? "KubeCluster[stopped]" : "KubeCluster[" + url() + "]";
  }
}
