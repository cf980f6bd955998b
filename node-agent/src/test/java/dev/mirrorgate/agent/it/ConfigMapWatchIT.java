package dev.mirrorgate.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.common.testing.Processes;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1RoleRef;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent jar ({@code run --mirrors-configmap}) against a real API server, authenticated
 * only as a ServiceAccount whose Role allows get/list/watch on the one ConfigMap: edits reach the
 * node files, an invalid document and a deleted ConfigMap keep the last good document, an API
 * server restart is survived. Also measures the agent's footprint against a client-java informer.
 */
@TestMethodOrder(OrderAnnotation.class)
class ConfigMapWatchIT {

  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  static final String NAME = "mirrorgate-mirrors";
  static final String SA = "mirrorgate-node-agent";

  /** The DaemonSet's JAVA_TOOL_OPTIONS and MALLOC_ARENA_MAX, given to the agent and the probe. */
  static Map<String, String> shippedEnv;

  @TempDir static Path dir;
  static Processes procs;
  static CoreV1Api admin;
  static String ns;
  static String saToken;
  static Path kubeconfig;
  static Path root;
  static Process agent;
  static int address = 1;

  @BeforeAll
  static void setUp() throws Exception {
    Path jar = Requirements.agentJar();
    procs = new Processes(dir);
    admin = new CoreV1Api(api.client());
    ns = api.createNamespace("agent-watch");
    admin.createNamespacedConfigMap(ns, configMap(NAME, document(address))).execute();
    admin.createNamespacedConfigMap(ns, configMap("unrelated", "secret: stuff\n")).execute();
    saToken = serviceAccountLimitedToTheConfigMap();
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, saToken);
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "%s", certificate-authority-data: %s}}]
        users: [{name: agent, user: {tokenFile: token}}]
        contexts: [{name: c, context: {cluster: c, user: agent}}]
        current-context: c
        """
            .formatted(api.url(), Base64.getEncoder().encodeToString(api.caBundlePem())));
    root = dir.resolve("root");
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    shippedEnv = ShippedEnvironment.agent();
    List<String> command = new ArrayList<>(List.of(Requirements.java()));
    // For footprint experiments: -Dagent.jvm.extra="-XX:NativeMemoryTracking=summary ..."
    String extra = System.getProperty("agent.jvm.extra", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(
        List.of(
            "-Xlog:class+load=info:file=" + dir.resolve("agent-classes.log"),
            "-jar",
            jar.toString(),
            "run",
            "--mirrors-configmap",
            ns + "/" + NAME,
            "--host-root",
            root.toString(),
            "--outputs",
            "hosts",
            "--health-port",
            "0",
            "--health-address",
            "127.0.0.1"));
    Map<String, String> env = new java.util.HashMap<>(shippedEnv);
    env.put("KUBECONFIG", kubeconfig.toString());
    agent = procs.start("agent", command, env);
    awaitHosts(root, address, Duration.ofSeconds(30));
  }

  @AfterAll
  static void tearDown() {
    if (procs != null) {
      procs.close();
    }
  }

  @Test
  @Order(1)
  void theServiceAccountMayReadOnlyTheOneConfigMap() throws Exception {
    CoreV1Api sa = new CoreV1Api(api.clientFor(saToken, Duration.ofSeconds(30)));
    assertThat(sa.readNamespacedConfigMap(NAME, ns).execute().getData())
        .containsKey("mirrors.yaml");
    assertThat(
            sa.listNamespacedConfigMap(ns)
                .fieldSelector("metadata.name=" + NAME)
                .execute()
                .getItems())
        .hasSize(1);
    assertThatThrownBy(() -> sa.listNamespacedConfigMap(ns).execute())
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    assertThatThrownBy(() -> sa.readNamespacedConfigMap("unrelated", ns).execute())
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    assertThatThrownBy(
            () ->
                sa.replaceNamespacedConfigMap(
                        NAME, ns, admin.readNamespacedConfigMap(NAME, ns).execute())
                    .execute())
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    assertThat(agent.isAlive()).isTrue();
  }

  @Test
  @Order(2)
  void editsReachTheNodeFilesWithinTwoSeconds() throws Exception {
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      address++;
      long t0 = System.nanoTime();
      setDocument(document(address));
      awaitHosts(root, address, Duration.ofSeconds(10));
      millis.add((System.nanoTime() - t0) / 1_000_000);
    }
    Collections.sort(millis);
    System.err.printf(
        "[ConfigMapWatchIT] ConfigMap edit -> node files: p50 %d ms, max %d ms, all %s%n",
        millis.get(millis.size() / 2), millis.get(millis.size() - 1), millis);
    Footprint now = Footprint.of(agent, dir.resolve("agent-classes.log"));
    System.err.printf(
        "[ConfigMapWatchIT] agent after the edits: RSS %d KiB, %d classes%n",
        now.rssKib(), now.classes());
    if (System.getProperty("agent.jvm.extra", "").contains("NativeMemoryTracking")) {
      String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
      for (String what :
          List.of("VM.native_memory summary", "GC.heap_info", "GC.class_histogram")) {
        List<String> cmd = new ArrayList<>(List.of(jcmd, String.valueOf(agent.pid())));
        cmd.addAll(List.of(what.split(" ")));
        String out = procs.run(cmd).output();
        System.err.println(out.length() > 6000 ? out.substring(0, 6000) : out);
      }
    }
    assertThat(millis.get(millis.size() - 1)).isLessThanOrEqualTo(2000);
  }

  @Test
  @Order(3)
  void anInvalidDocumentIsRejectedWithAllItsErrorsAndTheLastGoodOneKept() throws Exception {
    String before = Files.readString(root.resolve("etc/hosts"));
    setDocument(
        """
        mirrors:
          - name: Bad Name
            upstream: docker.io
            endpoint: ftp://10.0.0.1
            masquerade: m.test
            address: not-an-ip
        """);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(procs.log("agent"))
                    .contains("invalid mirrors document")
                    .contains("mirrors[0].name")
                    .contains("mirrors[0].endpoint")
                    .contains("mirrors[0].address"));
    assertThat(Files.readString(root.resolve("etc/hosts"))).isEqualTo(before);
    // kubectl describe configmap shows why: a Warning Event on the ConfigMap, with every error.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(admin.listNamespacedEvent(ns).execute().getItems())
                    .anySatisfy(
                        e -> {
                          assertThat(e.getReason()).isEqualTo("MirrorsRejected");
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getInvolvedObject().getKind()).isEqualTo("ConfigMap");
                          assertThat(e.getInvolvedObject().getName()).isEqualTo(NAME);
                          assertThat(e.getMessage())
                              .contains("mirrors[0].name")
                              .contains("mirrors[0].endpoint")
                              .contains("mirrors[0].address");
                          assertThat(e.getReportingComponent()).isEqualTo("mirrorgate-node-agent");
                        }));
    assertThat(procs.log("agent")).doesNotContain("cannot record the Event");
    address++;
    setDocument(document(address));
    awaitHosts(root, address, Duration.ofSeconds(10));
  }

  @Test
  @Order(4)
  void aDeletedConfigMapKeepsTheLastGoodDocumentAndARecreatedOneIsApplied() throws Exception {
    admin.deleteNamespacedConfigMap(NAME, ns).execute();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(procs.log("agent"))
                    .contains("ConfigMap deleted; keeping the last good"));
    // A resync after the deletion still asserts the last good document.
    Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    awaitHosts(root, address, Duration.ofSeconds(10));
    assertThat(agent.isAlive()).isTrue();
    address++;
    admin.createNamespacedConfigMap(ns, configMap(NAME, document(address))).execute();
    awaitHosts(root, address, Duration.ofSeconds(10));
  }

  @Test
  @Order(5)
  void anApiServerRestartIsSurvived() throws Exception {
    api.restartApiServer();
    address++;
    setDocument(document(address));
    awaitHosts(root, address, Duration.ofSeconds(30));
    assertThat(procs.log("agent")).contains("ConfigMap watch failed; retrying");
  }

  @Test
  @Order(6)
  void footprintIsSmallerThanWithAClientJavaInformer() throws Exception {
    Footprint own = Footprint.of(agent, dir.resolve("agent-classes.log"));

    Path probeRoot = dir.resolve("probe-root");
    Files.createDirectories(probeRoot.resolve("etc"));
    Files.writeString(probeRoot.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    Path mirrorsFile = dir.resolve("probe/mirrors.yaml");
    Files.createDirectories(mirrorsFile.getParent());
    Path adminKubeconfig = api.kubeconfig();
    List<String> command = new ArrayList<>(List.of(Requirements.java()));
    command.addAll(
        List.of(
            // client-java does not start within the agent's 48m of metaspace
            "-XX:MaxMetaspaceSize=128m",
            "-Xlog:class+load=info:file=" + dir.resolve("probe-classes.log"),
            "-cp",
            // client-java is a test dependency only; this JVM's class path has it (with the
            // surefire booter jar, through that jar's Class-Path manifest entry).
            System.getProperty("java.class.path") + ":" + Requirements.agentJar(),
            InformerProbe.class.getName(),
            adminKubeconfig.toString(),
            ns,
            NAME,
            mirrorsFile.toString(),
            "run",
            "--mirrors",
            mirrorsFile.toString(),
            "--resync",
            "1s",
            "--host-root",
            probeRoot.toString(),
            "--outputs",
            "hosts",
            "--health-port",
            "0",
            "--health-address",
            "127.0.0.1"));
    Process probe = procs.start("informer-probe", command, shippedEnv);
    try {
      awaitHosts(probeRoot, address, Duration.ofSeconds(60));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "the informer probe did not apply:\n" + procs.log("informer-probe"), e);
    }
    for (int i = 0; i < 10; i++) {
      address++;
      setDocument(document(address));
      awaitHosts(probeRoot, address, Duration.ofSeconds(10));
      awaitHosts(root, address, Duration.ofSeconds(10));
    }
    Footprint informer = Footprint.steady(probe, dir.resolve("probe-classes.log"));
    Footprint ownAfter = Footprint.steady(agent, dir.resolve("agent-classes.log"));
    Path keep = Files.createDirectories(Path.of("target/footprint"));
    for (String log : List.of("agent-classes.log", "probe-classes.log")) {
      Files.copy(dir.resolve(log), keep.resolve(log), StandardCopyOption.REPLACE_EXISTING);
    }
    System.err.printf(
        "[ConfigMapWatchIT] steady footprint after 10 more edits: own watch RSS %d KiB (before"
            + " them %d), %d classes loaded; client-java informer RSS %d KiB, %d classes%n",
        ownAfter.rssKib(), own.rssKib(), ownAfter.classes(), informer.rssKib(), informer.classes());
    assertThat(ownAfter.classes()).isLessThan(informer.classes());
    assertThat(ownAfter.rssKib()).isLessThan(informer.rssKib());
  }

  @Test
  @Order(7)
  void sigtermStopsTheAgentPromptlyWhileItsWatchIsOpen() throws Exception {
    assertThat(agent.isAlive()).isTrue();
    agent.destroy(); // SIGTERM, as the kubelet sends
    assertThat(agent.waitFor(5, java.util.concurrent.TimeUnit.SECONDS))
        .as("the agent exits within 5 s:%n%s", procs.log("agent"))
        .isTrue();
  }

  record Footprint(long rssKib, long classes) {
    static Footprint of(Process p, Path classLog) throws IOException {
      return new Footprint(rss(p), classes(classLog));
    }

    /**
     * Once the process's RSS has settled (two samples a second apart within 256 KiB: the allocation
     * of the last apply collected, freed malloc memory trimmed).
     */
    static Footprint steady(Process p, Path classLog) throws IOException {
      long[] last = {rss(p)};
      await()
          .pollDelay(Duration.ofSeconds(1))
          .pollInterval(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                long before = last[0];
                last[0] = rss(p);
                return Math.abs(last[0] - before) <= 256;
              });
      return new Footprint(last[0], classes(classLog));
    }

    static long rss(Process p) throws IOException {
      return Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream()
          .filter(l -> l.startsWith("VmRSS:"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
          .findFirst()
          .orElseThrow();
    }

    static long classes(Path classLog) throws IOException {
      try (var lines = Files.lines(classLog)) {
        return lines.filter(l -> l.contains("source:")).count();
      }
    }
  }

  static String document(int n) {
    return """
        mirrors:
          - name: docker
            upstream: docker.io
            endpoint: https://10.96.0.%d:443
            masquerade: mirror-docker.test
            address: 10.96.0.%d
        """
        .formatted(n, n);
  }

  static void awaitHosts(Path hostRoot, int n, Duration atMost) {
    await()
        .pollInterval(Duration.ofMillis(5))
        .atMost(atMost)
        .until(
            () ->
                Files.readString(hostRoot.resolve("etc/hosts"))
                    .contains("10.96.0." + n + " mirror-docker.test\n"));
  }

  static void setDocument(String text) throws ApiException {
    V1ConfigMap cm = admin.readNamespacedConfigMap(NAME, ns).execute();
    cm.setData(Map.of("mirrors.yaml", text));
    admin.replaceNamespacedConfigMap(NAME, ns, cm).execute();
  }

  static V1ConfigMap configMap(String name, String mirrors) {
    return new V1ConfigMap()
        .metadata(new V1ObjectMeta().name(name))
        .data(Map.of("mirrors.yaml", mirrors));
  }

  /** A ServiceAccount with get/list/watch on the one ConfigMap only, and a TokenRequest token. */
  static String serviceAccountLimitedToTheConfigMap() throws ApiException, IOException {
    admin
        .createNamespacedServiceAccount(
            ns, new V1ServiceAccount().metadata(new V1ObjectMeta().name(SA)))
        .execute();
    RbacAuthorizationV1Api rbac = new RbacAuthorizationV1Api(api.client());
    rbac.createNamespacedRole(
            ns,
            new V1Role()
                .metadata(new V1ObjectMeta().name(SA))
                .rules(ShippedEnvironment.roleRules())) // what rbac.yaml ships
        .execute();
    rbac.createNamespacedRoleBinding(
            ns,
            new V1RoleBinding()
                .metadata(new V1ObjectMeta().name(SA))
                .roleRef(
                    new V1RoleRef().apiGroup("rbac.authorization.k8s.io").kind("Role").name(SA))
                .subjects(
                    List.of(new RbacV1Subject().kind("ServiceAccount").name(SA).namespace(ns))))
        .execute();
    return admin
        .createNamespacedServiceAccountToken(
            SA,
            ns,
            new AuthenticationV1TokenRequest()
                .spec(new V1TokenRequestSpec().expirationSeconds(3600L)))
        .execute()
        .getStatus()
        .getToken();
  }
}
