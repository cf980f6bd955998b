/**
 * Push payloads, pure: the bodies registries and registry services post to the intake endpoints
 * ({@code /v1/webhooks/registry}, {@code /native}, {@code /dockerhub}, {@code /quay}, {@code
 * /harbor}, {@code /github}) read into one {@link dev.mirrorgate.common.update.intake.PushEvent}
 * model. Bytes in, events out: what is not a tagged manifest push is {@linkplain
 * dev.mirrorgate.common.update.intake.Intake#ignored() ignored with a reason} (the endpoint answers
 * 202 and counts it); a body that cannot be read is a {@link
 * dev.mirrorgate.common.update.intake.MalformedPayloadException} (the endpoint answers 400 with its
 * reason).
 */
package dev.mirrorgate.common.update.intake;
