package dev.mirrorgate.webhook.ui.web;

import dev.mirrorgate.webhook.kube.KubeException;
import dev.mirrorgate.webhook.ui.auth.AccessCheck;
import dev.mirrorgate.webhook.ui.auth.Caller;
import dev.mirrorgate.webhook.ui.data.VoteException;
import dev.mirrorgate.webhook.ui.data.Votes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A vote from the UI or the API: a caller whose token proved who they are must be allowed to update
 * the ImageUpdate (SubjectAccessReview); password users may vote. The voter is the caller's user
 * name, never something the request says.
 */
final class Voting {
  enum Action {
    APPROVE,
    REJECT
  }

  private final Votes votes;
  private final AccessCheck access;

  Voting(Votes votes, AccessCheck access) {
    this.votes = votes;
    this.access = access;
  }

  /** Casts the vote off the event loop; fails with a {@link VoteException} when refused. */
  Future<Votes.Outcome> cast(
      Vertx vertx, Caller caller, Action action, String namespace, String name) {
    return vertx.executeBlocking(
        () -> {
          if (caller.checkedByKubernetes()) {
            boolean allowed;
            try {
              allowed = access.mayVote(caller.kubeUser(), namespace, name);
            } catch (KubeException e) {
              throw new VoteException(
                  503, "cannot check permissions: the Kubernetes API server did not answer");
            }
            if (!allowed) {
              throw new VoteException(
                  403,
                  caller.user()
                      + " may not update imageupdates.mirrorgate.dev in namespace "
                      + namespace
                      + ", which voting needs");
            }
          }
          return action == Action.APPROVE
              ? votes.approve(namespace, name, caller.user())
              : votes.reject(namespace, name, caller.user());
        },
        false);
  }

  static Action action(String text) {
    return switch (text) {
      case "approve" -> Action.APPROVE;
      case "reject" -> Action.REJECT;
      default -> null;
    };
  }
}
