package dev.mirrorgate.webhook.ui;

import static dev.mirrorgate.webhook.ui.KubeAccess.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.testing.KubeApiServer;
import dev.mirrorgate.webhook.controller.ControllerFixture;
import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.kube.KubeRest;
import dev.mirrorgate.webhook.ui.auth.AccessReviewer;
import dev.mirrorgate.webhook.ui.auth.KubeUser;
import dev.mirrorgate.webhook.ui.auth.TokenReviewer;
import dev.mirrorgate.webhook.ui.data.UpdateView;
import dev.mirrorgate.webhook.ui.data.VoteException;
import dev.mirrorgate.webhook.ui.data.Votes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The UI's conversations with a real API server: TokenReview (who a token stands for),
 * SubjectAccessReview (may they vote, may they read), and votes written conditionally on the
 * resourceVersion: appended, never lost under concurrency, refused with 409 once the update is not
 * Pending, and a rejection that names the user.
 */
class UiKubeIT {
  @RegisterExtension static final KubeApiServer api = new KubeApiServer();

  static final Instant FUTURE = Instant.parse("2099-01-01T00:00:00Z");
  static KubeRest admin;
  static KubeAccess access;
  static Votes votes;

  @BeforeAll
  static void crds() throws Exception {
    new ControllerFixture(api).installCrds();
    admin = new KubeRest(api.client(), new ObjectMapper());
    access = new KubeAccess(api);
    votes = new Votes(admin, Clock.systemUTC(), new SimpleMeterRegistry());
  }

  @Test
  void tokenReviewSaysWhoATokenIsAndRefusesOthers() throws Exception {
    String ns = api.createNamespace("ui-tokens");
    String token = access.serviceAccountToken(ns, "alice");
    TokenReviewer reviewer = new TokenReviewer(admin, Clock.systemUTC(), Duration.ofSeconds(30));
    KubeUser alice = reviewer.review(token).orElseThrow();
    assertThat(alice.username()).isEqualTo("system:serviceaccount:" + ns + ":alice");
    assertThat(alice.groups()).contains("system:serviceaccounts", "system:serviceaccounts:" + ns);
    assertThat(alice.uid()).isNotEmpty();
    assertThat(reviewer.review(token.substring(0, token.length() - 4) + "AAAA")).isEmpty();
    assertThat(reviewer.review("not-a-token")).isEmpty();
  }

  @Test
  void subjectAccessReviewDecidesWhoMayVoteAndRead() throws Exception {
    String ns = api.createNamespace("ui-sar");
    String other = api.createNamespace("ui-sar-other");
    TokenReviewer reviewer = new TokenReviewer(admin, Clock.systemUTC(), Duration.ofSeconds(30));
    KubeUser voter = reviewer.review(access.serviceAccountToken(ns, "voter")).orElseThrow();
    KubeUser reader = reviewer.review(access.serviceAccountToken(ns, "reader")).orElseThrow();
    access.grant(ns, ns, "voter", List.of(rule("mirrorgate.dev", "imageupdates", "update")));
    access.grantClusterWide(ns, "reader", List.of(rule("mirrorgate.dev", "imageupdates", "list")));
    AccessReviewer reviews = new AccessReviewer(admin, Clock.systemUTC(), Duration.ofSeconds(30));
    assertThat(reviews.mayVote(voter, ns, "iu-1")).isTrue();
    assertThat(reviews.mayVote(voter, other, "iu-1")).isFalse();
    assertThat(reviews.mayVote(reader, ns, "iu-1")).isFalse();
    assertThat(reviews.mayRead(reader)).isTrue();
    assertThat(reviews.mayRead(voter)).isFalse();
  }

  @Test
  void votesAreAppendedAndRecordedOnce() throws Exception {
    String ns = api.createNamespace("ui-votes");
    create(ns, "iu-1", 2, FUTURE, "Pending");
    Votes.Outcome first = votes.approve(ns, "iu-1", "alice");
    assertThat(first.changed()).isTrue();
    assertThat(first.message()).isEqualTo("alice approved " + ns + "/iu-1 (1 of 2 votes)");
    Votes.Outcome again = votes.approve(ns, "iu-1", "alice");
    assertThat(again.changed()).isFalse();
    assertThat(again.message()).isEqualTo("alice has already approved " + ns + "/iu-1");
    votes.approve(ns, "iu-1", "bob");
    JsonNode status = status(ns, "iu-1");
    assertThat(status.path("approvals").findValuesAsText("voter")).containsExactly("alice", "bob");
    assertThat(Instant.parse(status.path("approvals").get(0).path("at").asText()))
        .isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
    assertThat(status.path("phase").asText()).isEqualTo("Pending"); // push-to-deploy moves it
  }

  @Test
  void concurrentVotesAreAllRecorded() throws Exception {
    String ns = api.createNamespace("ui-race");
    create(ns, "iu-1", 10, FUTURE, "Pending");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Votes.Outcome>> cast = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String voter = "voter-" + i;
        cast.add(pool.submit((Callable<Votes.Outcome>) () -> votes.approve(ns, "iu-1", voter)));
      }
      for (Future<Votes.Outcome> f : cast) {
        assertThat(f.get().changed()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(status(ns, "iu-1").path("approvals").findValuesAsText("voter"))
        .containsExactlyInAnyOrder(
            "voter-0", "voter-1", "voter-2", "voter-3", "voter-4", "voter-5", "voter-6", "voter-7");
  }

  @Test
  void aRejectionNamesTheUserAndEndsTheVoting() throws Exception {
    String ns = api.createNamespace("ui-reject");
    create(ns, "iu-1", 1, FUTURE, "Pending");
    Votes.Outcome rejected = votes.reject(ns, "iu-1", "carol");
    assertThat(rejected.update().phase()).isEqualTo("Rejected");
    assertThat(status(ns, "iu-1").path("message").asText()).startsWith("rejected by carol at ");
    assertThatThrownBy(() -> votes.approve(ns, "iu-1", "alice"))
        .isInstanceOfSatisfying(VoteException.class, e -> assertThat(e.status()).isEqualTo(409))
        .hasMessage("ImageUpdate " + ns + "/iu-1 is Rejected, not Pending: it takes no votes");
    assertThatThrownBy(() -> votes.reject(ns, "iu-1", "alice"))
        .isInstanceOfSatisfying(VoteException.class, e -> assertThat(e.status()).isEqualTo(409));
  }

  @Test
  void onlyPendingUpdatesBeforeTheirDeadlineTakeVotes() throws Exception {
    String ns = api.createNamespace("ui-closed");
    create(ns, "applied", 0, null, "Applied");
    create(ns, "undecided", 1, FUTURE, null);
    create(ns, "late", 1, Instant.now().minusSeconds(60), "Pending");
    assertThatThrownBy(() -> votes.approve(ns, "applied", "alice"))
        .isInstanceOfSatisfying(VoteException.class, e -> assertThat(e.status()).isEqualTo(409))
        .hasMessageContaining("is Applied, not Pending");
    assertThatThrownBy(() -> votes.approve(ns, "undecided", "alice"))
        .isInstanceOfSatisfying(VoteException.class, e -> assertThat(e.status()).isEqualTo(409))
        .hasMessageContaining("is not decided yet, not Pending");
    assertThatThrownBy(() -> votes.approve(ns, "late", "alice"))
        .isInstanceOfSatisfying(VoteException.class, e -> assertThat(e.status()).isEqualTo(409))
        .hasMessageContaining("is past its approval deadline");
    assertThatThrownBy(() -> votes.approve(ns, "missing", "alice"))
        .isInstanceOfSatisfying(VoteException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessage("ImageUpdate " + ns + "/missing does not exist");
  }

  @Test
  void aVoteCannotBeWithdrawnEvenByAWriteThatForgetsIt() throws Exception {
    // The CRD's rule guards what Votes relies on: a write that drops a vote is refused.
    String ns = api.createNamespace("ui-append");
    create(ns, "iu-1", 2, FUTURE, "Pending");
    votes.approve(ns, "iu-1", "alice");
    ObjectNode patch = new ObjectMapper().createObjectNode();
    patch
        .putObject("status")
        .putArray("approvals")
        .addObject()
        .put("voter", "mallory")
        .put("at", "2026-01-01T00:00:00Z");
    assertThatThrownBy(() -> admin.mergePatchStatus(Votes.IMAGE_UPDATES, ns, "iu-1", patch))
        .isInstanceOfSatisfying(KubeException.class, e -> assertThat(e.status()).isEqualTo(422))
        .hasMessageContaining("approvals can only be added");
  }

  static void create(String ns, String name, int required, Instant deadline, String phase)
      throws Exception {
    TestImageUpdates.create(
        admin,
        ns,
        name,
        "web",
        "app",
        "ghcr.io/acme/web:1.0.0",
        "ghcr.io/acme/web:1.1.0",
        required,
        deadline,
        phase);
  }

  static JsonNode status(String ns, String name) throws Exception {
    return admin.get(Votes.IMAGE_UPDATES, ns, name).orElseThrow().node().path("status");
  }

  static UpdateView view(String ns, String name) throws Exception {
    return UpdateView.of(admin.get(Votes.IMAGE_UPDATES, ns, name).orElseThrow());
  }
}
