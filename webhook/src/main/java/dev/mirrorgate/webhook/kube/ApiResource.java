package dev.mirrorgate.webhook.kube;

import java.util.Objects;

/**
 * A kind of the Kubernetes API as its REST paths name it: group (empty for the core group),
 * version, plural resource name, kind, and whether objects live in namespaces.
 */
public record ApiResource(
    String group, String version, String plural, String kind, boolean namespaced) {

  public static final ApiResource CONFIG_MAPS = core("configmaps", "ConfigMap");
  public static final ApiResource SECRETS = core("secrets", "Secret");
  public static final ApiResource SERVICES = core("services", "Service");
  public static final ApiResource EVENTS = core("events", "Event");
  public static final ApiResource PODS = core("pods", "Pod");
  public static final ApiResource PERSISTENT_VOLUME_CLAIMS =
      core("persistentvolumeclaims", "PersistentVolumeClaim");
  public static final ApiResource STATEFUL_SETS =
      new ApiResource("apps", "v1", "statefulsets", "StatefulSet", true);
  public static final ApiResource DEPLOYMENTS =
      new ApiResource("apps", "v1", "deployments", "Deployment", true);
  public static final ApiResource NAMESPACES =
      new ApiResource("", "v1", "namespaces", "Namespace", false);
  public static final ApiResource SERVICE_ACCOUNTS = core("serviceaccounts", "ServiceAccount");
  public static final ApiResource LEASES =
      new ApiResource("coordination.k8s.io", "v1", "leases", "Lease", true);
  public static final ApiResource ROLES =
      new ApiResource("rbac.authorization.k8s.io", "v1", "roles", "Role", true);
  public static final ApiResource ROLE_BINDINGS =
      new ApiResource("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true);
  public static final ApiResource CLUSTER_ROLES =
      new ApiResource("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false);
  public static final ApiResource CLUSTER_ROLE_BINDINGS =
      new ApiResource(
          "rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false);
  public static final ApiResource SELF_SUBJECT_ACCESS_REVIEWS =
      new ApiResource(
          "authorization.k8s.io",
          "v1",
          "selfsubjectaccessreviews",
          "SelfSubjectAccessReview",
          false);
  public static final ApiResource CUSTOM_RESOURCE_DEFINITIONS =
      new ApiResource(
          "apiextensions.k8s.io",
          "v1",
          "customresourcedefinitions",
          "CustomResourceDefinition",
          false);

  public ApiResource {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(plural, "plural");
    Objects.requireNonNull(kind, "kind");
  }

  private static final java.util.List<ApiResource> KNOWN =
      java.util.List.of(
          CONFIG_MAPS,
          SECRETS,
          PODS,
          SERVICES,
          EVENTS,
          PERSISTENT_VOLUME_CLAIMS,
          STATEFUL_SETS,
          DEPLOYMENTS,
          NAMESPACES,
          SERVICE_ACCOUNTS,
          LEASES,
          ROLES,
          ROLE_BINDINGS,
          CLUSTER_ROLES,
          CLUSTER_ROLE_BINDINGS);

  /** The resource of a built-in {@code kind} this project uses. */
  public static ApiResource forKind(String kind) {
    return KNOWN.stream()
        .filter(r -> r.kind().equals(kind))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no resource known for kind " + kind));
  }

  private static ApiResource core(String plural, String kind) {
    return new ApiResource("", "v1", plural, kind, true);
  }

  /** {@code v1} or {@code apps/v1}, as objects carry it. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The collection: {@code /api/v1/namespaces/NS/configmaps}, or cluster-wide when ns is null. */
  public String collectionPath(String namespace) {
    String prefix = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    if (namespaced && namespace != null) {
      return prefix + "/namespaces/" + namespace + "/" + plural;
    }
    return prefix + "/" + plural;
  }

  /** One object. */
  public String objectPath(String namespace, String name) {
    return collectionPath(namespaced ? Objects.requireNonNull(namespace, "namespace") : null)
        + "/"
        + name;
  }

  @Override
  public String toString() {
    return plural + (group.isEmpty() ? "" : "." + group);
  }
}
