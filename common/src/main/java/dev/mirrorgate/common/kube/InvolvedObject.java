package dev.mirrorgate.common.kube;

/** The object an Event is about. */
public record InvolvedObject(
    String apiVersion,
    String kind,
    String namespace,
    String name,
    String uid,
    String resourceVersion) {}
