package dev.mirrorgate.agent.it;

import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The alternative measured against the agent's own watch: the node agent ({@code run --mirrors
 * FILE}) plus a client-java SharedIndexInformer on the one ConfigMap that writes its mirrors.yaml
 * into that file. Run by {@link ConfigMapWatchIT} with the agent's JVM flags, to compare
 * footprints.
 *
 * <p>Arguments: KUBECONFIG NAMESPACE NAME FILE, then the agent's arguments.
 */
public final class InformerProbe {

  public static void main(String[] args) throws Exception {
    ApiClient client;
    try (Reader kubeconfig = Files.newBufferedReader(Path.of(args[0]))) {
      // no read timeout: the informer's watches wait for events
      client =
          ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(kubeconfig))
              .setReadTimeout(Duration.ZERO)
              .build();
    }
    CoreV1Api core = new CoreV1Api(client);
    String namespace = args[1];
    String name = args[2];
    Path file = Path.of(args[3]);
    java.util.concurrent.CountDownLatch written = new java.util.concurrent.CountDownLatch(1);
    SharedInformerFactory factory = new SharedInformerFactory(client);
    SharedIndexInformer<V1ConfigMap> informer =
        factory.sharedIndexInformerFor(
            params ->
                core.listNamespacedConfigMap(namespace)
                    .fieldSelector("metadata.name=" + name)
                    .resourceVersion(params.resourceVersion)
                    .timeoutSeconds(params.timeoutSeconds)
                    .watch(params.watch)
                    .buildCall(null),
            V1ConfigMap.class,
            V1ConfigMapList.class);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(V1ConfigMap cm) {
            write(cm);
          }

          @Override
          public void onUpdate(V1ConfigMap before, V1ConfigMap cm) {
            write(cm);
          }

          @Override
          public void onDelete(V1ConfigMap cm, boolean unknown) {}

          private void write(V1ConfigMap cm) {
            try {
              Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
              Files.writeString(tmp, cm.getData().get("mirrors.yaml"));
              Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
              written.countDown();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        });
    factory.startAllRegisteredInformers();
    written.await(); // the agent reads the file at start
    String[] agentArgs = new String[args.length - 4];
    System.arraycopy(args, 4, agentArgs, 0, agentArgs.length);
    dev.mirrorgate.agent.Main.main(agentArgs);
  }
}
