package dev.mirrorgate.webhook.ui.data;

/**
 * A RegistryMirror as the UI and the API show it (stable field names; null when unknown).
 *
 * @param apiVersion {@code mirrorgate.dev/v1alpha1}, or mirror-operator's {@code k8s.osp.tech/v1}
 * @param ready {@code True}, {@code False} or {@code Unknown}: the Ready condition
 * @param certificateExpiry the serving certificate's notAfter (RFC 3339)
 */
public record MirrorView(
    String name,
    String apiVersion,
    String upstream,
    String masquerade,
    String mode,
    String address,
    String endpoint,
    String caFingerprint,
    int readyReplicas,
    int replicas,
    String ready,
    String reason,
    String message,
    String certificateExpiry) {}
