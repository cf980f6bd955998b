package dev.mirrorgate.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.manifests.Manifests.Manifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every manifest the project ships, server-side applied with {@code dryRun=All} against a real
 * kube-apiserver: schemas, defaulting and validation are the API server's, not ours.
 */
class ManifestsDryRunIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final MediaType APPLY = MediaType.get("application/apply-patch+yaml");

  private final Map<String, JsonNode> discovery = new HashMap<>();

  @Test
  void theBaseAppliesCleanlyAndNothingIsPersisted() throws Exception {
    List<Manifest> objects = Manifests.objects(Manifests.BASE);
    // Namespaced objects need their namespace to exist for a dry run: create it for real first.
    Manifest namespace = Manifests.only(objects, "Namespace");
    assertThat(apply(namespace, false).code()).isIn(200, 201);

    assertThat(dryRunFailures(objects)).as("server-side dry-run apply").isEmpty();

    Manifest deployment = Manifests.only(objects, "Deployment");
    assertThat(get(path(deployment)).code()).as("a dry run persists nothing").isEqualTo(404);
  }

  @Test
  void theControllerAppliesCleanlyAfterTheBaseAndPodSecurityAdmitsItsPod() throws Exception {
    assertThat(apply(Manifests.only(Manifests.objects(Manifests.BASE), "Namespace"), false).code())
        .isIn(200, 201);
    List<Manifest> objects = Manifests.objects(Manifests.CONTROLLER);
    assertThat(dryRunFailures(objects)).as("server-side dry-run apply").isEmpty();
    Manifest deployment = Manifests.only(objects, "Deployment");
    assertThat(get(path(deployment)).code()).as("a dry run persists nothing").isEqualTo(404);
    // The namespace `mirrorgate` is Pod Security `restricted`: its Pod must pass.
    Manifest account = Manifests.only(objects, "ServiceAccount");
    assertThat(apply(account, false).code()).isIn(200, 201);
    Result admitted = createPodDryRun("mirrorgate", deployment);
    assertThat(admitted.code()).as(admitted.body()).isEqualTo(201);
  }

  @Test
  void theNodeAgentAppliesCleanlyAfterTheBaseAndPodSecurityAdmitsItsPod() throws Exception {
    // The base creates the namespace `mirrorgate` the node agent's Role lives in.
    assertThat(apply(Manifests.only(Manifests.objects(Manifests.BASE), "Namespace"), false).code())
        .isIn(200, 201);
    List<Manifest> objects = Manifests.objects(Manifests.NODE_AGENT);
    Manifest namespace = Manifests.only(objects, "Namespace");
    assertThat(apply(namespace, false).code()).isIn(200, 201);

    assertThat(dryRunFailures(objects)).as("server-side dry-run apply").isEmpty();
    Manifest daemonSet = Manifests.only(objects, "DaemonSet");
    assertThat(get(path(daemonSet)).code()).as("a dry run persists nothing").isEqualTo(404);

    // Pod Security admission judges Pods, not DaemonSets: dry-run create the DaemonSet's Pod.
    // Its ServiceAccount must exist for that (ServiceAccount admission), so create it for real.
    Manifest account = Manifests.only(objects, "ServiceAccount");
    assertThat(apply(account, false).code()).isIn(200, 201);
    String agentNamespace = namespace.name();
    Result admitted = createPodDryRun(agentNamespace, daemonSet);
    assertThat(admitted.code()).as(admitted.body()).isEqualTo(201);
    // ...and the namespace `mirrorgate` (Pod Security `restricted`) would refuse it.
    ObjectNode elsewhere = account.object().deepCopy();
    ((ObjectNode) elsewhere.path("metadata")).put("namespace", "mirrorgate");
    assertThat(apply(new Manifest(account.file(), elsewhere), false).code()).isIn(200, 201);
    Result refused = createPodDryRun("mirrorgate", daemonSet);
    assertThat(refused.code()).as(refused.body()).isEqualTo(403);
    assertThat(refused.message()).contains("violates PodSecurity", "hostPath");
  }

  private Result createPodDryRun(String namespace, Manifest daemonSet) throws IOException {
    ObjectNode pod = JSON.createObjectNode();
    pod.put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode metadata = pod.putObject("metadata");
    metadata.put("name", "node-agent-dry-run").put("namespace", namespace);
    metadata.set(
        "labels", daemonSet.object().path("spec").path("template").path("metadata").path("labels"));
    pod.set("spec", daemonSet.object().path("spec").path("template").path("spec"));
    return send(
        new Request.Builder()
            .url(
                api.url()
                    + "/api/v1/namespaces/"
                    + namespace
                    + "/pods?dryRun=All&fieldValidation=Strict")
            .header("Authorization", "Bearer " + api.token())
            .post(
                RequestBody.create(JSON.writeValueAsString(pod), MediaType.get("application/json")))
            .build());
  }

  @Test
  void anInvalidValueIsRejectedByTheServer() throws Exception {
    Result result = apply(inline(webhookWith("sideEffects: Sometimes")), true);
    assertThat(result.code()).as("the dry run really validates: " + result.body()).isEqualTo(422);
    assertThat(result.message()).contains("sideEffects");
  }

  @Test
  void aMisspelledFieldIsRejectedNotDropped() throws Exception {
    Result result = apply(inline(webhookWith("sideEffects: None\n    timeoutSecs: 2")), true);
    assertThat(result.code()).as(result.body()).isGreaterThanOrEqualTo(400);
    assertThat(result.message()).contains("timeoutSecs").contains("not declared in schema");
  }

  private static String webhookWith(String fields) {
    return """
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata: {name: broken}
        webhooks:
          - name: broken.mirrorgate.dev
            admissionReviewVersions: ["v1"]
            clientConfig: {url: "https://127.0.0.1/mutate"}
            %s
        """
        .formatted(fields);
  }

  private static Manifest inline(String yaml) throws IOException {
    return new Manifest(Manifests.BASE.resolve("inline.yaml"), YAML.readTree(yaml));
  }

  /** Each object that a server-side dry-run apply refuses, with the API server's reason. */
  private List<String> dryRunFailures(List<Manifest> objects) throws IOException {
    List<String> failures = new ArrayList<>();
    for (Manifest manifest : objects) {
      Result result = apply(manifest, true);
      if (result.code() != 200 && result.code() != 201) {
        failures.add(manifest + " -> HTTP " + result.code() + ": " + result.message());
      }
    }
    return failures;
  }

  private record Result(int code, String body) {
    /** The Status message of an error answer, else the body. */
    String message() {
      try {
        return body.startsWith("{") ? JSON.readTree(body).path("message").asText(body) : body;
      } catch (IOException e) {
        return body;
      }
    }
  }

  private Result apply(Manifest manifest, boolean dryRun) throws IOException {
    String url =
        api.url()
            + path(manifest)
            + "?fieldManager=mirrorgate-manifests-test&force=true&fieldValidation=Strict"
            + (dryRun ? "&dryRun=All" : "");
    Request request =
        new Request.Builder()
            .url(url)
            .header("Authorization", "Bearer " + api.token())
            .patch(RequestBody.create(YAML.writeValueAsString(manifest.object()), APPLY))
            .build();
    return send(request);
  }

  private Result get(String path) throws IOException {
    return send(
        new Request.Builder()
            .url(api.url() + path)
            .header("Authorization", "Bearer " + api.token())
            .get()
            .build());
  }

  private Result send(Request request) throws IOException {
    OkHttpClient http = api.client().getHttpClient();
    try (Response response = http.newCall(request).execute()) {
      return new Result(response.code(), response.body() == null ? "" : response.body().string());
    }
  }

  /** The REST path of an object, from API discovery: group/version, plural, namespace. */
  private String path(Manifest manifest) throws IOException {
    JsonNode object = manifest.object();
    String apiVersion = object.path("apiVersion").asText();
    String groupPath = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
    JsonNode resources = discovery.computeIfAbsent(groupPath, this::discover);
    for (JsonNode resource : resources.path("resources")) {
      if (resource.path("kind").asText().equals(manifest.kind())
          && !resource.path("name").asText().contains("/")) {
        String namespace = object.path("metadata").path("namespace").asText("");
        String prefix =
            resource.path("namespaced").asBoolean()
                ? groupPath + "/namespaces/" + namespace
                : groupPath;
        return prefix + "/" + resource.path("name").asText() + "/" + manifest.name();
      }
    }
    throw new AssertionError(
        manifest + ": the API server does not serve " + apiVersion + " " + manifest.kind());
  }

  private JsonNode discover(String groupPath) {
    try {
      Result result = get(groupPath);
      assertThat(result.code()).as("discovery of " + groupPath).isEqualTo(200);
      return JSON.readTree(result.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
