/**
 * The push intake: the controller's HTTPS endpoints that registries and registry services post to
 * ({@code POST /v1/webhooks/registry} and its Argoos alias {@code /event}, {@code
 * /v1/webhooks/native}, {@code /dockerhub}, {@code /quay}, {@code /harbor}, {@code /github}). HTTP
 * in, {@link dev.mirrorgate.common.update.intake.PushEvent}s out to a {@link
 * dev.mirrorgate.webhook.deploy.intake.PushSink}: every request passes one stage ({@link
 * dev.mirrorgate.webhook.deploy.intake.PushIntake#handle}: method, size, encoding, token,
 * readiness, then the bounded body and its decoding), and every answer is built by {@link
 * dev.mirrorgate.webhook.deploy.intake.Answer}.
 */
package dev.mirrorgate.webhook.deploy.intake;
