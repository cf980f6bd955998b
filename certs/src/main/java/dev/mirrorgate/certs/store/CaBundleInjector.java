package dev.mirrorgate.certs.store;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.mirrorgate.certs.CaBundle;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AdmissionregistrationV1Api;
import io.kubernetes.client.openapi.models.V1MutatingWebhook;
import io.kubernetes.client.openapi.models.V1MutatingWebhookConfiguration;
import io.kubernetes.client.util.PatchUtils;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Keeps the caBundle of every webhook in one MutatingWebhookConfiguration equal to a {@link
 * CaBundle}. Only the {@code clientConfig.caBundle} fields are patched (a JSON Patch that also
 * tests each webhook's name, so a reordered list is never written to the wrong entry).
 */
public final class CaBundleInjector {
  private final ApiClient client;
  private final AdmissionregistrationV1Api api;
  private final String configurationName;

  public CaBundleInjector(ApiClient client, String configurationName) {
    this.client = client;
    this.api = new AdmissionregistrationV1Api(client);
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
    V1MutatingWebhookConfiguration configuration = read();
    List<Integer> stale = stale(configuration, wanted);
    if (stale.isEmpty()) {
      return 0;
    }
    String encoded = Base64.getEncoder().encodeToString(wanted);
    JsonArray patch = new JsonArray();
    for (int i : stale) {
      String webhook = "/webhooks/" + i;
      patch.add(op("test", webhook + "/name", configuration.getWebhooks().get(i).getName()));
      patch.add(op("add", webhook + "/clientConfig/caBundle", encoded));
    }
    PatchUtils.patch(
        V1MutatingWebhookConfiguration.class,
        () ->
            api.patchMutatingWebhookConfiguration(configurationName, new V1Patch(patch.toString()))
                .fieldManager("mirrorgate-webhook")
                .buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_PATCH,
        client);
    return stale.size();
  }

  private V1MutatingWebhookConfiguration read() throws ApiException {
    return api.readMutatingWebhookConfiguration(configurationName).execute();
  }

  private static List<Integer> stale(V1MutatingWebhookConfiguration configuration, byte[] wanted) {
    List<V1MutatingWebhook> webhooks =
        configuration.getWebhooks() == null ? List.of() : configuration.getWebhooks();
    return java.util.stream.IntStream.range(0, webhooks.size())
        .filter(
            i -> {
              var clientConfig = webhooks.get(i).getClientConfig();
              return clientConfig == null || !Arrays.equals(clientConfig.getCaBundle(), wanted);
            })
        .boxed()
        .toList();
  }

  private static JsonObject op(String op, String path, String value) {
    JsonObject o = new JsonObject();
    o.addProperty("op", op);
    o.addProperty("path", path);
    o.addProperty("value", value);
    return o;
  }

  private static byte[] bytes(CaBundle bundle) {
    return bundle.pem().getBytes(StandardCharsets.US_ASCII);
  }
}
