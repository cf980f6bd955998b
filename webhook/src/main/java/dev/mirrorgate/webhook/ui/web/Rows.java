package dev.mirrorgate.webhook.ui.web;

import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import dev.mirrorgate.webhook.ui.data.Decision;
import dev.mirrorgate.webhook.ui.data.TrackedWorkload;
import dev.mirrorgate.webhook.ui.data.UpdateView;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The rows the pages' tables show, made from the data (texts ready to print, links encoded). */
public final class Rows {
  private Rows() {}

  /** A decision. */
  public record DecisionRow(
      String at,
      String namespace,
      String workload,
      String container,
      String image,
      String policy,
      String trigger,
      String outcome,
      String update,
      String reason) {
    static DecisionRow of(Decision d) {
      return new DecisionRow(
          d.at().toString(),
          d.namespace(),
          d.kind() + "/" + d.name(),
          d.container(),
          d.image(),
          d.policy(),
          d.trigger(),
          d.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' '),
          d.update(),
          d.reason());
    }
  }

  /** A tracked container, its last decision and its pending update. */
  public record WorkloadRow(
      String namespace,
      String kind,
      String name,
      String container,
      String image,
      String tag,
      String digest,
      String policy,
      String trigger,
      DecisionRow last,
      UpdateView pending) {
    static WorkloadRow of(TrackedWorkload w, Decision last, UpdateView pending) {
      String tag = null;
      String digest = null;
      try {
        ImageReference ref = ImageReference.parse(w.image());
        tag = ref.tag();
        digest = shortDigest(ref.digest());
      } catch (InvalidImageReferenceException e) {
        // shown as written; tag and digest stay empty
      }
      return new WorkloadRow(
          w.namespace(),
          w.kind(),
          w.name(),
          w.container(),
          w.image(),
          tag,
          digest,
          w.policy(),
          w.trigger(),
          last == null ? null : DecisionRow.of(last),
          pending);
    }
  }

  /** {@code sha256:0123456789ab…}: enough to tell digests apart; the image shows all of it. */
  static String shortDigest(String digest) {
    if (digest == null) {
      return null;
    }
    int colon = digest.indexOf(':');
    return digest.length() > colon + 13 ? digest.substring(0, colon + 13) + "…" : digest;
  }

  /** A pending update and the caller's part in it. */
  public record ApprovalRow(
      UpdateView update,
      String voters,
      boolean votedByMe,
      String approveAction,
      String rejectAction) {
    static ApprovalRow of(UpdateView u, String me) {
      String voters =
          u.approvals().isEmpty()
              ? "none yet"
              : u.approvals().stream()
                  .map(UpdateView.Vote::voter)
                  .collect(Collectors.joining(", "));
      String base = "/approvals/" + Links.segment(u.namespace()) + "/" + Links.segment(u.name());
      return new ApprovalRow(u, voters, u.votedBy(me), base + "/approve", base + "/reject");
    }

    public int votes() {
      return update.approvals().size();
    }
  }

  /** Position in a long list, and the links to the neighbouring pages. */
  public record Pager(int page, int pages, int total, int from, int to, String prev, String next) {
    static final int SIZE = 50;

    static <T> Pager of(List<T> all, int page, String base) {
      int pages = Math.max(1, (all.size() + SIZE - 1) / SIZE);
      int p = Math.min(Math.max(1, page), pages);
      int from = (p - 1) * SIZE;
      int to = Math.min(all.size(), from + SIZE);
      return new Pager(
          p,
          pages,
          all.size(),
          all.isEmpty() ? 0 : from + 1,
          to,
          p > 1 ? Links.withPage(base, p - 1) : null,
          p < pages ? Links.withPage(base, p + 1) : null);
    }

    <T> List<T> slice(List<T> all) {
      return all.subList(from == 0 ? 0 : from - 1, to);
    }
  }
}
