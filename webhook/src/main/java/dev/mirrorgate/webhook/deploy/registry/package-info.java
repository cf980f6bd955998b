/**
 * How mirrorgate talks to registries for push-to-deploy: the registry client (tags listing,
 * manifest HEAD for digests, Basic and Bearer-challenge auth, trust, plain HTTP only where allowed,
 * a per-registry request-rate limit and {@code Retry-After}), pull-secret credentials, and the
 * repository poller that runs on the leader. Control-plane half: nothing here knows the admission
 * path.
 */
package dev.mirrorgate.webhook.deploy.registry;
