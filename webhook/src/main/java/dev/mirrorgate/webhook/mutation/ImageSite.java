package dev.mirrorgate.webhook.mutation;

/**
 * One image field of a Pod: where it is (a JSON Pointer), whose it is, and what it says.
 *
 * @param pointer e.g. {@code /spec/initContainers/0/image}
 * @param location e.g. {@code spec.initContainers[0].image}, for messages
 */
public record ImageSite(String pointer, String location, String container, String image) {}
