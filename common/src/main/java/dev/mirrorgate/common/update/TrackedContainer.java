package dev.mirrorgate.common.update;

import dev.mirrorgate.common.image.ImageReference;
import java.util.Objects;

/**
 * A container push-to-deploy keeps up to date.
 *
 * @param name the container's name
 * @param init whether it is an init container
 * @param imagePointer JSON Pointer of its {@code image} field in the workload
 * @param image its image as written
 * @param current what it runs: its tag and digest
 * @param repository the normalized repository whose pushes count ({@code docker.io/library/nginx};
 *     ports count), matched against pushed images
 * @param writtenRepository the repository as the workload writes it ({@code nginx}), the start of
 *     the image an update writes
 * @param policy its policy
 * @param policySource where the policy comes from, as {@code explain-update} prints it: {@code
 *     keel.sh/policy=minor}, {@code mirrorgate.dev/policy.web=semver:^1.2}, {@code
 *     argoos.io/policy=patch}, {@code image.openshift.io/triggers}
 */
public record TrackedContainer(
    String name,
    boolean init,
    String imagePointer,
    String image,
    CurrentImage current,
    String repository,
    String writtenRepository,
    UpdatePolicy policy,
    String policySource) {

  public TrackedContainer {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(writtenRepository, "writtenRepository");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(policySource, "policySource");
  }

  /**
   * Whether a pushed or listed image is of this container's repository (hosts compare without case;
   * paths are lowercase by the grammar).
   */
  public boolean follows(ImageReference image) {
    return repository.equalsIgnoreCase(image.name());
  }

  /**
   * The repository part of an image as written: without {@code @digest} and {@code :tag} ({@code
   * localhost:5000/app:1.2} → {@code localhost:5000/app}).
   */
  static String repositoryAsWritten(String image) {
    int at = image.indexOf('@');
    String nameTag = at < 0 ? image : image.substring(0, at);
    int colon = nameTag.lastIndexOf(':');
    return colon > nameTag.lastIndexOf('/') ? nameTag.substring(0, colon) : nameTag;
  }
}
