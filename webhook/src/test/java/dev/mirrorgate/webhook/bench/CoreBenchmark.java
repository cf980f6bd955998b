package dev.mirrorgate.webhook.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.common.mapping.Mapping;
import dev.mirrorgate.common.mapping.MappingParser;
import dev.mirrorgate.common.mapping.Rewrite;
import dev.mirrorgate.webhook.TestResources;
import dev.mirrorgate.webhook.admission.AdmissionCodec;
import dev.mirrorgate.webhook.admission.AdmissionRequest;
import dev.mirrorgate.webhook.mutation.Mutation;
import dev.mirrorgate.webhook.mutation.PodMutator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The pure core on one thread: the four images of the benchmark Pod through parse, match and render
 * ({@code rewriteImages}, reported per image), the whole Pod mutation with its JSON Patch ({@code
 * mutatePod}), and decode + mutate + encode of the full 8 KB review ({@code admitReview}). Run with
 * {@code bash .ci/bench-core}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx64m"})
@Threads(1)
public class CoreBenchmark {
  private static final List<String> IMAGES =
      List.of(
          "ghcr.io/acme/shop-frontend:v2.14.3",
          "nginx:1.27.2-alpine",
          "otel/opentelemetry-collector-contrib:0.112.0",
          "ghcr.io/acme/shop-migrations:v2.14.3");

  private final ObjectMapper json = new ObjectMapper();
  private Mapping mapping;
  private PodMutator mutator;
  private AdmissionCodec codec;
  private byte[] review;
  private JsonNode pod;

  @Setup
  public void setUp() throws Exception {
    mapping =
        MappingParser.parseYaml(
            "bench",
            """
            mirrors:
              - source: docker.io
                target: mirror.mirrorgate.svc:5000/dockerhub
              - source: ghcr.io/acme
                target: localhost:5000/acme
              - source: quay.io
                target: mirror.mirrorgate.svc:5000/quay
              - source: registry.k8s.io
                target: mirror.mirrorgate.svc:5000/k8s
            exclude:
              - quay.io/private
            """);
    mutator = new PodMutator(json);
    codec = new AdmissionCodec();
    review = json.writeValueAsBytes(json.readTree(TestResources.text("reviews/pod-create.json")));
    pod = codec.decode(review).object();
  }

  @Benchmark
  @OperationsPerInvocation(4)
  public void rewriteImages(Blackhole bh) {
    for (int i = 0; i < 4; i++) {
      Rewrite r = mapping.rewrite(IMAGES.get(i));
      bh.consume(r);
    }
  }

  @Benchmark
  public Mutation mutatePod() {
    return mutator.mutate(pod, false, mapping);
  }

  @Benchmark
  public byte[] admitReview() throws Exception {
    AdmissionRequest request = codec.decode(review);
    Mutation mutation = mutator.mutate(request.object(), false, mapping);
    return codec.patch(request, mutation.patch(), mutation.warnings());
  }

  /** Keeps the review bytes honest in size. */
  static int reviewSize(byte[] review) {
    return new String(review, StandardCharsets.UTF_8).length();
  }
}
