package dev.mirrorgate.webhook.ui.data;

import java.util.Objects;

/**
 * One container push-to-deploy tracks, as the workload index knows it.
 *
 * @param namespace the workload's namespace
 * @param kind Deployment, StatefulSet, DaemonSet or CronJob
 * @param name the workload's name
 * @param container the container's name
 * @param image its image as the workload writes it ({@code ghcr.io/acme/shop:1.2.3@sha256:…})
 * @param policy where its policy comes from, like {@code keel.sh/policy=minor}
 * @param trigger {@code push} or {@code poll}
 */
public record TrackedWorkload(
    String namespace,
    String kind,
    String name,
    String container,
    String image,
    String policy,
    String trigger) {
  public TrackedWorkload {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(image, "image");
  }
}
