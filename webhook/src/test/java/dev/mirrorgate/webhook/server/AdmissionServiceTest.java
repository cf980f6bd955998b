package dev.mirrorgate.webhook.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.webhook.TestResources;
import dev.mirrorgate.webhook.admission.AdmissionCodec;
import dev.mirrorgate.webhook.mapping.LoadedMapping;
import dev.mirrorgate.webhook.mapping.MappingHolder;
import dev.mirrorgate.webhook.metrics.WebhookMetrics;
import dev.mirrorgate.webhook.mutation.Mutator;
import dev.mirrorgate.webhook.mutation.PodMutator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AdmissionServiceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] POD_CREATE =
      TestResources.text("reviews/pod-create.json").getBytes(StandardCharsets.UTF_8);

  private final WebhookMetrics metrics = new WebhookMetrics();
  private final MappingHolder mappings = new MappingHolder();

  private AdmissionService service(Mutator mutator) {
    return new AdmissionService(new AdmissionCodec(), mutator, mappings, metrics);
  }

  private void loadTestMapping() {
    mappings.set(new LoadedMapping(TestResources.testMapping(), "test", "v1", Instant.EPOCH));
  }

  @Test
  void patchesAPodCreateAndCountsIt() throws Exception {
    loadTestMapping();
    Answer answer = service(new PodMutator(JSON)).handle(POD_CREATE);

    assertThat(answer.status()).isEqualTo(200);
    JsonNode response = JSON.readTree(answer.body()).path("response");
    assertThat(response.path("uid").asText()).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
    assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
    assertThat(metrics.scrape())
        .contains(
            "mirrorgate_admission_requests_total{operation=\"CREATE\",outcome=\"patched\"} 1.0")
        .contains("mirrorgate_images_rewritten_total{rule=");
  }

  @Test
  void admitsUnchangedUntilAMappingIsLoaded() throws Exception {
    Answer answer = service(new PodMutator(JSON)).handle(POD_CREATE);
    JsonNode response = JSON.readTree(answer.body()).path("response");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.has("patch")).isFalse();
  }

  @Test
  void failsOpenOnAnUnexpectedError() throws Exception {
    loadTestMapping();
    Answer answer =
        service(
                (pod, ephemeralOnly, mapping) -> {
                  throw new IllegalStateException("boom");
                })
            .handle(POD_CREATE);

    assertThat(answer.status()).isEqualTo(200);
    JsonNode response = JSON.readTree(answer.body()).path("response");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("uid").asText()).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
    assertThat(response.has("patch")).isFalse();
    assertThat(response.path("warnings").get(0).asText())
        .isEqualTo(AdmissionService.INTERNAL_ERROR_WARNING);
    assertThat(metrics.scrape())
        .contains(
            "mirrorgate_admission_requests_total{operation=\"CREATE\",outcome=\"error\"} 1.0");
  }

  @Test
  void rejectsABodyThatIsNotAReviewWithAReason() throws Exception {
    Answer answer = service(new PodMutator(JSON)).handle("{}".getBytes(StandardCharsets.UTF_8));
    assertThat(answer.status()).isEqualTo(400);
    assertThat(JSON.readTree(answer.body()).path("error").asText())
        .isEqualTo("not an AdmissionReview: kind is \"\", expected \"AdmissionReview\"");
    assertThat(metrics.scrape())
        .contains(
            "mirrorgate_admission_requests_total{operation=\"unknown\",outcome=\"rejected\"} 1.0");
  }

  @Test
  void leavesOtherResourcesAndOperationsAlone() throws Exception {
    loadTestMapping();
    String delete =
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"d\","
            + "\"resource\":{\"resource\":\"pods\"},\"operation\":\"DELETE\",\"object\":null}}";
    JsonNode response =
        JSON.readTree(
                service(new PodMutator(JSON))
                    .handle(delete.getBytes(StandardCharsets.UTF_8))
                    .body())
            .path("response");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.has("patch")).isFalse();
  }
}
