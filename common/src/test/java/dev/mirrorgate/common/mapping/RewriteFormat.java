package dev.mirrorgate.common.mapping;

/** Renders a {@link Rewrite} compactly for table tests. */
final class RewriteFormat {
  private RewriteFormat() {}

  /** {@code -> image [rule]}, {@code = REASON} or {@code ! error}. */
  static String format(Rewrite rewrite) {
    return switch (rewrite) {
      case Rewrite.Rewritten r -> "-> " + r.image() + " [" + r.rule() + "]";
      case Rewrite.Unchanged u -> "= " + u.reason();
      case Rewrite.Invalid i -> "! " + i.error();
    };
  }
}
