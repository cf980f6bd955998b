package dev.mirrorgate.webhook.mapping;

import dev.mirrorgate.common.mapping.Mapping;
import java.time.Instant;

/**
 * A valid mapping and where it came from.
 *
 * @param origin e.g. {@code /etc/mirrorgate/mapping.yaml} or {@code configmap ns/name}
 * @param version a short content hash, so logs say which mapping served a decision
 */
public record LoadedMapping(Mapping mapping, String origin, String version, Instant loadedAt) {}
