package dev.mirrorgate.webhook.deploy.intake;

import dev.mirrorgate.common.update.intake.PayloadParser;
import dev.mirrorgate.common.update.intake.PushEvent;
import java.util.Locale;

/** The intake endpoints (contract: ARCHITECTURE.md "Intake endpoints"), each with its parser. */
enum IntakeRoute {
  REGISTRY("/v1/webhooks/registry", PushEvent.Source.REGISTRY),
  /** Argoos's path, for registries configured the Argoos way. */
  EVENT("/event", PushEvent.Source.REGISTRY),
  NATIVE("/v1/webhooks/native", PushEvent.Source.NATIVE),
  DOCKERHUB("/v1/webhooks/dockerhub", PushEvent.Source.DOCKERHUB),
  QUAY("/v1/webhooks/quay", PushEvent.Source.QUAY),
  HARBOR("/v1/webhooks/harbor", PushEvent.Source.HARBOR),
  GITHUB("/v1/webhooks/github", PushEvent.Source.GITHUB);

  private final String path;
  private final PushEvent.Source source;
  private final PayloadParser parser;

  IntakeRoute(String path, PushEvent.Source source) {
    this.path = path;
    this.source = source;
    this.parser = PayloadParser.of(source);
  }

  String path() {
    return path;
  }

  PushEvent.Source source() {
    return source;
  }

  PayloadParser parser() {
    return parser;
  }

  /** The metric label and log value: {@code registry}, {@code event}, {@code native}, ... */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
