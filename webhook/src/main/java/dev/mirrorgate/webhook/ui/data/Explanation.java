package dev.mirrorgate.webhook.ui.data;

/**
 * What the webhook does with one image, as {@code explain} prints it: {@code normalized}, {@code
 * rewritten} and {@code rule} (null when unchanged), {@code reason} ({@code rewritten}, {@code
 * no-rule}, {@code excluded}, …), or {@code error} for an invalid reference (then the others are
 * null).
 */
public record Explanation(
    String image, String normalized, String rewritten, String rule, String reason, String error) {}
