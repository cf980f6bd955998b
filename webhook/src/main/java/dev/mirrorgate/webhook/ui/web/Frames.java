package dev.mirrorgate.webhook.ui.web;

import dev.mirrorgate.webhook.ui.auth.Caller;
import dev.mirrorgate.webhook.ui.auth.CsrfTokens;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.Supplier;

/** Makes the {@link Frame} of a page for the request's caller. */
final class Frames {
  static final String CALLER = "mirrorgate.caller";

  private final Assets assets;
  private final CsrfTokens csrf;
  private final Supplier<Optional<String>> apiProblem;

  Frames(Assets assets, CsrfTokens csrf, Supplier<Optional<String>> apiProblem) {
    this.assets = assets;
    this.csrf = csrf;
    this.apiProblem = apiProblem;
  }

  static Caller caller(RoutingContext ctx) {
    return ctx.get(CALLER);
  }

  /** The frame of a page of the logged-in UI ({@code nav} the page's entry, or null). */
  Frame of(RoutingContext ctx, String title, String nav, boolean live) {
    Caller caller = caller(ctx);
    if (caller == null) {
      return bare(title);
    }
    String flash = caller.session() == null ? null : caller.session().takeFlash();
    return new Frame(
        title,
        nav,
        caller.user(),
        csrf.mask(csrf.secretOf(caller)),
        assets,
        flash,
        apiProblem.get().orElse(null),
        live);
  }

  /** The frame of a page shown before login. */
  Frame bare(String title) {
    return new Frame(title, null, null, null, assets, null, null, false);
  }
}
