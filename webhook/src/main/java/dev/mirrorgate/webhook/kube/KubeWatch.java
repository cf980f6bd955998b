package dev.mirrorgate.webhook.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.io.IOException;
import java.util.Iterator;
import java.util.function.UnaryOperator;
import okhttp3.Call;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * One open watch: a line of JSON per event, read as Jackson trees into {@link KubeObject}s (an
 * optional projection trims each object before it is kept). The failure modes mirror client-java's
 * own {@code Watch}, which its reflector recognises: an ERROR event carries a Status (410 Gone
 * means relist), and an I/O error while waiting is reported as "IO Exception during hasNext".
 */
public final class KubeWatch implements Watchable<KubeObject> {
  private final Call call;
  private final Response response;
  private final BufferedSource source;
  private final ObjectMapper json;
  private UnaryOperator<ObjectNode> projection = UnaryOperator.identity();

  KubeWatch(Call call, Response response, ObjectMapper json) {
    this.call = call;
    this.response = response;
    this.source = response.body().source();
    this.json = json;
  }

  /** Applies {@code projection} to every object read from now on. */
  KubeWatch projecting(UnaryOperator<ObjectNode> projection) {
    this.projection = projection;
    return this;
  }

  @Override
  public boolean hasNext() {
    try {
      return !source.exhausted();
    } catch (IOException e) {
      throw new RuntimeException("IO Exception during hasNext method.", e);
    }
  }

  @Override
  public Watch.Response<KubeObject> next() {
    String line;
    try {
      line = source.readUtf8Line();
      if (line == null) {
        throw new RuntimeException("IO Exception during hasNext method: the watch ended");
      }
      JsonNode event = json.readTree(line);
      String type = event.path("type").asText();
      JsonNode object = event.path("object");
      if ("ERROR".equals(type) || "Status".equals(object.path("kind").asText())) {
        V1Status status =
            new V1Status()
                .code(object.path("code").asInt(500))
                .reason(object.path("reason").asText(null))
                .message(object.path("message").asText(null));
        return new Watch.Response<>(type, status);
      }
      if (!(object instanceof ObjectNode node)) {
        throw new RuntimeException("watch event without an object: " + abbreviate(line));
      }
      return new Watch.Response<>(type, new KubeObject(projection.apply(node)));
    } catch (IOException e) {
      throw new RuntimeException("IO Exception during next method.", e);
    }
  }

  private static String abbreviate(String line) {
    return line.length() <= 200 ? line : line.substring(0, 200) + "…";
  }

  @Override
  public Iterator<Watch.Response<KubeObject>> iterator() {
    return this;
  }

  @Override
  public void close() {
    call.cancel();
    response.close();
  }
}
