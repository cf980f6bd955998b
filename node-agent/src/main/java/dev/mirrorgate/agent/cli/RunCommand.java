package dev.mirrorgate.agent.cli;

import dev.mirrorgate.agent.Log;
import dev.mirrorgate.agent.NodeAgent;
import dev.mirrorgate.agent.kube.EventWriter;
import dev.mirrorgate.agent.kube.KubeEndpoint;
import dev.mirrorgate.agent.run.AgentMetrics;
import dev.mirrorgate.agent.run.ApplyLoop;
import dev.mirrorgate.agent.run.ConfigMapMirrorsSource;
import dev.mirrorgate.agent.run.DocumentRules;
import dev.mirrorgate.agent.run.FileMirrorsSource;
import dev.mirrorgate.agent.run.HealthServer;
import dev.mirrorgate.agent.run.MirrorsSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "run",
    description =
        "Keep the node matching the mirrors document: apply at start, on changes (a directory"
            + " watch) and periodically; serve /healthz, /readyz and /metrics.")
public final class RunCommand implements Callable<Integer> {

  @Mixin NodeOptions node;

  @ArgGroup(multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--mirrors", description = "A mirrors.yaml file, re-read when it changes.")
    Path file;

    @Option(
        names = "--mirrors-configmap",
        paramLabel = "NS/NAME",
        description =
            "The ConfigMap holding mirrors.yaml, watched through the API (in-cluster"
                + " ServiceAccount, else KUBECONFIG).")
    String configMap;
  }

  @Option(
      names = "--resync",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description =
          "Re-assert the node files this often, e.g. 30s or 5m (default: ${DEFAULT-VALUE}).")
  Duration resync;

  @Option(
      names = "--health-port",
      defaultValue = "9102",
      description = "Port of /healthz, /readyz, /metrics; 0 picks one (default: ${DEFAULT-VALUE}).")
  int healthPort;

  @Option(
      names = "--health-address",
      defaultValue = "0.0.0.0",
      description = "Address of the health endpoint (default: ${DEFAULT-VALUE}).")
  String healthAddress;

  private final Log log;

  public RunCommand(Log log) {
    this.log = log;
  }

  /** What /healthz says of a thread that died while even a message could not be allocated. */
  static final String INTERNAL_ERROR = "a thread of the agent died (out of memory)";

  /** How the agent signs its Kubernetes Events. */
  static final String COMPONENT = "mirrorgate-node-agent";

  /** The node this agent runs on: NODE_NAME (the DaemonSet's downward API), else the host name. */
  static String nodeName(Map<String, String> environment) {
    for (String variable : List.of("NODE_NAME", "HOSTNAME")) {
      String value = environment.get(variable);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return "unknown";
  }

  @Override
  public Integer call() throws Exception {
    AgentMetrics metrics = new AgentMetrics();
    // A thread that dies is a failure like any other: a log line, a metric, and /healthz.
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, e) -> {
          try {
            String error = thread.getName() + ": " + e;
            metrics.internalError(error);
            log.error("internal error", "thread", thread.getName(), "error", String.valueOf(e));
          } catch (Throwable again) { // out of memory still: a constant, and no log line
            metrics.internalError(INTERNAL_ERROR);
          }
        });
    DocumentRules rules = node.documentRules(System.getenv());
    MirrorsSource mirrors;
    String from;
    if (source.configMap != null) {
      String[] ref;
      KubeEndpoint endpoint;
      try {
        ref = ConfigMapMirrorsSource.parseReference(source.configMap);
        endpoint = KubeEndpoint.find(System.getenv(), KubeEndpoint.SERVICE_ACCOUNT_DIR);
      } catch (IllegalArgumentException | IOException e) {
        log.error("cannot watch the mirrors ConfigMap", "error", e.getMessage());
        return ExitCodes.INVALID_MIRRORS;
      }
      log.info("Kubernetes API", "server", endpoint.server(), "from", endpoint.description());
      EventWriter events =
          new EventWriter(endpoint, COMPONENT, nodeName(System.getenv()), Clock.systemUTC());
      mirrors = new ConfigMapMirrorsSource(endpoint, ref[0], ref[1], events, rules, metrics, log);
      from = "configmap " + source.configMap;
    } else {
      Path file = source.file.toAbsolutePath();
      mirrors = new FileMirrorsSource(file, rules);
      from = file.toString();
    }
    NodeAgent agent = node.agent(log);
    CountDownLatch stop = new CountDownLatch(1);
    try (HealthServer health =
            new HealthServer(new InetSocketAddress(healthAddress, healthPort), metrics);
        ApplyLoop loop = new ApplyLoop(agent, mirrors, resync, metrics, Clock.systemUTC(), log)) {
      log.info(
          "node agent running",
          "hostRoot",
          node.hostRoot,
          "mirrors",
          from,
          "healthPort",
          health.port(),
          "nodeNames",
          rules.nodeNames());
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      loop.start();
      stop.await();
    }
    return ExitCodes.OK;
  }

  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String v) {
      String s = v.trim();
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      long n = Long.parseLong(s.substring(0, s.length() - 1));
      return switch (s.charAt(s.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new IllegalArgumentException("expected a duration such as 30s or 5m");
      };
    }
  }
}
