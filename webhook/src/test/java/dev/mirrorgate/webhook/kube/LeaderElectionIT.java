package dev.mirrorgate.webhook.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mirrorgate.common.testing.KubeApiServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** client-java's LeaderElector (extended 25) on client-java 27, against a real API server. */
class LeaderElectionIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();
  private static final LeaderElection.Timing FAST =
      new LeaderElection.Timing(
          Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(300));

  @Test
  void oneReplicaLeadsAndTheOtherTakesOverWhenItStops() {
    String ns = api.createNamespace("lease");
    List<String> events = new CopyOnWriteArrayList<>();
    LeaderElection a = election(ns, "a", events);
    LeaderElection b = election(ns, "b", events);
    try {
      a.start();
      await().atMost(Duration.ofSeconds(20)).until(a::isLeader);
      b.start();
      // b campaigns for several retry periods while a renews: it must not lead meanwhile.
      await()
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(10))
          .until(() -> a.isLeader() && !b.isLeader());

      a.close();
      assertThat(a.isLeader()).isFalse();
      await().atMost(Duration.ofSeconds(20)).until(b::isLeader);
      assertThat(events).containsSubsequence("a started", "a stopped", "b started");
      assertThat(events).doesNotContain("b stopped");
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void theReplicaThatWinsTheLeaseLeadsWithoutWaitingForARetryPeriod() {
    String ns = api.createNamespace("prompt");
    // client-java's elector looks at its own won attempt only after a whole retry period
    LeaderElection.Timing longRetry =
        new LeaderElection.Timing(
            Duration.ofSeconds(120), Duration.ofSeconds(90), Duration.ofSeconds(60));
    List<String> events = new CopyOnWriteArrayList<>();
    LeaderElection a = election(ns, "a", events, longRetry);
    try {
      a.start();
      await().atMost(Duration.ofSeconds(20)).until(a::isLeader);
      assertThat(events).containsExactly("a started");
    } finally {
      a.close();
    }
    assertThat(events).containsExactly("a started", "a stopped");
  }

  @Test
  void aClosedLeaderReleasesTheLeaseSoTheNextTakesOverWithinARetryPeriod() throws Exception {
    String ns = api.createNamespace("release");
    // A lease far longer than the wait below: only a released Lease can explain the takeover.
    LeaderElection.Timing slow =
        new LeaderElection.Timing(
            Duration.ofSeconds(60), Duration.ofSeconds(40), Duration.ofMillis(300));
    List<String> events = new CopyOnWriteArrayList<>();
    LeaderElection a = election(ns, "a", events, slow);
    LeaderElection b = election(ns, "b", events, slow);
    try {
      a.start();
      await().atMost(Duration.ofSeconds(20)).until(a::isLeader);
      b.start();
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(10))
          .until(() -> a.isLeader() && !b.isLeader());

      long closed = System.nanoTime();
      a.close();
      await().atMost(Duration.ofSeconds(15)).until(b::isLeader);

      assertThat(Duration.ofNanos(System.nanoTime() - closed)).isLessThan(Duration.ofSeconds(15));
      assertThat(
              new io.kubernetes.client.openapi.apis.CoordinationV1Api(api.client())
                  .readNamespacedLease("mirrorgate-controller", ns)
                  .execute()
                  .getSpec()
                  .getHolderIdentity())
          .isEqualTo("b");
    } finally {
      a.close();
      b.close();
    }
  }

  private static LeaderElection election(String ns, String identity, List<String> events) {
    return election(ns, identity, events, FAST);
  }

  private static LeaderElection election(
      String ns, String identity, List<String> events, LeaderElection.Timing timing) {
    return new LeaderElection(api.client(), ns, "mirrorgate-controller", identity, timing)
        .listener(
            new LeaderElection.Listener() {
              @Override
              public void startedLeading() {
                events.add(identity + " started");
              }

              @Override
              public void stoppedLeading() {
                events.add(identity + " stopped");
              }
            });
  }
}
