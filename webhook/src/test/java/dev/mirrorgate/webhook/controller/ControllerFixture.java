package dev.mirrorgate.webhook.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.webhook.cli.ControllerApp;
import dev.mirrorgate.webhook.cli.ControllerCommand;
import dev.mirrorgate.webhook.kube.ApiResource;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeObject;
import dev.mirrorgate.webhook.kube.KubeRest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the controller ITs share: the CRDs the manifests ship, installed into the test's API server,
 * and controllers started in-process as {@code mirrorgate-webhook.jar controller} would be (same
 * composition root, the admin kubeconfig), each closed after the test.
 */
public final class ControllerFixture implements AutoCloseable {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  public static final Path CRDS = Path.of("..", "manifests", "kustomize", "crds");

  private final KubeApiServer api;
  private final List<ControllerApp> started = new ArrayList<>();

  public ControllerFixture(KubeApiServer api) {
    this.api = api;
  }

  public KubeRest rest() {
    return new KubeRest(api.client(), JSON);
  }

  /** Applies every CRD of manifests/kustomize/crds and waits until each is established. */
  public void installCrds() throws Exception {
    try (Stream<Path> files = Files.list(CRDS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (ObjectNode document : documents(file)) {
          if ("CustomResourceDefinition".equals(document.path("kind").asText())) {
            installCrd(document);
          }
        }
      }
    }
  }

  /** Applies one CRD and waits until the API server serves it. */
  public void installCrd(ObjectNode crd) throws Exception {
    rest().apply(ApiResource.CUSTOM_RESOURCE_DEFINITIONS, crd);
    String name = crd.path("metadata").path("name").asText();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!established(name)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("CRD " + name + " not established within 30 s");
      }
      Thread.sleep(50); // the API server's own controller establishes it
    }
  }

  private boolean established(String name) throws KubeException {
    Optional<KubeObject> crd = rest().get(ApiResource.CUSTOM_RESOURCE_DEFINITIONS, null, name);
    if (crd.isEmpty()) {
      return false;
    }
    for (JsonNode condition : crd.get().node().path("status").path("conditions")) {
      if ("Established".equals(condition.path("type").asText())
          && "True".equals(condition.path("status").asText())) {
        return true;
      }
    }
    return false;
  }

  /** Every YAML document of {@code file}. */
  public static List<ObjectNode> documents(Path file) throws IOException {
    List<ObjectNode> documents = new ArrayList<>();
    try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(file.toFile())) {
      var iterator = YAML.readValues(parser, JsonNode.class);
      while (iterator.hasNext()) {
        if (iterator.next() instanceof ObjectNode object) {
          documents.add(object);
        }
      }
    }
    return documents;
  }

  /** Parses YAML text into a tree. */
  public static ObjectNode yaml(String text) {
    try {
      return (ObjectNode) YAML.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Starts a controller for {@code namespace} with {@code extraArgs}, as the admin. */
  public ControllerApp start(String namespace, String... extraArgs) throws Exception {
    return startAs(api.kubeconfig(), namespace, extraArgs);
  }

  /** Starts a controller with the credentials of {@code kubeconfig}. */
  public ControllerApp startAs(Path kubeconfig, String namespace, String... extraArgs)
      throws Exception {
    List<String> args = new ArrayList<>();
    args.add("--namespace=" + namespace);
    args.add("--port=0");
    args.add("--ui-port=0");
    args.add("--bind-address=127.0.0.1");
    if (java.util.Arrays.stream(extraArgs).noneMatch(a -> a.startsWith("--tls-"))) {
      args.add("--tls-self-signed");
    }
    args.add("--kubeconfig=" + kubeconfig);
    args.addAll(List.of(extraArgs));
    ControllerApp app =
        ControllerApp.start(
            ControllerCommand.parse(args.toArray(String[]::new)), Clock.systemUTC());
    started.add(app);
    return app;
  }

  /** Stops the first controller started (a leader going away). */
  public void closeFirst() {
    started.remove(0).close();
  }

  @Override
  public void close() {
    started.forEach(ControllerApp::close);
    started.clear();
  }
}
