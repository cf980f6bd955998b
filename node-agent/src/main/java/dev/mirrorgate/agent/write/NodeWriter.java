package dev.mirrorgate.agent.write;

import dev.mirrorgate.agent.files.FileMeta;
import dev.mirrorgate.agent.files.FileOps;
import dev.mirrorgate.agent.files.NodeFileException;
import dev.mirrorgate.agent.files.PosixFileOps;
import dev.mirrorgate.agent.plan.HostsEntry;
import dev.mirrorgate.agent.plan.HostsFile;
import dev.mirrorgate.agent.plan.NodePlan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Applies a {@link NodePlan} under a host root and undoes it. Owns only what it marked: the files
 * recorded in its state and the managed block of /etc/hosts. Equal bytes are never rewritten; a
 * foreign file is backed up the first time it is replaced and restored by {@link #cleanup()}.
 *
 * <p>Crash safety: the state is saved, listing every file about to be written, before any of them
 * is touched, so a cleanup after a crash still finds them.
 */
public final class NodeWriter {

  public static final String STATE_DIR = "var/lib/mirrorgate";
  public static final String STATE_FILE = STATE_DIR + "/state.json";
  public static final String BACKUP_DIR = STATE_DIR + "/backup";

  private final Path root;
  private final FileOps ops;

  public NodeWriter(Path hostRoot, FileOps ops) {
    this.root = hostRoot;
    this.ops = ops;
  }

  /** Applies {@code plan}; holds the host-root lock so that a concurrent cleanup waits. */
  public ApplyReport apply(NodePlan plan) throws IOException {
    try (FileOps.Lock lock = ops.lock(root)) {
      return applyLocked(plan, loadState());
    }
  }

  /**
   * Applies {@code plan} unless a cleanup ran or is running: the state is marked as cleaning, or is
   * gone although {@code stateExpected}. Checked and applied under the lock, so a cleanup and a
   * running agent never interleave. Empty when nothing was applied because of a cleanup.
   */
  public Optional<ApplyReport> applyUnlessCleanedUp(NodePlan plan, boolean stateExpected)
      throws IOException {
    try (FileOps.Lock lock = ops.lock(root)) {
      boolean exists = ops.read(path(STATE_FILE)).isPresent();
      ManagedState state = loadState();
      if (stateExpected && (!exists || state.cleaning())) {
        return Optional.empty();
      }
      return Optional.of(applyLocked(plan, state));
    }
  }

  private ApplyReport applyLocked(NodePlan plan, ManagedState state) throws IOException {
    Map<String, byte[]> toWrite = new TreeMap<>();
    Map<String, Optional<byte[]>> current = new TreeMap<>();
    for (var e : plan.files().entrySet()) {
      Optional<byte[]> cur = ops.read(path(e.getKey()));
      current.put(e.getKey(), cur);
      if (cur.isEmpty() || !Arrays.equals(cur.get(), e.getValue())) {
        toWrite.put(e.getKey(), e.getValue());
      }
    }
    Set<String> stale = new TreeSet<>(state.files());
    stale.removeAll(plan.files().keySet());
    HostsChange hosts = hostsChange(plan.hostsBlock().orElse(List.of()), state);
    boolean stateCoversPlan = state.files().containsAll(plan.files().keySet());
    if (toWrite.isEmpty()
        && stale.isEmpty()
        && hosts == null
        && stateCoversPlan
        && !state.cleaning()) {
      return new ApplyReport(List.of(), List.of(), List.of());
    }

    List<String> written = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> backedUp = new ArrayList<>();
    Set<String> backups = new TreeSet<>(state.backups());
    Set<String> dirs = new TreeSet<>(state.directories());
    Set<String> files = new TreeSet<>(state.files());
    dirs.addAll(missingDirectories(STATE_DIR));
    Set<String> checkedParents = new HashSet<>();
    for (var e : toWrite.entrySet()) {
      String rel = e.getKey();
      if (!state.files().contains(rel) && current.get(rel).isPresent() && !backups.contains(rel)) {
        backup(rel, current.get(rel).get(), dirs);
        backups.add(rel);
        backedUp.add(rel);
      }
      if (checkedParents.add(parent(rel))) {
        dirs.addAll(missingDirectories(parent(rel))); // created by writeAllAtomically
      }
    }
    files.addAll(plan.files().keySet());
    boolean addedNewline = hosts == null ? state.hostsAddedNewline() : hosts.addedNewline();
    saveState(
        new ManagedState(files, dirs, backups, state.hostsAddedNewline() || addedNewline, false));

    List<FileOps.PendingWrite> writes = new ArrayList<>();
    for (var e : toWrite.entrySet()) {
      Path target = path(e.getKey());
      FileMeta meta =
          current.get(e.getKey()).isPresent()
              ? ops.stat(target).orElseGet(ops::defaultMeta)
              : ops.defaultMeta(); // read just now: a new file
      writes.add(new FileOps.PendingWrite(target, e.getValue(), meta));
      written.add(e.getKey());
    }
    ops.writeAllAtomically(writes);
    if (hosts != null) {
      Path target = path(NodePlan.HOSTS_PATH);
      ops.writeAtomically(target, hosts.bytes(), ops.stat(target).orElseGet(ops::defaultMeta));
      written.add(NodePlan.HOSTS_PATH);
    }
    for (String rel : stale) {
      if (restoreOrDelete(rel, backups)) {
        removed.add(rel);
      }
      files.remove(rel);
    }
    removeUnusedDirectories(dirs, files, false);
    saveState(new ManagedState(files, dirs, backups, addedNewline, false));
    return new ApplyReport(written, removed, backedUp);
  }

  /** Removes every managed block and file and restores the backups byte for byte. */
  public ApplyReport cleanup() throws IOException {
    try (FileOps.Lock lock = ops.lock(root)) {
      ApplyReport report = cleanupLocked();
      ops.delete(path(PosixFileOps.LOCK_FILE));
      return report;
    }
  }

  private ApplyReport cleanupLocked() throws IOException {
    ManagedState state = loadState();
    if (ops.read(path(STATE_FILE)).isPresent() && !state.cleaning()) {
      saveState(
          new ManagedState(
              state.files(),
              state.directories(),
              state.backups(),
              state.hostsAddedNewline(),
              true));
    }
    List<String> written = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    Set<String> backups = new TreeSet<>(state.backups());
    for (String rel : state.files()) {
      ops.delete(path(parentOrEmpty(rel)).resolve("." + fileName(rel) + ".mirrorgate-tmp"));
      boolean hadBackup = backups.contains(rel);
      if (restoreOrDelete(rel, backups)) {
        (hadBackup ? written : removed).add(rel);
      }
    }
    ops.delete(path("etc/.hosts.mirrorgate-tmp"));
    HostsChange hosts = hostsChange(List.of(), state);
    if (hosts != null) {
      Path target = path(NodePlan.HOSTS_PATH);
      ops.writeAtomically(target, hosts.bytes(), ops.stat(target).orElseGet(ops::defaultMeta));
      written.add(NodePlan.HOSTS_PATH);
    }
    ops.delete(path(STATE_FILE));
    removeUnusedDirectories(new TreeSet<>(state.directories()), Set.of(), true);
    return new ApplyReport(written, removed, List.of());
  }

  /** How the node differs from {@code plan}; empty when it matches. Reads only. */
  public List<String> differences(NodePlan plan) throws IOException {
    List<String> out = new ArrayList<>();
    for (var e : plan.files().entrySet()) {
      Optional<byte[]> cur = ops.read(path(e.getKey()));
      if (cur.isEmpty()) {
        out.add(e.getKey() + ": missing");
      } else if (!Arrays.equals(cur.get(), e.getValue())) {
        out.add(e.getKey() + ": content differs");
      }
    }
    ManagedState state = loadState();
    for (String rel : state.files()) {
      if (!plan.files().containsKey(rel)
          && !state.backups().contains(rel)
          && ops.read(path(rel)).isPresent()) {
        out.add(rel + ": no longer wanted");
      }
    }
    List<HostsEntry> entries = plan.hostsBlock().orElse(List.of());
    byte[] hosts = ops.read(path(NodePlan.HOSTS_PATH)).orElse(new byte[0]);
    if (!Arrays.equals(HostsFile.merge(hosts, entries), hosts)) {
      out.add(NodePlan.HOSTS_PATH + ": managed block differs");
    }
    return out;
  }

  /** Whether the node holds agent state. */
  public boolean hasState() throws IOException {
    return ops.read(path(STATE_FILE)).isPresent();
  }

  public Path hostRoot() {
    return root;
  }

  private record HostsChange(byte[] bytes, boolean addedNewline) {}

  /** The new /etc/hosts, or null when it is already right (or absent and nothing is wanted). */
  private HostsChange hostsChange(List<HostsEntry> entries, ManagedState state) throws IOException {
    Optional<byte[]> cur = ops.read(path(NodePlan.HOSTS_PATH));
    if (cur.isEmpty() && entries.isEmpty()) {
      return null;
    }
    byte[] existing = cur.orElse(new byte[0]);
    byte[] merged = HostsFile.merge(existing, entries);
    boolean added = state.hostsAddedNewline();
    boolean hadBlock = HostsFile.hasBlock(existing);
    if (!hadBlock && !entries.isEmpty()) {
      added = existing.length > 0 && existing[existing.length - 1] != '\n';
    } else if (hadBlock && entries.isEmpty()) {
      if (added && endsWithEndMarker(existing) && merged.length > 0) {
        merged = Arrays.copyOf(merged, merged.length - 1);
      }
      added = false;
    }
    if (Arrays.equals(merged, existing)) {
      return null;
    }
    return new HostsChange(merged, added);
  }

  private static boolean endsWithEndMarker(byte[] b) {
    String s = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).stripTrailing();
    return s.endsWith(HostsFile.END);
  }

  private void backup(String rel, byte[] bytes, Set<String> dirs) throws IOException {
    Path backup = path(BACKUP_DIR + "/" + rel);
    dirs.addAll(relative(ops.createDirectories(backup.getParent())));
    ops.writeAtomically(backup, bytes, ops.stat(path(rel)).orElseGet(ops::defaultMeta));
  }

  /** Restores the backup of {@code rel} if there is one, else deletes it. */
  private boolean restoreOrDelete(String rel, Set<String> backups) throws IOException {
    Path target = path(rel);
    if (backups.contains(rel)) {
      Path backup = path(BACKUP_DIR + "/" + rel);
      Optional<byte[]> bytes = ops.read(backup);
      if (bytes.isEmpty()) {
        throw new NodeFileException("restore", target, "backup " + backup + " is missing");
      }
      ops.createDirectories(target.getParent());
      ops.writeAtomically(target, bytes.get(), ops.stat(backup).orElseGet(ops::defaultMeta));
      ops.delete(backup);
      backups.remove(rel);
      return true;
    }
    boolean existed = ops.read(target).isPresent();
    ops.delete(target);
    return existed;
  }

  /**
   * Deletes the directories the agent created that no longer hold a managed file, deepest first.
   */
  private void removeUnusedDirectories(Set<String> dirs, Set<String> files, boolean stateToo)
      throws IOException {
    Set<String> used = new HashSet<>(); // every ancestor of a managed file
    for (String f : files) {
      for (String d = parent(f); d != null && used.add(d); d = parent(d)) {
        // the ancestors of d are added with it, so the walk stops at the first one already seen
      }
    }
    List<String> deepestFirst = new ArrayList<>(dirs);
    deepestFirst.sort(Comparator.comparingInt(String::length).reversed());
    for (String dir : deepestFirst) {
      if (!used.contains(dir) && (stateToo || !isStateDir(dir))) {
        if (ops.deleteIfEmptyDirectory(path(dir)) || !java.nio.file.Files.exists(path(dir))) {
          dirs.remove(dir);
        }
      }
    }
  }

  private static boolean isStateDir(String dir) {
    return dir.equals(STATE_DIR) || STATE_DIR.startsWith(dir + "/");
  }

  private List<String> missingDirectories(String rel) {
    List<String> out = new ArrayList<>();
    for (String d = rel; d != null; d = parent(d)) {
      if (!java.nio.file.Files.isDirectory(path(d))) {
        out.add(d);
      }
    }
    return out;
  }

  private static String parentOrEmpty(String rel) {
    String p = parent(rel);
    return p == null ? "" : p;
  }

  private static String fileName(String rel) {
    return rel.substring(rel.lastIndexOf('/') + 1);
  }

  private static String parent(String rel) {
    int i = rel.lastIndexOf('/');
    return i < 0 ? null : rel.substring(0, i);
  }

  private List<String> relative(List<Path> created) {
    return created.stream().map(p -> root.toAbsolutePath().relativize(p).toString()).toList();
  }

  private ManagedState loadState() throws IOException {
    Optional<byte[]> bytes = ops.read(path(STATE_FILE));
    if (bytes.isEmpty()) {
      return ManagedState.EMPTY;
    }
    try {
      return StateCodec.read(bytes.get());
    } catch (IOException e) {
      throw new NodeFileException("parse state", path(STATE_FILE), e);
    }
  }

  private void saveState(ManagedState state) throws IOException {
    Path file = path(STATE_FILE);
    ops.createDirectories(file.getParent());
    FileMeta owner = ops.defaultMeta();
    ops.writeAtomically(
        file, StateCodec.write(state), new FileMeta(0600, owner.uid(), owner.gid()));
  }

  private Path path(String rel) {
    return root.resolve(rel);
  }
}
