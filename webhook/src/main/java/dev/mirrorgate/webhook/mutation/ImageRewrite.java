package dev.mirrorgate.webhook.mutation;

/** One image the mutator changed, and the rule that changed it. */
public record ImageRewrite(
    String container, String location, String from, String to, String rule) {}
