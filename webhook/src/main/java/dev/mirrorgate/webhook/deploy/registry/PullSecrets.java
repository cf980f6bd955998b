package dev.mirrorgate.webhook.deploy.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Picks the credentials for a repository from a workload's pull secrets, in this order: the Secret
 * named by {@code keel.sh/imagePullSecret} (the workload's explicit word for mirrorgate), the pod
 * template's {@code imagePullSecrets} in order, then its ServiceAccount's {@code imagePullSecrets}
 * in order (what the ServiceAccount admission plugin gives pods that name none). The first Secret
 * with an entry for the repository wins ({@link DockerConfig#credentialsFor}); none means
 * anonymous. Pure: the Secrets come as the API returns them; reading them is the caller's.
 */
public final class PullSecrets {

  /**
   * The Secrets of one workload, each as the API returns it.
   *
   * @param annotated the Secret {@code keel.sh/imagePullSecret} names (empty or one)
   * @param workload the pod template's {@code imagePullSecrets}, in order
   * @param serviceAccount the ServiceAccount's {@code imagePullSecrets}, in order
   */
  public record Sources(
      List<JsonNode> annotated, List<JsonNode> workload, List<JsonNode> serviceAccount) {
    public Sources {
      annotated = List.copyOf(annotated);
      workload = List.copyOf(workload);
      serviceAccount = List.copyOf(serviceAccount);
    }

    public static final Sources NONE = new Sources(List.of(), List.of(), List.of());
  }

  /**
   * What was picked.
   *
   * @param credentials the credentials, or empty for anonymous access
   * @param from where they come from ({@code Secret apps/pull (imagePullSecrets)}), or {@code
   *     anonymous}
   * @param problems what was wrong with the Secrets looked at (each naming its Secret)
   */
  public record Resolution(
      Optional<RegistryCredentials> credentials, String from, List<String> problems) {
    public Resolution {
      problems = List.copyOf(problems);
    }
  }

  private PullSecrets() {}

  public static Resolution resolve(Repository repository, Sources sources) {
    List<String> problems = new ArrayList<>();
    Resolution found = first(repository, sources.annotated(), "keel.sh/imagePullSecret", problems);
    if (found == null) {
      found = first(repository, sources.workload(), "imagePullSecrets", problems);
    }
    if (found == null) {
      found = first(repository, sources.serviceAccount(), "ServiceAccount", problems);
    }
    return found == null
        ? new Resolution(Optional.empty(), "anonymous", problems)
        : new Resolution(found.credentials(), found.from(), problems);
  }

  private static Resolution first(
      Repository repository, List<JsonNode> secrets, String origin, List<String> problems) {
    for (JsonNode secret : secrets) {
      DockerConfig config = DockerConfig.fromSecret(secret);
      problems.addAll(config.problems());
      Optional<RegistryCredentials> credentials = config.credentialsFor(repository);
      if (credentials.isPresent()) {
        JsonNode metadata = secret.path("metadata");
        String name =
            (metadata.hasNonNull("namespace") ? metadata.get("namespace").asText() + "/" : "")
                + metadata.path("name").asText("?");
        return new Resolution(credentials, "Secret " + name + " (" + origin + ")", List.of());
      }
    }
    return null;
  }
}
