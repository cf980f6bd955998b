package dev.mirrorgate.webhook.owned;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.certs.IssuedCertificate;
import dev.mirrorgate.common.mirrors.Mirror;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import dev.mirrorgate.common.mirrors.MirrorsDocumentParser;
import dev.mirrorgate.common.mirrors.MirrorsDocumentRenderer;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.common.testing.KubeRest;
import dev.mirrorgate.common.testing.KubeRest.Result;
import dev.mirrorgate.webhook.mirror.MirrorMode;
import dev.mirrorgate.webhook.mirror.RegistryMirrorRenderer;
import dev.mirrorgate.webhook.mirror.RegistryMirrorSpec;
import dev.mirrorgate.webhook.mirror.RegistryMirrorSpecParser;
import dev.mirrorgate.webhook.registry.NotificationEndpoint;
import dev.mirrorgate.webhook.registry.RegistryInputs;
import dev.mirrorgate.webhook.registry.RegistryRenderer;
import dev.mirrorgate.webhook.registry.RegistrySpec;
import dev.mirrorgate.webhook.registry.RegistrySpecParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The renderers' output in a real API server, as the controllers will send it: custom resources are
 * created (the shipped CRDs, and mirror-operator's for legacy objects) and read back with the
 * server's defaults, parsed, and every owned object is server-side applied (field manager {@code
 * mirrorgate}, strict field validation) in namespaces that enforce Pod Security {@code restricted}.
 * Applying again changes nothing, and the pods the workloads would create are admitted.
 */
class RenderedObjectsApplyIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  static final String CONTROLLER_NAMESPACE = "mirrorgate";
  static final String APPS = "apps";
  static final String MANAGER = "mirrorgate";
  static final Path CRDS = Path.of("..", "manifests", "kustomize", "crds");

  static KubeRest rest;
  static TestCa ca;

  @BeforeAll
  static void install() throws Exception {
    rest = new KubeRest(api);
    List<JsonNode> crds = new ArrayList<>();
    for (JsonNode resource :
        KubeRest.readYaml(CRDS.resolve("kustomization.yaml")).get(0).path("resources")) {
      crds.addAll(KubeRest.readYaml(CRDS.resolve(resource.asText())));
    }
    crds.add(KubeRest.legacyRegistryMirrorCrd());
    rest.installCrds(crds);
    for (String namespace : List.of(CONTROLLER_NAMESPACE, APPS)) {
      created(
          rest.create(
              KubeRest.yaml(
                  """
                  apiVersion: v1
                  kind: Namespace
                  metadata:
                    name: %s
                    labels: {pod-security.kubernetes.io/enforce: restricted}
                  """
                      .formatted(namespace))));
      created(
          rest.create(
              KubeRest.yaml(
                  "{apiVersion: v1, kind: ServiceAccount, metadata: {name: default, namespace: %s}}"
                      .formatted(namespace))));
    }
    ca = TestCa.create("mirrorgate mirror CA");
  }

  @Test
  void aRegistryMirrorsObjectsApplyAreAdmittedAndReapplyAsNoOps() throws Exception {
    JsonNode cr =
        created(
            rest.create(
                KubeRest.yaml(
                    """
                    apiVersion: mirrorgate.dev/v1alpha1
                    kind: RegistryMirror
                    metadata: {name: docker}
                    spec: {upstream: docker.io, credentialsSecret: hub-creds, mode: both}
                    """)));
    RegistryMirrorSpec spec = new RegistryMirrorSpecParser().parse(cr).get();
    assertThat(spec.owner().uid()).isNotEmpty();

    Mirror entry = applyMirror(spec);

    assertThat(entry.rewrite()).isTrue();
    assertThat(entry.masquerade()).contains("mirror-docker.io");
    assertThat(entry.address().orElseThrow()).startsWith("10.96.0.");
  }

  @Test
  void aLegacyRegistryMirrorIsManagedTheSameWay() throws Exception {
    JsonNode cr =
        created(
            rest.create(
                KubeRest.yaml(
                    """
                    apiVersion: k8s.osp.tech/v1
                    kind: RegistryMirror
                    metadata: {name: internal}
                    spec:
                      upstreamUrl: registry.example.com:5000
                      masqueradeUrl: mirror.internal.example.com
                      volumeClaimTemplate: {spec: {resources: {requests: {storage: 5Gi}}}}
                      nginxOnlyField: true
                    """)));
    RegistryMirrorSpec spec = new RegistryMirrorSpecParser(MirrorMode.SERVICES).parse(cr).get();

    Mirror entry = applyMirror(spec);

    JsonNode owner =
        rest.get(new RegistryMirrorRenderer().service(spec, CONTROLLER_NAMESPACE))
            .json()
            .at("/metadata/ownerReferences/0");
    assertThat(owner.path("apiVersion").asText()).isEqualTo("k8s.osp.tech/v1");
    assertThat(owner.path("uid").asText()).isEqualTo(cr.at("/metadata/uid").asText());
    assertThat(entry.upstream()).isEqualTo("registry.example.com:5000");
    assertThat(entry.rewrite()).isTrue();
  }

  @Test
  void aRegistrysObjectsApplyAreAdmittedAndReapplyAsNoOps() throws Exception {
    JsonNode cr =
        created(
            rest.create(
                KubeRest.yaml(
                    """
                    apiVersion: mirrorgate.dev/v1alpha1
                    kind: Registry
                    metadata: {name: local, namespace: apps}
                    spec:
                      nodeLocal: {port: 5000}
                      auth: {htpasswdSecret: push-users}
                      service: {type: NodePort}
                    """)));
    RegistrySpec spec = new RegistrySpecParser().parse(cr).get();
    RegistryRenderer renderer = new RegistryRenderer();
    RegistryInputs inputs =
        new RegistryInputs(
            Optional.of(
                new NotificationEndpoint(
                    NotificationEndpoint.inCluster(CONTROLLER_NAMESPACE), "token", ca.pem())),
            "http-secret");

    JsonNode service = applied(renderer.service(spec));
    String clusterIp = service.at("/spec/clusterIP").asText();
    IssuedCertificate leaf = ca.issue(renderer.certificateNames(spec, clusterIp));
    List<ObjectNode> objects =
        List.of(
            renderer.service(spec),
            renderer.persistentVolumeClaim(spec),
            renderer.tlsSecret(spec, leaf.certificateChainPem(), leaf.privateKeyPem(), ca.pem()),
            renderer.configSecret(spec, inputs),
            renderer.deployment(spec, inputs, leaf.certificateChainPem(), "users-v1"));

    applyTwiceAndExpectNoChange(objects);
    JsonNode claim = rest.get(renderer.persistentVolumeClaim(spec)).json();
    assertThat(claim.at("/metadata/ownerReferences").isMissingNode())
        .as("kept after the Registry")
        .isTrue();
    admitted(APPS, renderer.deployment(spec, inputs, leaf.certificateChainPem(), "users-v1"), null);

    Mirror entry = renderer.mirrorsEntry(spec, clusterIp, ca.pem()).orElseThrow();
    assertThat(
            new MirrorsDocumentParser()
                .parse(MirrorsDocumentRenderer.render(new MirrorsDocument(List.of(entry))))
                .mirrors())
        .containsExactly(entry);
  }

  private Mirror applyMirror(RegistryMirrorSpec spec) throws Exception {
    RegistryMirrorRenderer renderer = new RegistryMirrorRenderer();
    JsonNode service = applied(renderer.service(spec, CONTROLLER_NAMESPACE));
    String clusterIp = service.at("/spec/clusterIP").asText();
    IssuedCertificate leaf =
        ca.issue(renderer.certificateNames(spec, CONTROLLER_NAMESPACE, clusterIp));
    List<ObjectNode> objects =
        List.of(
            renderer.service(spec, CONTROLLER_NAMESPACE),
            renderer.headlessService(spec, CONTROLLER_NAMESPACE),
            renderer.tlsSecret(
                spec,
                CONTROLLER_NAMESPACE,
                leaf.certificateChainPem(),
                leaf.privateKeyPem(),
                ca.pem()),
            renderer.configMap(spec, CONTROLLER_NAMESPACE),
            renderer.statefulSet(
                spec, CONTROLLER_NAMESPACE, leaf.certificateChainPem(), "creds-v1"));
    applyTwiceAndExpectNoChange(objects);
    ObjectNode statefulSet =
        renderer.statefulSet(spec, CONTROLLER_NAMESPACE, leaf.certificateChainPem(), "creds-v1");
    admitted(CONTROLLER_NAMESPACE, statefulSet, "data-" + spec.statefulSetName() + "-0");
    Mirror entry = renderer.mirrorsEntry(spec, clusterIp, ca.pem());
    assertThat(
            new MirrorsDocumentParser()
                .parse(MirrorsDocumentRenderer.render(new MirrorsDocument(List.of(entry))))
                .mirrors())
        .containsExactly(entry);
    return entry;
  }

  /**
   * Applies every object, then applies them all again: the second apply writes nothing (the
   * rendering is deterministic and complete), so a reconcile loop does not churn. Kubernetes 1.36
   * writes a PersistentVolumeClaim on every apply even when nothing changed (a new resourceVersion,
   * identical content): for a PVC only the content is compared, and the controller should apply a
   * PVC only when it is missing or differs.
   */
  private static void applyTwiceAndExpectNoChange(List<ObjectNode> objects) throws Exception {
    List<JsonNode> first = new ArrayList<>();
    for (ObjectNode object : objects) {
      first.add(applied(object));
    }
    for (int i = 0; i < objects.size(); i++) {
      JsonNode again = applied(objects.get(i));
      String what =
          objects.get(i).path("kind").asText() + "/" + objects.get(i).at("/metadata/name").asText();
      assertThat(withoutVersion(again))
          .as("re-applying %s changes nothing", what)
          .isEqualTo(withoutVersion(first.get(i)));
      if (!objects.get(i).path("kind").asText().equals("PersistentVolumeClaim")) {
        assertThat(again.at("/metadata/resourceVersion").asText())
            .as("re-applying %s writes nothing", what)
            .isEqualTo(first.get(i).at("/metadata/resourceVersion").asText());
      }
    }
  }

  private static JsonNode withoutVersion(JsonNode object) {
    ObjectNode copy = object.deepCopy();
    ObjectNode metadata = (ObjectNode) copy.path("metadata");
    metadata.remove("resourceVersion");
    metadata.remove("managedFields");
    return copy;
  }

  /** Dry-run creates the Pod the workload's controller would create; Pod Security judges it. */
  private static void admitted(String namespace, JsonNode workload, String claimName)
      throws Exception {
    ObjectNode pod = KubeRest.yaml("{apiVersion: v1, kind: Pod}");
    ObjectNode metadata = pod.putObject("metadata");
    metadata.put("name", workload.at("/metadata/name").asText() + "-0");
    metadata.put("namespace", namespace);
    metadata.set("labels", workload.at("/spec/template/metadata/labels"));
    ObjectNode spec = workload.at("/spec/template/spec").deepCopy();
    if (claimName != null) {
      ObjectNode volume = ((ArrayNode) spec.path("volumes")).addObject();
      volume.put("name", RegistryMirrorRenderer.DATA_VOLUME);
      volume.putObject("persistentVolumeClaim").put("claimName", claimName);
    }
    pod.set("spec", spec);
    Result result = rest.create(pod, true);
    assertThat(result.code()).as(result.body()).isEqualTo(201);
  }

  private static JsonNode applied(ObjectNode object) throws Exception {
    Result result = rest.apply(object, MANAGER, false);
    assertThat(result.code()).as(result.body()).isIn(200, 201);
    return result.json();
  }

  private static JsonNode created(Result result) {
    assertThat(result.code()).as(result.body()).isEqualTo(201);
    return result.json();
  }
}
