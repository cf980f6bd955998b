package dev.mirrorgate.webhook.mapping;

import dev.mirrorgate.common.mapping.Mapping;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The mapping in force. Sources swap it atomically; admission reads it without locks. Until the
 * first valid mapping arrives there is none, and the webhook is not ready.
 */
public final class MappingHolder {
  private final AtomicReference<LoadedMapping> current = new AtomicReference<>();

  /** The mapping serving admissions, or empty before the first valid one. */
  public Optional<LoadedMapping> current() {
    return Optional.ofNullable(current.get());
  }

  /** The mapping to apply now: the current one, or the empty mapping (rewrites nothing). */
  public Mapping mappingOrEmpty() {
    LoadedMapping loaded = current.get();
    return loaded == null ? Mapping.empty() : loaded.mapping();
  }

  public boolean isLoaded() {
    return current.get() != null;
  }

  public void set(LoadedMapping mapping) {
    current.set(mapping);
  }
}
