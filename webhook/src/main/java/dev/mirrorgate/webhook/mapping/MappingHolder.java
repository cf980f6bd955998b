package dev.mirrorgate.webhook.mapping;

import dev.mirrorgate.common.mapping.Mapping;
import dev.mirrorgate.common.mapping.MirrorRule;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The mapping in force: the user's rules ({@code --mapping} or {@code --mapping-configmap}) joined
 * by the services-mode mirrors of {@code mirrors.yaml} ({@code --mirrors-configmap}; the user's
 * rule wins a source both name). Sources swap their part; admission reads the merged mapping
 * without locks. Until the user's first valid mapping arrives there is none, and the webhook is not
 * ready.
 */
public final class MappingHolder {
  /** The mirrors' rules and where they come from. */
  private record MirrorRules(List<MirrorRule> rules, String origin, String version) {}

  private final AtomicReference<LoadedMapping> current = new AtomicReference<>();
  private LoadedMapping user;
  private MirrorRules mirrors = new MirrorRules(List.of(), "", "");

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

  /** The user's mapping changed. */
  public synchronized void set(LoadedMapping mapping) {
    user = mapping;
    publish();
  }

  /** The services-mode mirrors changed: their rules, {@code upstream → endpoint host[:port]}. */
  public synchronized void setMirrorRules(List<MirrorRule> rules, String origin, String version) {
    mirrors = new MirrorRules(List.copyOf(rules), origin, version);
    publish();
  }

  private void publish() {
    if (user == null) {
      return;
    }
    if (mirrors.rules().isEmpty()) {
      current.set(user);
      return;
    }
    current.set(
        new LoadedMapping(
            user.mapping().withRules(mirrors.rules()),
            user.origin() + " + " + mirrors.origin(),
            user.version() + "+" + mirrors.version(),
            user.loadedAt()));
  }
}
