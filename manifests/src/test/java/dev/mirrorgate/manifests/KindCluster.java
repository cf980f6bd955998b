package dev.mirrorgate.manifests;

import static org.awaitility.Awaitility.await;

import com.dajudge.kindcontainer.KindContainer;
import com.dajudge.kindcontainer.KindContainerVersion;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.common.testing.Prerequisites;
import dev.mirrorgate.manifests.ChartTools.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.MountableFile;

/**
 * The kind tier's cluster, one per test class: a kind node (the {@code kindest/node} image:
 * kubeadm, containerd, the kindnet Pod network, kube-proxy, CoreDNS) in one Docker container,
 * started through Testcontainers by kindcontainer, with the build's image tarballs imported into
 * the node's containerd and the project's {@code helm} ({@link ChartTools}) pointed at it:
 *
 * <pre>
 * {@code @RegisterExtension static final KindCluster kind = new KindCluster().withImages(tar);}
 * </pre>
 *
 * <p>Optional: it needs a Docker engine, which CI and the project's own machines do not have (the
 * real-node tier, {@code KubeCluster}, needs none). Without one the class is skipped with {@link
 * #NO_DOCKER}, also under {@code CI=true}; the probe is Testcontainers' own, bounded by {@link
 * #PROBE_TIMEOUT}. With Docker but without the images or helm the class is skipped with how to
 * build them (fails under {@code CI=true}, as the other tiers do).
 *
 * <p>kubectl is the node's own ({@code docker exec}): manifests are copied into the node first
 * ({@link #file}). Teardown (the container and its volume) runs after the class whether it passed
 * or not; Testcontainers' reaper removes what a killed JVM left.
 */
final class KindCluster implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {
  static final String NO_DOCKER =
      "no Docker engine reachable: the kind tier needs one; the real-node tier ClusterIT covers"
          + " this without Docker";

  /** How long the Docker probe may take before the class is skipped as without Docker. */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(15);

  /** The newest kind node kindcontainer knows (kindest/node:v1.34.0). */
  static final KindContainerVersion VERSION = KindContainerVersion.VERSION_1_34_0;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NODE_DIR = "/mirrorgate-test";
  private static final String HOW_TO_BUILD_IMAGES =
      "build them in the same run (README, the kind tier): ./mvnw -B verify -pl manifests -am"
          + " -Pimages -Dit.test=KindClusterIT -Dfailsafe.failIfNoSpecifiedTests=false";
  private static String noDocker;

  private List<Path> images = List.of();
  private String ownerId;
  private KindContainer<?> node;
  private Path dir;
  private Path kubeconfig;
  private int files;

  /**
   * Image tarballs (OCI layout or {@code docker save}, e.g. {@code ../webhook/target/jib-image.tar}
   * as {@code -Pimages} writes it) imported into the node's containerd during the start, for Pods
   * with {@code imagePullPolicy: Never}.
   */
  KindCluster withImages(Path... tarballs) {
    this.images = List.of(tarballs);
    return this;
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    String why = whyNoDocker();
    if (why == null) {
      return ConditionEvaluationResult.enabled("a Docker engine is reachable");
    }
    if (context.getTestMethod().isEmpty()) {
      System.err.println("[KindCluster] skipping " + context.getDisplayName() + ": " + why);
    }
    return ConditionEvaluationResult.disabled(why);
  }

  /** Null with a Docker engine, else why the tier is skipped; probed once per JVM. */
  static synchronized String whyNoDocker() {
    if (noDocker == null) {
      FutureTask<Boolean> probe =
          new FutureTask<>(() -> DockerClientFactory.instance().isDockerAvailable());
      Thread thread = new Thread(probe, "kind-docker-probe");
      thread.setDaemon(true);
      thread.start();
      try {
        noDocker = probe.get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) ? "" : NO_DOCKER;
      } catch (TimeoutException e) {
        noDocker =
            NO_DOCKER
                + " (the Docker probe got no answer within "
                + PROBE_TIMEOUT.toSeconds()
                + " s)";
      } catch (ExecutionException e) {
        noDocker = NO_DOCKER + " (the Docker probe failed: " + e.getCause() + ")";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return NO_DOCKER;
      }
    }
    return noDocker.isEmpty() ? null : noDocker;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (ownerId != null) {
      return; // already running for an enclosing class
    }
    List<String> missing = new ArrayList<>();
    for (Path image : images) {
      if (!Files.isRegularFile(image)) {
        missing.add("no image tarball " + image.toAbsolutePath().normalize());
      }
    }
    if (!missing.isEmpty()) {
      String message =
          "the kind tier needs the build's images: "
              + String.join("; ", missing)
              + "; "
              + HOW_TO_BUILD_IMAGES;
      Prerequisites.missing("KindCluster", context.getDisplayName(), message, null);
    }
    ChartTools.require(); // helm, or skipped with how to build it, before a minute of kind
    ownerId = context.getUniqueId();
    try {
      start();
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getUniqueId().equals(ownerId)) {
      close();
    }
  }

  private void start() throws IOException, InterruptedException {
    dir = Files.createTempDirectory("mirrorgate-kind");
    node = new KindContainer<>(VERSION);
    node.start();
    kubeconfig = Files.writeString(dir.resolve("kubeconfig"), node.getKubeconfig());
    exec("mkdir", "-p", NODE_DIR);
    for (Path image : images) {
      importImage(image);
    }
  }

  /** Stops the node (container and volume) and removes the temporary directory; idempotent. */
  void close() {
    ownerId = null;
    if (node != null) {
      try {
        node.stop();
      } catch (RuntimeException e) {
        System.err.println("[KindCluster] cannot stop the kind node (the reaper will): " + e);
      } finally {
        node = null;
      }
    }
    if (dir != null) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      } catch (IOException e) {
        System.err.println("[KindCluster] cannot remove " + dir + ": " + e);
      }
      dir = null;
    }
  }

  // ------------------------------------------------------------------------------ the API

  /** A kubeconfig for the admin, reaching the API server through the container's mapped port. */
  Path kubeconfig() {
    running();
    return kubeconfig;
  }

  /** {@code helm ARGS...} against this cluster, with the helm {@link ChartTools} provides. */
  Result helm(List<String> args) {
    return ChartTools.require().helm(args, Map.of("KUBECONFIG", kubeconfig().toString()));
  }

  /**
   * Copies {@code tarball} into the node and imports it into its containerd ({@code ctr -n k8s.io
   * images import}, as {@code kind load image-archive} does); returns ctr's output.
   */
  String importImage(Path tarball) throws IOException, InterruptedException {
    String inNode = NODE_DIR + "/image-" + (++files) + ".tar";
    running().copyFileToContainer(MountableFile.forHostPath(tarball.toAbsolutePath()), inNode);
    String out = exec("ctr", "-n", "k8s.io", "images", "import", inNode);
    exec("rm", "-f", inNode);
    return out;
  }

  /** Writes {@code text} to a new file in the node; returns its path there, for {@code -f}. */
  String file(String name, String text) {
    String inNode = NODE_DIR + "/" + (++files) + "-" + name;
    running().copyFileToContainer(Transferable.of(text), inNode);
    return inNode;
  }

  /** {@code kubectl ARGS...} in the node, as the admin; fails with its output unless it exits 0. */
  String kubectl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kubectl"));
    command.addAll(List.of(args));
    return exec(command.toArray(String[]::new));
  }

  /** {@code kubectl apply --server-side} of {@code yaml}. */
  String apply(String yaml) throws IOException, InterruptedException {
    return kubectl("apply", "--server-side", "--force-conflicts", "-f", file("apply.yaml", yaml));
  }

  /** GET of an API path as JSON ({@code kubectl get --raw}). */
  JsonNode get(String path) throws IOException, InterruptedException {
    return JSON.readTree(kubectl("get", "--raw", path));
  }

  /**
   * Waits until {@code count} Pods matching {@code labelSelector} in {@code namespace} are Ready;
   * else fails with each Pod's description (conditions, container states, Events) and log tail.
   * Returns their names.
   */
  List<String> awaitPodsReady(String namespace, String labelSelector, int count, Duration timeout) {
    String path =
        "/api/v1/namespaces/"
            + namespace
            + "/pods?labelSelector="
            + java.net.URLEncoder.encode(labelSelector, java.nio.charset.StandardCharsets.UTF_8);
    AtomicReference<List<String>> ready = new AtomicReference<>(List.of());
    try {
      await(count + " Ready Pods " + labelSelector + " in " + namespace)
          .atMost(timeout)
          .pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions()
          .until(
              () -> {
                List<String> names = new ArrayList<>();
                for (JsonNode pod : get(path).path("items")) {
                  if (!pod.at("/metadata/deletionTimestamp").isTextual() && isReady(pod)) {
                    names.add(pod.at("/metadata/name").asText());
                  }
                }
                ready.set(List.copyOf(names));
                return names.size() >= count;
              });
      return ready.get();
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          e.getMessage()
              + " (Ready: "
              + ready.get()
              + "). What to do: read each Pod's Events and log below; an image the node lacks"
              + " needs withImages (built by -Pimages) and imagePullPolicy Never; a container that"
              + " exits says why in its log.\n"
              + describe(namespace, labelSelector),
          e);
    }
  }

  /** {@code kubectl describe pods} and each container's log tail, for a failure message. */
  String describe(String namespace, String labelSelector) {
    StringBuilder report = new StringBuilder();
    for (String[] command :
        List.of(
            new String[] {"describe", "pods", "-n", namespace, "-l", labelSelector},
            new String[] {
              "logs",
              "-n",
              namespace,
              "-l",
              labelSelector,
              "--all-containers",
              "--prefix",
              "--tail=30"
            })) {
      try {
        ExecResult result = execResult(prepend("kubectl", command));
        report.append(result.getStdout()).append(result.getStderr());
      } catch (IOException e) {
        report.append("kubectl ").append(String.join(" ", command)).append(": ").append(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return report.toString();
  }

  static boolean isReady(JsonNode pod) {
    for (JsonNode condition : pod.at("/status/conditions")) {
      if (condition.path("type").asText().equals("Ready")) {
        return condition.path("status").asText().equals("True");
      }
    }
    return false;
  }

  private String exec(String... command) throws IOException, InterruptedException {
    ExecResult result = execResult(command);
    if (result.getExitCode() != 0) {
      throw new AssertionError(
          String.join(" ", command)
              + " exited "
              + result.getExitCode()
              + " in the kind node:\n"
              + result.getStderr()
              + result.getStdout());
    }
    return result.getStdout();
  }

  private ExecResult execResult(String... command) throws IOException, InterruptedException {
    return running().execInContainer(command);
  }

  private static String[] prepend(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  private KindContainer<?> running() {
    if (node == null) {
      throw new IllegalStateException("KindCluster is not running");
    }
    return node;
  }
}
