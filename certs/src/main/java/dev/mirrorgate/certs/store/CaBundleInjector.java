package dev.mirrorgate.certs.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.mirrorgate.certs.CaBundle;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.Pair;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Keeps the caBundle of every webhook in one MutatingWebhookConfiguration equal to a {@link
 * CaBundle}. Only the {@code clientConfig.caBundle} fields are patched (a JSON Patch that also
 * tests each webhook's name, so a reordered list is never written to the wrong entry). The
 * configuration is read and patched as JSON ({@link JsonCalls}).
 */
public final class CaBundleInjector {
  private static final String COLLECTION =
      "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/";
  private static final String JSON_PATCH = "application/json-patch+json";
  private static final String FIELD_MANAGER = "mirrorgate-webhook";

  private final JsonCalls calls;
  private final String configurationName;

  public CaBundleInjector(ApiClient client, String configurationName) {
    this.calls = new JsonCalls(client);
    this.configurationName = configurationName;
  }

  public String configurationName() {
    return configurationName;
  }

  /** Whether every webhook of the configuration trusts exactly {@code bundle}. */
  public boolean holds(CaBundle bundle) throws ApiException {
    return stale(read(), bytes(bundle)).isEmpty();
  }

  /**
   * Writes {@code bundle} into every webhook whose caBundle differs.
   *
   * @return how many webhooks were patched (0 when all held it already)
   */
  public int inject(CaBundle bundle) throws ApiException {
    byte[] wanted = bytes(bundle);
    JsonNode configuration = read();
    List<Integer> stale = stale(configuration, wanted);
    if (stale.isEmpty()) {
      return 0;
    }
    String encoded = Base64.getEncoder().encodeToString(wanted);
    ArrayNode patch = JsonCalls.JSON.createArrayNode();
    for (int i : stale) {
      String webhook = "/webhooks/" + i;
      String name = configuration.path("webhooks").path(i).path("name").asText();
      patch.addObject().put("op", "test").put("path", webhook + "/name").put("value", name);
      patch
          .addObject()
          .put("op", "add")
          .put("path", webhook + "/clientConfig/caBundle")
          .put("value", encoded);
    }
    calls.call(
        "PATCH",
        COLLECTION + configurationName,
        List.of(new Pair("fieldManager", FIELD_MANAGER)),
        JSON_PATCH,
        patch);
    return stale.size();
  }

  private JsonNode read() throws ApiException {
    return calls.call("GET", COLLECTION + configurationName, List.of(), null, null);
  }

  private static List<Integer> stale(JsonNode configuration, byte[] wanted) {
    List<Integer> stale = new ArrayList<>();
    JsonNode webhooks = configuration.path("webhooks");
    for (int i = 0; i < webhooks.size(); i++) {
      JsonNode caBundle = webhooks.path(i).path("clientConfig").path("caBundle");
      if (!caBundle.isTextual() || !Arrays.equals(decode(caBundle.asText()), wanted)) {
        stale.add(i);
      }
    }
    return stale;
  }

  private static byte[] decode(String base64) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException notBase64) {
      return new byte[0]; // unreadable: stale, and overwritten
    }
  }

  private static byte[] bytes(CaBundle bundle) {
    return bundle.pem().getBytes(StandardCharsets.US_ASCII);
  }
}
