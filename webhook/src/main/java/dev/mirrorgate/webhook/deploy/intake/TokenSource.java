package dev.mirrorgate.webhook.deploy.intake;

import java.util.Optional;

/** The intake's current tokens: empty until they are known (the Secret not yet listed). */
interface TokenSource {

  Optional<WebhookTokens> current();

  /**
   * Where the tokens come from, for messages: {@code Secret mirrorgate/mirrorgate-webhook-tokens}.
   */
  String where();
}
