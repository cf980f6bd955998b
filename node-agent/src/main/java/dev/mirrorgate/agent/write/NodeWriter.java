package dev.mirrorgate.agent.write;

import dev.mirrorgate.agent.Limits;
import dev.mirrorgate.agent.files.Content;
import dev.mirrorgate.agent.files.FileMeta;
import dev.mirrorgate.agent.files.FileOps;
import dev.mirrorgate.agent.files.FileOps.Kind;
import dev.mirrorgate.agent.files.HostRoot;
import dev.mirrorgate.agent.files.NodeFileException;
import dev.mirrorgate.agent.plan.HostsEntry;
import dev.mirrorgate.agent.plan.NodePlan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Applies a {@link NodePlan} under a host root and undoes it. Owns only what it marked: the files
 * recorded in its state and the managed block of /etc/hosts. Equal bytes are never rewritten; a
 * foreign file (or symbolic link) is backed up the first time it is replaced and restored by {@link
 * #cleanup()} as it was.
 *
 * <p>Every node path goes through {@link HostRoot}, so nothing outside the root is read or written,
 * and the state is checked ({@link StateCheck}) before anything it lists is touched.
 *
 * <p>Crash safety: the state is saved, listing every file about to be written, before any of them
 * is touched, so a cleanup after a crash still finds them.
 */
public final class NodeWriter {

  public static final String STATE_DIR = "var/lib/mirrorgate";
  public static final String STATE_FILE = STATE_DIR + "/state.json";
  public static final String BACKUP_DIR = STATE_DIR + "/backup";

  /** The lock file, like {@code /run/xtables.lock}: volatile, shared by every writer. */
  public static final String LOCK_FILE = "run/mirrorgate.lock";

  private static final ApplyReport NOTHING = new ApplyReport(List.of(), List.of(), List.of());

  /** Files written with shared syncs at a time. */
  static final int WRITE_BATCH = 512;

  private final HostRoot root;
  private final FileOps ops;
  private final long maxHostsBytes;

  public NodeWriter(Path hostRoot, FileOps ops) {
    this(new HostRoot(hostRoot, ops), Limits.HOSTS_FILE_BYTES);
  }

  public NodeWriter(HostRoot root, long maxHostsBytes) {
    this.root = root;
    this.ops = root.ops();
    this.maxHostsBytes = maxHostsBytes;
  }

  /** Applies {@code plan}; holds the host-root lock so that a concurrent cleanup waits. */
  public ApplyReport apply(NodePlan plan) throws IOException {
    HostRoot.Resolver r = root.resolver();
    try (FileOps.Lock lock = ops.lock(r.resolve(LOCK_FILE, false), true).orElseThrow()) {
      return applyLocked(plan, loadState(r, sameAs(plan)), r, lock);
    }
  }

  /**
   * Applies {@code plan} unless a cleanup ran or is running: the state is marked as cleaning, or is
   * gone although {@code stateExpected}, or the lock file a cleanup deletes is gone. Checked and
   * applied under the lock, so a cleanup and a running agent never interleave; nothing is created
   * once a cleanup ran, the lock file included. Empty when nothing was applied because of a
   * cleanup.
   */
  public Optional<Applied> applyUnlessCleanedUp(NodePlan plan, boolean stateExpected)
      throws IOException {
    HostRoot.Resolver r = root.resolver();
    Optional<FileOps.Lock> held = ops.lock(r.resolve(LOCK_FILE, false), !stateExpected);
    if (held.isEmpty()) {
      return Optional.empty();
    }
    try (FileOps.Lock lock = held.get()) {
      boolean exists = ops.kind(r.resolve(STATE_FILE, false)) != Kind.MISSING;
      ManagedState state = loadState(r, sameAs(plan));
      if (stateExpected && (!exists || state.cleaning())) {
        return Optional.empty();
      }
      ApplyReport report = applyLocked(plan, state, r, lock);
      return Optional.of(
          new Applied(report, ops.kind(r.resolve(STATE_FILE, false)) != Kind.MISSING));
    }
  }

  /**
   * An apply's report and whether the agent's state exists after it, as seen under the lock (seen
   * after the lock is released, a cleanup may already have removed it).
   */
  public record Applied(ApplyReport report, boolean stateKept) {}

  private ApplyReport applyLocked(
      NodePlan plan, ManagedState state, HostRoot.Resolver r, FileOps.Lock lock)
      throws IOException {
    List<String> toWrite = new ArrayList<>();
    for (var e : plan.files().entrySet()) {
      Path target = r.resolve(e.getKey(), false);
      Kind kind = ops.kind(target);
      if (kind == Kind.FILE && ops.hasContent(target, e.getValue())) {
        continue;
      }
      if (kind == Kind.DIRECTORY || kind == Kind.OTHER) {
        throw new NodeFileException(
            "replace", target, "is not a regular file or a link; the agent does not replace it");
      }
      toWrite.add(e.getKey());
    }
    List<String> stale = new ArrayList<>();
    for (String rel : state.files()) {
      if (!plan.files().containsKey(rel)) {
        stale.add(rel);
      }
    }
    HostsUpdate.Change hosts =
        HostsUpdate.change(
            ops, r, plan.hostsBlock().orElse(List.of()), state.hostsAddedNewline(), maxHostsBytes);
    List<String> lockDirs = relative(lock.createdDirectories());
    if (toWrite.isEmpty()
        && stale.isEmpty()
        && hosts == null
        && state.files().containsAll(plan.files().keySet())
        && state.directories().containsAll(lockDirs)
        && !state.cleaning()) {
      return NOTHING;
    }

    List<String> written = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> backedUp = new ArrayList<>();
    Set<String> backups = new TreeSet<>(state.backups());
    Set<String> dirs = new TreeSet<>(state.directories());
    dirs.addAll(lockDirs);
    dirs.addAll(missingDirectories(STATE_DIR, r));
    String lastParent = null; // the files come sorted: those of one directory together
    for (String rel : toWrite) {
      if (!state.files().contains(rel) && !backups.contains(rel)) {
        Kind kind = ops.kind(r.resolve(rel, false));
        if (kind != Kind.MISSING) { // a foreign file or link: kept, restored by a cleanup
          backup(rel, kind, r, dirs);
          backups.add(rel);
          backedUp.add(rel);
        }
      }
      String parent = parent(rel);
      if (!parent.equals(lastParent)) {
        lastParent = parent;
        dirs.addAll(missingDirectories(parent, r)); // created by writeAllAtomically
      }
    }
    boolean addedNewline = hosts == null ? state.hostsAddedNewline() : hosts.addedNewline();
    // Until the stale files are gone, the agent owns both: the old state's files and the plan's.
    saveState(
        merged(state.files(), plan.files().navigableKeySet()),
        dirs,
        backups,
        state.hostsAddedNewline() || addedNewline,
        false,
        r);

    // In batches: each file's write needs a resolved path and its metadata, and thousands of them
    // at once would not fit the agent's heap. A batch shares its syncs (writeAllAtomically).
    for (int from = 0; from < toWrite.size(); from += WRITE_BATCH) {
      List<String> batch = toWrite.subList(from, Math.min(toWrite.size(), from + WRITE_BATCH));
      List<FileOps.PendingWrite> writes = new ArrayList<>(batch.size());
      for (String rel : batch) {
        Path target = r.resolve(rel, false);
        FileMeta meta =
            ops.kind(target) == Kind.FILE
                ? ops.stat(target).orElseGet(ops::defaultMeta)
                : ops.defaultMeta(); // a new file, or ours replacing a link
        writes.add(new FileOps.PendingWrite(target, plan.files().get(rel), meta));
      }
      ops.writeAllAtomically(writes);
      written.addAll(batch);
    }
    if (hosts != null) {
      ops.writeAtomically(
          hosts.target(), hosts.content(), ops.stat(hosts.target()).orElseGet(ops::defaultMeta));
      written.add(NodePlan.HOSTS_PATH);
    }
    for (String rel : stale) {
      if (restoreOrDelete(rel, backups, r)) {
        removed.add(rel);
      }
    }
    NavigableSet<String> files = plan.files().navigableKeySet(); // no other file is the agent's
    removeUnusedDirectories(dirs, files, false, r);
    saveState(files, dirs, backups, addedNewline, false, r);
    return new ApplyReport(written, removed, backedUp);
  }

  /**
   * Removes every managed block and file, restores the backups as they were (bytes, mode, owner, or
   * the link), and deletes the agent's state, its lock file and the directories it created.
   */
  public ApplyReport cleanup() throws IOException {
    HostRoot.Resolver r = root.resolver();
    Path lockFile = r.resolve(LOCK_FILE, false);
    ManagedState state;
    ApplyReport report;
    List<String> lockDirs;
    try (FileOps.Lock lock = ops.lock(lockFile, true).orElseThrow()) {
      state = loadState(r, UnaryOperator.identity());
      report = cleanupLocked(state, r);
      lock.deleteFile(); // a waiting agent sees it gone and writes nothing more
      lockDirs = relative(lock.createdDirectories());
    }
    Set<String> dirs = new TreeSet<>(lockDirs);
    for (String d : state.directories()) {
      if (LOCK_FILE.startsWith(d + "/")) {
        dirs.add(d);
      }
    }
    removeUnusedDirectories(dirs, new TreeSet<>(), true, r);
    return report;
  }

  private ApplyReport cleanupLocked(ManagedState state, HostRoot.Resolver r) throws IOException {
    if (ops.kind(r.resolve(STATE_FILE, false)) != Kind.MISSING && !state.cleaning()) {
      saveState(
          state.files(), state.directories(), state.backups(), state.hostsAddedNewline(), true, r);
    }
    List<String> written = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    Set<String> backups = new TreeSet<>(state.backups());
    for (String rel : state.files()) {
      ops.delete(FileOps.tempOf(r.resolve(rel, false)));
      boolean hadBackup = backups.contains(rel);
      if (restoreOrDelete(rel, backups, r)) {
        (hadBackup ? written : removed).add(rel);
      }
    }
    Path hostsFile = r.resolve(NodePlan.HOSTS_PATH, true);
    ops.delete(FileOps.tempOf(hostsFile));
    HostsUpdate.Change hosts =
        HostsUpdate.change(ops, r, List.of(), state.hostsAddedNewline(), maxHostsBytes);
    if (hosts != null) {
      ops.writeAtomically(
          hosts.target(), hosts.content(), ops.stat(hosts.target()).orElseGet(ops::defaultMeta));
      written.add(NodePlan.HOSTS_PATH);
    }
    Path stateFile = r.resolve(STATE_FILE, false);
    ops.delete(FileOps.tempOf(stateFile));
    ops.delete(stateFile);
    Set<String> dirs = new TreeSet<>(state.directories());
    removeUnusedDirectories(dirs, new TreeSet<>(), true, r);
    return new ApplyReport(written, removed, List.of());
  }

  /** How the node differs from {@code plan}; empty when it matches. Reads only. */
  public List<String> differences(NodePlan plan) throws IOException {
    HostRoot.Resolver r = root.resolver();
    List<String> out = new ArrayList<>();
    for (var e : plan.files().entrySet()) {
      Path target = r.resolve(e.getKey(), false);
      Kind kind = ops.kind(target);
      if (kind == Kind.MISSING) {
        out.add(e.getKey() + ": missing");
      } else if (kind != Kind.FILE || !ops.hasContent(target, e.getValue())) {
        out.add(e.getKey() + ": content differs");
      }
    }
    ManagedState state = loadState(r, sameAs(plan));
    for (String rel : state.files()) {
      if (!plan.files().containsKey(rel)
          && !state.backups().contains(rel)
          && ops.kind(r.resolve(rel, false)) != Kind.MISSING) {
        out.add(rel + ": no longer wanted");
      }
    }
    List<HostsEntry> entries = plan.hostsBlock().orElse(List.of());
    if (HostsUpdate.change(ops, r, entries, false, maxHostsBytes) != null) {
      out.add(NodePlan.HOSTS_PATH + ": managed block differs");
    }
    return out;
  }

  public HostRoot hostRoot() {
    return root;
  }

  /** Keeps a foreign file (its bytes, mode and owner) or link under the backup directory. */
  private void backup(String rel, Kind kind, HostRoot.Resolver r, Set<String> dirs)
      throws IOException {
    Path source = r.resolve(rel, false);
    String backupRel = BACKUP_DIR + "/" + rel;
    Path backup = r.resolve(backupRel, false);
    dirs.addAll(missingDirectories(parent(backupRel), r));
    ops.createDirectories(backup.getParent());
    FileMeta meta = ops.stat(source).orElseGet(ops::defaultMeta);
    if (kind == Kind.SYMLINK) {
      ops.linkAtomically(backup, ops.readLink(source), meta);
    } else {
      ops.writeAtomically(backup, copyOf(source), meta);
    }
  }

  private Content copyOf(Path file) {
    return out -> {
      try (InputStream in = ops.open(file)) {
        in.transferTo(out);
      }
    };
  }

  /** Restores the backup of {@code rel} if there is one, else deletes it; whether it changed. */
  private boolean restoreOrDelete(String rel, Set<String> backups, HostRoot.Resolver r)
      throws IOException {
    Path target = r.resolve(rel, false);
    if (backups.contains(rel)) {
      Path backup = r.resolve(BACKUP_DIR + "/" + rel, false);
      Kind kind = ops.kind(backup);
      FileMeta meta = ops.stat(backup).orElseGet(ops::defaultMeta);
      ops.createDirectories(target.getParent());
      switch (kind) {
        case FILE -> ops.writeAtomically(target, copyOf(backup), meta);
        case SYMLINK -> ops.linkAtomically(target, ops.readLink(backup), meta);
        case MISSING ->
            throw new NodeFileException("restore", target, "backup " + backup + " is missing");
        default ->
            throw new NodeFileException(
                "restore", target, "backup " + backup + " is not a file or a link");
      }
      ops.delete(backup);
      backups.remove(rel);
      return true;
    }
    Kind kind = ops.kind(target);
    if (kind != Kind.FILE && kind != Kind.SYMLINK) {
      return false; // gone, or replaced by something the agent never wrote
    }
    ops.delete(target);
    return true;
  }

  /**
   * Deletes the directories the agent created that no longer hold a managed file, deepest first;
   * only empty directories, never a link that took a directory's place.
   */
  private void removeUnusedDirectories(
      Set<String> dirs, NavigableSet<String> files, boolean stateToo, HostRoot.Resolver r)
      throws IOException {
    List<String> deepestFirst = new ArrayList<>(dirs);
    deepestFirst.sort(Comparator.comparingInt(String::length).reversed());
    for (String dir : deepestFirst) {
      String below = dir + "/";
      String next = files.ceiling(below); // the files are sorted: one below dir comes right after
      if ((next != null && next.startsWith(below)) || (!stateToo && isStateDir(dir))) {
        continue;
      }
      Path path = r.resolve(dir, false);
      Kind kind = ops.kind(path);
      if (kind != Kind.DIRECTORY || ops.deleteIfEmptyDirectory(path)) {
        dirs.remove(dir);
      }
    }
  }

  private static boolean isStateDir(String dir) {
    return dir.equals(STATE_DIR) || STATE_DIR.startsWith(dir + "/");
  }

  /** {@code rel} and its ancestors that are not directories yet (resolved inside the root). */
  private List<String> missingDirectories(String rel, HostRoot.Resolver r) throws IOException {
    List<String> out = new ArrayList<>();
    for (String d = rel; d != null; d = parent(d)) {
      if (ops.kind(r.resolve(d, true)) != Kind.DIRECTORY) {
        out.add(d);
      } else {
        break; // its ancestors exist too
      }
    }
    return out;
  }

  private static String parent(String rel) {
    int i = rel.lastIndexOf('/');
    return i < 0 ? null : rel.substring(0, i);
  }

  private List<String> relative(List<Path> created) {
    List<String> out = new ArrayList<>(created.size());
    for (Path p : created) {
      out.add(root.path().relativize(p).toString());
    }
    return out;
  }

  /**
   * The plan's own instance of a path equal to the one read, so that the state of thousands of
   * files does not hold a second copy of the plan's paths.
   */
  private static UnaryOperator<String> sameAs(NodePlan plan) {
    return read -> {
      String key = plan.files().ceilingKey(read);
      return read.equals(key) ? key : read;
    };
  }

  private ManagedState loadState(HostRoot.Resolver r, UnaryOperator<String> canonical)
      throws IOException {
    Path file = r.resolve(STATE_FILE, false);
    Kind kind = ops.kind(file);
    if (kind == Kind.MISSING) {
      return ManagedState.EMPTY;
    }
    if (kind != Kind.FILE) {
      throw new NodeFileException("read state", file, "is not a regular file");
    }
    ManagedState state;
    try (InputStream in = ops.open(file)) {
      state = StateCodec.read(new BoundedInputStream(in, Limits.STATE_BYTES), canonical);
    } catch (NodeFileException e) {
      throw e;
    } catch (IOException e) {
      throw new NodeFileException("parse state", file, e);
    }
    List<String> problems = StateCheck.problems(state);
    if (!problems.isEmpty()) {
      throw new NodeFileException(
          "read state",
          file,
          "refused, nothing done: it lists paths the agent never writes: "
              + String.join("; ", problems.subList(0, Math.min(problems.size(), 10)))
              + (problems.size() > 10 ? "; ... " + (problems.size() - 10) + " more" : ""));
    }
    return state;
  }

  private void saveState(
      Iterable<String> files,
      Set<String> dirs,
      Set<String> backups,
      boolean hostsAddedNewline,
      boolean cleaning,
      HostRoot.Resolver r)
      throws IOException {
    Path file = r.resolve(STATE_FILE, false);
    ops.createDirectories(file.getParent());
    FileMeta owner = ops.defaultMeta();
    ops.writeAtomically(
        file,
        out -> StateCodec.write(files, dirs, backups, hostsAddedNewline, cleaning, out),
        new FileMeta(0600, owner.uid(), owner.gid()));
  }

  /** Two sorted sets as one, in order, without copying them. */
  private static Iterable<String> merged(Set<String> a, Set<String> b) {
    return () ->
        new java.util.Iterator<>() {
          private final java.util.Iterator<String> ia = a.iterator();
          private final java.util.Iterator<String> ib = b.iterator();
          private String na = ia.hasNext() ? ia.next() : null;
          private String nb = ib.hasNext() ? ib.next() : null;

          @Override
          public boolean hasNext() {
            return na != null || nb != null;
          }

          @Override
          public String next() {
            int c = na == null ? 1 : nb == null ? -1 : na.compareTo(nb);
            String out = c <= 0 ? na : nb;
            if (c <= 0) {
              na = ia.hasNext() ? ia.next() : null;
            }
            if (c >= 0) {
              nb = ib.hasNext() ? ib.next() : null;
            }
            return out;
          }
        };
  }

  /** Ends with an error beyond {@code max} bytes: a state file is never read whole. */
  private static final class BoundedInputStream extends java.io.FilterInputStream {
    private final long max;
    private long read;

    BoundedInputStream(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count(Math.max(n, 0));
      return n;
    }

    private void count(int n) throws IOException {
      read += n;
      if (read > max) {
        throw new IOException("larger than " + max + " bytes");
      }
    }
  }
}
