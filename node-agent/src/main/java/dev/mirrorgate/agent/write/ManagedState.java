package dev.mirrorgate.agent.write;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What the agent owns on a node, persisted under {@code var/lib/mirrorgate/state.json} so that
 * {@code cleanup} (and a restarted agent) knows exactly what to undo. Paths are relative to the
 * host root.
 *
 * @param files files written by the agent
 * @param directories directories the agent created
 * @param backups files that were foreign when first replaced; their backup is under {@code
 *     var/lib/mirrorgate/backup/}
 * @param hostsAddedNewline whether the agent added a final newline to /etc/hosts before its block
 * @param cleaning set when a cleanup started; a running agent then stops writing
 */
public record ManagedState(
    Set<String> files,
    Set<String> directories,
    Set<String> backups,
    boolean hostsAddedNewline,
    boolean cleaning) {

  public static final ManagedState EMPTY =
      new ManagedState(Set.of(), Set.of(), Set.of(), false, false);

  /**
   * Sorted sets are taken as they are, unmodifiable: the writer builds each state once, from its
   * own sets, and never changes them while the state is in use; a state of thousands of files is
   * not copied.
   */
  public ManagedState {
    files = sorted(files);
    directories = sorted(directories);
    backups = sorted(backups);
  }

  private static Set<String> sorted(Set<String> s) {
    return Collections.unmodifiableSortedSet(
        s instanceof SortedSet<String> sorted ? sorted : new TreeSet<>(s));
  }
}
