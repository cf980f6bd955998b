package dev.mirrorgate.common.mirrors;

import java.util.List;

/** The parsed {@code mirrors.yaml}: every mirror the cluster runs, in document order. */
public record MirrorsDocument(List<Mirror> mirrors) {

  public static final MirrorsDocument EMPTY = new MirrorsDocument(List.of());

  public MirrorsDocument {
    mirrors = List.copyOf(mirrors);
  }
}
