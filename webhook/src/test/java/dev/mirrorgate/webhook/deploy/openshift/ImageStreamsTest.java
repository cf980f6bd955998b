package dev.mirrorgate.webhook.deploy.openshift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.update.ImageStreamTagPolicy;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.deploy.openshift.ImageStreams.Resolved;
import dev.mirrorgate.webhook.deploy.openshift.ImageStreams.TagReference;
import dev.mirrorgate.webhook.deploy.openshift.ImageStreams.Unresolved;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Resolving ImageStreamTags from ImageStreams as OpenShift's API returns them. */
class ImageStreamsTest {
  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);

  /** An ImageStream as {@code oc get is app -o yaml} shows one (abridged). */
  private static final ObjectNode STREAM =
      ControllerFixture.yaml(
          """
          apiVersion: image.openshift.io/v1
          kind: ImageStream
          metadata: {name: app, namespace: shop, uid: u1, resourceVersion: "42", generation: 3,
                     annotations: {openshift.io/image.dockerRepositoryCheck: "2026-11-25T09:00:00Z"}}
          spec:
            lookupPolicy: {local: false}
            tags:
              - name: prod
                from: {kind: DockerImage, name: "quay.io/acme/app:prod"}
                importPolicy: {scheduled: true}
          status:
            dockerImageRepository: image-registry.openshift-image-registry.svc:5000/shop/app
            publicDockerImageRepository: default-route-openshift-image-registry.apps.example/shop/app
            tags:
              - tag: prod
                items:
                  - {created: "2026-11-25T09:00:00Z", dockerImageReference: "quay.io/acme/app@%s", image: "%s", generation: 3}
                  - {created: "2026-11-24T09:00:00Z", dockerImageReference: "quay.io/acme/app@%s", image: "%s", generation: 2}
              - tag: digest-only
                items:
                  - {created: "2026-11-25T09:00:00Z", image: "%s", generation: 3}
              - tag: empty
                items: []
              - tag: bad
                items:
                  - {dockerImageReference: "Not An Image"}
          """
              .formatted(B, B, A, A, B));

  @Test
  void aTagResolvesToItsNewestItem() {
    List<List<Object>> table =
        List.of(
            List.of("prod", new Resolved("quay.io/acme/app@" + B)),
            List.of(
                "digest-only",
                new Resolved("image-registry.openshift-image-registry.svc:5000/shop/app@" + B)),
            List.of("empty", new Unresolved("ImageStreamTag shop/app:empty has no image yet")),
            List.of(
                "missing",
                new Unresolved("ImageStream shop/app has no tag missing in its status yet")));
    for (List<Object> row : table) {
      assertThat(ImageStreams.resolve(STREAM, new TagReference("shop", "app", (String) row.get(0))))
          .as("%s", row.get(0))
          .isEqualTo(row.get(1));
    }
    assertThat(ImageStreams.resolve(STREAM, new TagReference("shop", "app", "bad")))
        .isInstanceOfSatisfying(
            Unresolved.class, u -> assertThat(u.why()).contains("points at \"Not An Image\""));
    assertThat(ImageStreams.resolve(null, new TagReference("shop", "app", "prod")))
        .isEqualTo(new Unresolved("ImageStream shop/app does not exist"));
  }

  @Test
  void theProjectionKeepsWhatResolvingReads() {
    ObjectNode kept = ImageStreams.PROJECTION.apply(STREAM.deepCopy());
    assertThat(kept.path("spec").isMissingNode()).isTrue();
    assertThat(kept.path("metadata").path("annotations").isMissingNode()).isTrue();
    assertThat(kept.path("metadata").path("resourceVersion").asText()).isEqualTo("42");
    assertThat(kept.at("/status/tags/0/items")).hasSize(1);
    for (String tag : List.of("prod", "digest-only", "empty", "missing", "bad")) {
      TagReference ref = new TagReference("shop", "app", tag);
      assertThat(ImageStreams.resolve(kept, ref))
          .as(tag)
          .isEqualTo(ImageStreams.resolve(STREAM, ref));
    }
  }

  @Test
  void theTriggersNamespaceDefaultsToTheWorkloads() {
    assertThat(TagReference.of(new ImageStreamTagPolicy("app:prod", null), "shop"))
        .isEqualTo(new TagReference("shop", "app", "prod"));
    assertThat(TagReference.of(new ImageStreamTagPolicy("app:prod", "images"), "shop"))
        .isEqualTo(new TagReference("images", "app", "prod"));
    assertThat(new TagReference("images", "app", "prod")).hasToString("images/app:prod");
  }
}
