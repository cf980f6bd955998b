package dev.mirrorgate.webhook.kube;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.JSON;
import java.util.HashMap;

/**
 * client-java's {@link ApiClient}, whose Gson model layer ({@link JSON}) is built on first typed
 * use instead of in the constructor. {@code new JSON()} runs the class's static initialiser, which
 * registers a type adapter factory for each of client-java's ~770 models: ~1,200 classes and ~4 MiB
 * of metaspace and symbols in processes that send only bytes through {@link ApiClient#buildCall}
 * ({@link KubeRest} and {@code certs.store.JsonCalls}: both deployables use no typed API). Were a
 * typed API used, it would work as on the original: {@link ApiClient} reaches the model layer
 * through {@link JSON}'s static methods, which initialise the class on first use, and {@link
 * #getJSON()} builds the instance when asked.
 */
final class LazyModelsApiClient extends ApiClient {
  /** {@link ApiClient#init()} without {@code new JSON()}. */
  @Override
  protected void init() {
    verifyingSsl = true;
    setUserAgent("Kubernetes Java Client/mirrorgate");
    authentications = new HashMap<>();
  }

  @Override
  public synchronized JSON getJSON() {
    if (json == null) {
      json = new JSON();
    }
    return json;
  }

  @Override
  public synchronized ApiClient setJSON(JSON json) {
    return super.setJSON(json);
  }
}
