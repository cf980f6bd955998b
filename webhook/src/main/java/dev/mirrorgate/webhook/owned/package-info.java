/**
 * Pure building blocks of the objects the controllers own: the owner and its ownerReference,
 * labels, the typed reading of a CR's spec with every error and its field path, the syntax of
 * Kubernetes names and quantities, the pod options passed through, certificate names, the shared
 * part of a distribution registry's {@code config.yml}, and content hashes. Values in, values out:
 * nothing here talks to the API server.
 */
package dev.mirrorgate.webhook.owned;
