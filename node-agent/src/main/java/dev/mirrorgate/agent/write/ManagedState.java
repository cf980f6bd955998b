package dev.mirrorgate.agent.write;

import java.util.Set;
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

  public ManagedState {
    files = new TreeSet<>(files);
    directories = new TreeSet<>(directories);
    backups = new TreeSet<>(backups);
  }
}
