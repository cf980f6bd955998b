package dev.mirrorgate.webhook.deploy.registry;

/**
 * What a tag points at.
 *
 * @param digest the manifest (or index) digest, {@code sha256:...}
 * @param mediaType the manifest's media type as the registry gave it, or empty
 * @param fetched whether the manifest had to be fetched (the HEAD answer had no digest)
 */
public record ManifestDigest(String digest, String mediaType, boolean fetched) {}
