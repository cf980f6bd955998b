package dev.mirrorgate.webhook.ui.data;

/**
 * A Registry as the UI and the API show it (stable field names; null when unknown).
 *
 * @param nodeLocal {@code localhost:<port>} when nodes pull it as that, else null
 * @param ready {@code True}, {@code False} or {@code Unknown}: the Ready condition
 * @param certificateExpiry the serving certificate's notAfter (RFC 3339)
 */
public record RegistryView(
    String namespace,
    String name,
    String endpoint,
    String address,
    String caFingerprint,
    String nodeLocal,
    String ready,
    String reason,
    String message,
    String certificateExpiry) {}
