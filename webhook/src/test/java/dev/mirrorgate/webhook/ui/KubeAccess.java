package dev.mirrorgate.webhook.ui;

import dev.mirrorgate.common.testing.KubeApiServer;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1RoleRef;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import java.util.List;

/** ServiceAccounts, their tokens, and RBAC bindings in a real API server, for the UI's ITs. */
public final class KubeAccess {
  private final KubeApiServer api;

  public KubeAccess(KubeApiServer api) {
    this.api = api;
  }

  /** Creates ServiceAccount {@code namespace/name} and returns a one-hour token for it. */
  public String serviceAccountToken(String namespace, String name) throws Exception {
    CoreV1Api core = new CoreV1Api(api.client());
    core.createNamespacedServiceAccount(
            namespace, new V1ServiceAccount().metadata(new V1ObjectMeta().name(name)))
        .execute();
    return core.createNamespacedServiceAccountToken(
            name,
            namespace,
            new AuthenticationV1TokenRequest()
                .spec(new V1TokenRequestSpec().expirationSeconds(3600L)))
        .execute()
        .getStatus()
        .getToken();
  }

  /** Grants {@code rules} in {@code namespace} to ServiceAccount {@code saNamespace/sa}. */
  public void grant(String namespace, String saNamespace, String sa, List<V1PolicyRule> rules)
      throws Exception {
    RbacAuthorizationV1Api rbac = new RbacAuthorizationV1Api(api.client());
    String name = sa + "-" + Integer.toHexString(rules.hashCode());
    rbac.createNamespacedRole(
            namespace, new V1Role().metadata(new V1ObjectMeta().name(name)).rules(rules))
        .execute();
    rbac.createNamespacedRoleBinding(
            namespace,
            new V1RoleBinding()
                .metadata(new V1ObjectMeta().name(name))
                .roleRef(
                    new V1RoleRef().apiGroup("rbac.authorization.k8s.io").kind("Role").name(name))
                .subjects(
                    List.of(
                        new RbacV1Subject()
                            .kind("ServiceAccount")
                            .name(sa)
                            .namespace(saNamespace))))
        .execute();
  }

  /** Grants {@code rules} in every namespace to ServiceAccount {@code saNamespace/sa}. */
  public void grantClusterWide(String saNamespace, String sa, List<V1PolicyRule> rules)
      throws Exception {
    RbacAuthorizationV1Api rbac = new RbacAuthorizationV1Api(api.client());
    String name = saNamespace + "-" + sa + "-" + Integer.toHexString(rules.hashCode());
    rbac.createClusterRole(new V1ClusterRole().metadata(new V1ObjectMeta().name(name)).rules(rules))
        .execute();
    rbac.createClusterRoleBinding(
            new V1ClusterRoleBinding()
                .metadata(new V1ObjectMeta().name(name))
                .roleRef(
                    new V1RoleRef()
                        .apiGroup("rbac.authorization.k8s.io")
                        .kind("ClusterRole")
                        .name(name))
                .subjects(
                    List.of(
                        new RbacV1Subject()
                            .kind("ServiceAccount")
                            .name(sa)
                            .namespace(saNamespace))))
        .execute();
  }

  public static V1PolicyRule rule(String group, String resource, String... verbs) {
    return new V1PolicyRule()
        .apiGroups(List.of(group))
        .resources(List.of(resource))
        .verbs(List.of(verbs));
  }
}
