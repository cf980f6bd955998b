package dev.mirrorgate.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.common.testing.KubeRest;
import dev.mirrorgate.common.testing.KubeRest.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shipped CRDs in a real API server: they install and become Established; valid objects are
 * stored with the contract's defaults and shown with their printer columns (Table API); invalid
 * ones are refused by the server's own schema and CEL validation, with messages that name the field
 * and say what is wrong.
 */
class CrdsIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  /** Every namespaced object of this class lives here (the API server is this class's alone). */
  static final String NAMESPACE = "apps";

  static KubeRest rest;

  @BeforeAll
  static void install() throws Exception {
    rest = new KubeRest(api);
    List<JsonNode> crds = new ArrayList<>();
    Manifests.objects(Manifests.CRDS).forEach(m -> crds.add(m.object()));
    rest.installCrds(crds);
    Result namespace =
        rest.create(KubeRest.yaml("{apiVersion: v1, kind: Namespace, metadata: {name: apps}}"));
    assertThat(namespace.code()).as(namespace.body()).isEqualTo(201);
  }

  @Test
  void eachKindHasItsScopeAndShortName() throws Exception {
    JsonNode resources = rest.get("/apis/mirrorgate.dev/v1alpha1").json().path("resources");
    assertThat(resource(resources, "registrymirrors").path("namespaced").asBoolean()).isFalse();
    assertThat(resource(resources, "registrymirrors").path("shortNames").toString())
        .isEqualTo("[\"rm\"]");
    assertThat(resource(resources, "registries").path("namespaced").asBoolean()).isTrue();
    assertThat(resource(resources, "registries").path("shortNames").toString())
        .isEqualTo("[\"reg\"]");
    assertThat(resource(resources, "imageupdates").path("namespaced").asBoolean()).isTrue();
    assertThat(resource(resources, "imageupdates").path("shortNames").toString())
        .isEqualTo("[\"iu\"]");
    assertThat(resource(resources, "registrymirrors/status")).isNotNull();
    assertThat(resource(resources, "registries/status")).isNotNull();
    assertThat(resource(resources, "imageupdates/status")).isNotNull();
  }

  @Test
  void aMinimalRegistryMirrorIsStoredWithTheContractsDefaults() throws Exception {
    Result created =
        rest.create(
            KubeRest.yaml(
                """
                apiVersion: mirrorgate.dev/v1alpha1
                kind: RegistryMirror
                metadata: {name: docker}
                spec: {upstream: docker.io}
                """));

    assertThat(created.code()).as(created.body()).isEqualTo(201);
    JsonNode spec = created.json().path("spec");
    assertThat(spec.path("mode").asText()).isEqualTo("hostess");
    assertThat(spec.path("replicas").asInt()).isEqualTo(1);
    assertThat(spec.path("cacheTTL").asText()).isEqualTo("168h");
    assertThat(spec.path("image").asText()).isEqualTo("docker.io/library/registry:2");
    assertThat(spec.at("/volumeClaimTemplate/spec/accessModes").toString())
        .isEqualTo("[\"ReadWriteOnce\"]");
    assertThat(spec.at("/volumeClaimTemplate/spec/resources/requests/storage").asText())
        .isEqualTo("20Gi");
    assertThat(spec.has("masquerade")).as("the default masquerade is the controller's").isFalse();
  }

  @Test
  void aNestedDefaultFillsInAroundWhatIsWritten() throws Exception {
    Result created =
        rest.create(
            KubeRest.yaml(
                """
                apiVersion: mirrorgate.dev/v1alpha1
                kind: RegistryMirror
                metadata: {name: quay}
                spec:
                  upstream: quay.io
                  volumeClaimTemplate: {spec: {storageClassName: fast}}
                """));

    assertThat(created.code()).as(created.body()).isEqualTo(201);
    JsonNode claim = created.json().at("/spec/volumeClaimTemplate/spec");
    assertThat(claim.path("storageClassName").asText()).isEqualTo("fast");
    assertThat(claim.at("/resources/requests/storage").asText()).isEqualTo("20Gi");
    assertThat(claim.path("accessModes").toString()).isEqualTo("[\"ReadWriteOnce\"]");
  }

  @Test
  void aRegistryWithoutSpecIsStoredWithTheContractsDefaults() throws Exception {
    Result created =
        rest.create(
            KubeRest.yaml(
                """
                apiVersion: mirrorgate.dev/v1alpha1
                kind: Registry
                metadata: {name: builds, namespace: apps}
                """));

    assertThat(created.code()).as(created.body()).isEqualTo(201);
    JsonNode spec = created.json().path("spec");
    assertThat(spec.path("replicas").asInt()).isEqualTo(1);
    assertThat(spec.at("/storage/size").asText()).isEqualTo("5Gi");
    assertThat(spec.at("/storage/retainOnDelete").asBoolean()).isTrue();
    assertThat(spec.at("/service/type").asText()).isEqualTo("ClusterIP");
    assertThat(spec.at("/service/port").asInt()).isEqualTo(5000);
    assertThat(spec.path("pushToDeploy").asBoolean()).isTrue();
    assertThat(spec.path("image").asText()).isEqualTo("docker.io/library/registry:2");
  }

  @Test
  void printerColumnsAreServedThroughTheTableApi() throws Exception {
    ObjectNode mirror =
        KubeRest.yaml(
            """
            apiVersion: mirrorgate.dev/v1alpha1
            kind: RegistryMirror
            metadata: {name: ghcr}
            spec: {upstream: ghcr.io, mode: services}
            """);
    assertThat(rest.create(mirror).code()).isEqualTo(201);
    ObjectNode status = (ObjectNode) rest.get(mirror).json().deepCopy();
    status.set(
        "status",
        KubeRest.yaml(
            """
            address: 10.96.0.15
            endpoint: https://10.96.0.15:443
            masquerade: mirror-ghcr.io
            conditions:
              - {type: Ready, status: "True", reason: Ready, message: serving,
                 lastTransitionTime: "2026-01-01T00:00:00Z"}
            """));
    Result updated = rest.updateStatus(status);
    assertThat(updated.code()).as(updated.body()).isEqualTo(200);

    JsonNode table = rest.table(mirror).json();

    assertThat(columns(table))
        .containsExactly("Name", "Upstream", "Masquerade", "Mode", "Address", "Ready", "Age");
    assertThat(row(table, "ghcr"))
        .startsWith("ghcr", "ghcr.io", "mirror-ghcr.io", "services", "10.96.0.15", "True");

    ObjectNode registry =
        KubeRest.yaml(
            """
            apiVersion: mirrorgate.dev/v1alpha1
            kind: Registry
            metadata: {name: local, namespace: apps}
            spec: {nodeLocal: {port: 5000}}
            """);
    assertThat(rest.create(registry).code()).isEqualTo(201);
    JsonNode registries = rest.table(registry).json();
    assertThat(columns(registries))
        .containsExactly("Name", "Endpoint", "Node-Local", "Ready", "Age");
    assertThat(row(registries, "local")).startsWith("local", "", "5000");

    ObjectNode update = imageUpdate("shop-1-3-0", "");
    assertThat(rest.create(update).code()).isEqualTo(201);
    JsonNode updates = rest.table(update).json();
    assertThat(columns(updates))
        .containsExactly("Name", "Workload", "Container", "From", "To", "Phase", "Age");
    assertThat(row(updates, "shop-1-3-0"))
        .startsWith(
            "shop-1-3-0",
            "shop",
            "web",
            "ghcr.io/acme/shop:1.2.3",
            "ghcr.io/acme/shop:1.3.0@sha256:" + "a".repeat(64));
  }

  @Test
  void anImageUpdatesSpecIsImmutableAndItsApprovalsOnlyGrow() throws Exception {
    ObjectNode update =
        imageUpdate("shop-approvals", "approvalsRequired: 2\n  deadline: \"2026-11-26T10:00:00Z\"");
    Result created = rest.create(update);
    assertThat(created.code()).as(created.body()).isEqualTo(201);

    ObjectNode changed = (ObjectNode) created.json().deepCopy();
    ((ObjectNode) changed.path("spec")).put("to", "ghcr.io/acme/shop:9.9.9");
    Result refused = rest.update(changed);
    assertThat(refused.code()).as(refused.body()).isEqualTo(422);
    assertThat(refused.message())
        .contains("spec is immutable: an ImageUpdate records one decision");

    ObjectNode voted = (ObjectNode) created.json().deepCopy();
    voted.set(
        "status",
        KubeRest.yaml(
            "{phase: Pending, approvals: [{voter: alice, at: \"2026-11-25T10:00:00Z\"}]}"));
    Result first = rest.updateStatus(voted);
    assertThat(first.code()).as(first.body()).isEqualTo(200);

    ObjectNode second = (ObjectNode) first.json().deepCopy();
    second.set(
        "status",
        KubeRest.yaml(
            """
            phase: Approved
            approvals:
              - {voter: alice, at: "2026-11-25T10:00:00Z"}
              - {voter: bob, at: "2026-11-25T10:05:00Z"}
            """));
    Result added = rest.updateStatus(second);
    assertThat(added.code()).as(added.body()).isEqualTo(200);

    ObjectNode withdrawn = (ObjectNode) added.json().deepCopy();
    withdrawn.set(
        "status",
        KubeRest.yaml(
            "{phase: Approved, approvals: [{voter: bob, at: \"2026-11-25T10:05:00Z\"}]}"));
    Result forged = rest.updateStatus(withdrawn);
    assertThat(forged.code()).as(forged.body()).isEqualTo(422);
    assertThat(forged.message())
        .contains("approvals can only be added: a vote is never changed or withdrawn");

    ObjectNode twice = (ObjectNode) added.json().deepCopy();
    ((com.fasterxml.jackson.databind.node.ArrayNode) twice.at("/status/approvals"))
        .add(KubeRest.yaml("{voter: bob, at: \"2026-11-25T11:00:00Z\"}"));
    Result duplicate = rest.updateStatus(twice);
    assertThat(duplicate.code()).as("one vote per voter: " + duplicate.body()).isEqualTo(422);
  }

  @Test
  void theStatusIsASubresourceAnUpdateOfTheObjectDoesNotWriteIt() throws Exception {
    ObjectNode mirror =
        KubeRest.yaml(
            """
            apiVersion: mirrorgate.dev/v1alpha1
            kind: RegistryMirror
            metadata: {name: gcr}
            spec: {upstream: gcr.io}
            status: {address: 10.0.0.1}
            """);
    Result created = rest.create(mirror);
    assertThat(created.code()).as(created.body()).isEqualTo(201);
    assertThat(created.json().has("status")).isFalse();
  }

  static Stream<Arguments> invalidObjects() {
    return Stream.of(
        mirror(
            "bad-upstream",
            "upstream: Bad Host",
            "spec.upstream",
            "\"Bad Host\" is not a registry host[:port]"),
        mirror("no-upstream", "mode: hostess", "spec.upstream", "Required value"),
        mirror(
            "a-path",
            "upstream: docker.io/library",
            "spec.upstream",
            "is not a registry host[:port]"),
        mirror(
            "sideways",
            "upstream: docker.io\n  mode: sideways",
            "spec.mode",
            "Unsupported value: \"sideways\""),
        mirror(
            "bad-masquerade",
            "upstream: docker.io\n  masquerade: Mirror_Docker",
            "spec.masquerade",
            "\"Mirror_Docker\" is not a lowercase DNS name"),
        mirror(
            "ip-masquerade",
            "upstream: docker.io\n  masquerade: 10.0.0.1",
            "spec.masquerade",
            "\"10.0.0.1\" is not a lowercase DNS name"),
        mirror(
            "hijack",
            "upstream: ghcr.io:443\n  masquerade: ghcr.io",
            "spec.masquerade",
            "masquerade must not be the upstream's own host"),
        mirror(
            "ttl",
            "upstream: docker.io\n  cacheTTL: 7 days",
            "spec.cacheTTL",
            "\"7 days\" is not a duration"),
        mirror(
            "size",
            "upstream: docker.io\n  volumeClaimTemplate: {spec: {resources: {requests: {storage: 20 GB}}}}",
            "spec.volumeClaimTemplate.spec.resources.requests.storage",
            "should match"),
        mirror(
            "replicas",
            "upstream: docker.io\n  replicas: -1",
            "spec.replicas",
            "greater than or equal to 0"),
        mirror(
            "credentials",
            "upstream: docker.io\n  credentialsSecret: Hub Creds",
            "spec.credentialsSecret",
            "must be the name of a Secret"),
        mirror(
            "tolerations",
            "upstream: docker.io\n  tolerations: [{key: a, operator: Maybe}]",
            "spec.tolerations[0].operator",
            "Unsupported value: \"Maybe\""),
        mirror(
            "a-mirror-name-that-is-thirty-nine-chars",
            "upstream: docker.io",
            "metadata.name: Invalid value",
            "must be at most 38 characters"),
        mirror(
            "docker.io",
            "upstream: docker.io",
            "metadata.name: Invalid value",
            "must be a DNS label"),
        mirror(
            "legacy-field",
            "upstream: docker.io\n  upstreamUrl: docker.io",
            "spec.upstreamUrl",
            "unknown field"),
        registry(
            "fixed-ip",
            "service: {type: ClusterIP, loadBalancerIP: 172.17.1.62}",
            "spec.service.loadBalancerIP",
            "loadBalancerIP is only allowed with type LoadBalancer, the type is ClusterIP"),
        registry(
            "bad-ip",
            "service: {type: LoadBalancer, loadBalancerIP: not-an-ip}",
            "spec.service.loadBalancerIP",
            "\"not-an-ip\" is not an IP address"),
        registry("bad-size", "storage: {size: lots}", "spec.storage.size", "should match"),
        registry("no-port", "nodeLocal: {}", "spec.nodeLocal.port", "Required value"),
        registry(
            "big-port",
            "nodeLocal: {port: 70000}",
            "spec.nodeLocal.port",
            "less than or equal to 65535"),
        registry(
            "vault",
            "tls: {issuerRef: {name: x, kind: Vault}}",
            "spec.tls.issuerRef.kind",
            "Unsupported value: \"Vault\""),
        registry(
            "nameless-issuer",
            "tls: {issuerRef: {kind: ClusterIssuer}}",
            "spec.tls.issuerRef.name",
            "Required value"),
        registry(
            "users",
            "auth: {htpasswdSecret: Push Users}",
            "spec.auth.htpasswdSecret",
            "must be the name of a Secret"),
        registry(
            "service-type",
            "service: {type: ExternalName}",
            "spec.service.type",
            "Unsupported value: \"ExternalName\""),
        registry(
            "a-registry-name-that-is-fifty-five-characters-long-abcde",
            "replicas: 1",
            "metadata.name: Invalid value",
            "must be at most 54 characters"),
        update(
            "no-deadline",
            "approvalsRequired: 2",
            "spec.deadline",
            "deadline is required when approvals are required"),
        update("by-email", "trigger: email", "spec.trigger", "Unsupported value: \"email\""),
        update(
            "pod",
            "workload: {kind: Pod, name: shop}",
            "spec.workload.kind",
            "Unsupported value: \"Pod\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidObjects")
  void invalidObjectsAreRefusedWithTheFieldAndTheReason(
      String name, ObjectNode object, String field, String reason) throws Exception {
    Result result = rest.create(object);

    assertThat(result.code()).as(result.body()).isBetween(400, 499);
    assertThat(result.message()).as(result.body()).contains(field).contains(reason);
    assertThat(rest.get(object).code()).as("nothing was stored").isEqualTo(404);
  }

  private static Arguments mirror(String name, String spec, String field, String reason) {
    return Arguments.of(
        "RegistryMirror " + name,
        KubeRest.yaml(
            """
            apiVersion: mirrorgate.dev/v1alpha1
            kind: RegistryMirror
            metadata: {name: %s}
            spec:
              %s
            """
                .formatted(name, spec)),
        field,
        reason);
  }

  private static Arguments registry(String name, String spec, String field, String reason) {
    return Arguments.of(
        "Registry " + name,
        KubeRest.yaml(
            """
            apiVersion: mirrorgate.dev/v1alpha1
            kind: Registry
            metadata: {name: %s, namespace: apps}
            spec:
              %s
            """
                .formatted(name, spec)),
        field,
        reason);
  }

  private static Arguments update(String name, String override, String field, String reason) {
    ObjectNode object = imageUpdate(name, "");
    ObjectNode patch = KubeRest.yaml(override);
    patch
        .properties()
        .forEach(e -> ((ObjectNode) object.path("spec")).set(e.getKey(), e.getValue()));
    return Arguments.of("ImageUpdate " + name, object, field, reason);
  }

  private static ObjectNode imageUpdate(String name, String extra) {
    return KubeRest.yaml(
        """
            apiVersion: mirrorgate.dev/v1alpha1
            kind: ImageUpdate
            metadata: {name: %s, namespace: apps}
            spec:
              workload: {kind: Deployment, name: shop}
              container: web
              from: ghcr.io/acme/shop:1.2.3
              to: ghcr.io/acme/shop:1.3.0@sha256:%s
              policy: keel.sh/policy=minor
              trigger: registry
              %s
            """
            .formatted(name, "a".repeat(64), extra));
  }

  private static JsonNode resource(JsonNode resources, String name) {
    for (JsonNode r : resources) {
      if (r.path("name").asText().equals(name)) {
        return r;
      }
    }
    return null;
  }

  private static List<String> columns(JsonNode table) {
    return StreamSupport.stream(table.path("columnDefinitions").spliterator(), false)
        .map(c -> c.path("name").asText())
        .toList();
  }

  private static List<String> row(JsonNode table, String name) {
    for (JsonNode row : table.path("rows")) {
      if (row.at("/object/metadata/name").asText().equals(name)) {
        return StreamSupport.stream(row.path("cells").spliterator(), false)
            .map(cell -> cell.isNull() ? "" : cell.asText())
            .toList();
      }
    }
    throw new AssertionError("no row " + name + " in " + table);
  }
}
