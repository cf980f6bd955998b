package dev.mirrorgate.agent.files;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import jnr.constants.platform.Errno;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * Safe writes on a Linux node. NIO does what it does precisely (data I/O, fsync of files and
 * directories, atomic rename, owner and mode, {@code O_NOFOLLOW} and {@code lstat} through {@link
 * LinkOption#NOFOLLOW_LINKS}); JNR-POSIX is loaded only where NIO falls short: when a rename fails,
 * to learn its errno ({@code EBUSY} means a bind-mounted target, rewritten in place). Loading JNR
 * costs ~20-30 MiB of RSS, so a node agent that never meets that case never pays for it.
 */
public final class PosixFileOps implements FileOps {

  /** Points where tests can stop a write, as a crash would. */
  public interface Hooks {
    Hooks NONE = new Hooks() {};

    /** Called after the temp file is written and synced, before it is renamed over the target. */
    default void beforeRename(Path temp, Path target) throws IOException {}
  }

  private final Hooks hooks;
  private volatile POSIX posix;
  private volatile FileMeta defaultMeta; // the process's uid and gid do not change

  public PosixFileOps(Hooks hooks) {
    this.hooks = hooks;
  }

  public PosixFileOps() {
    this(Hooks.NONE);
  }

  private POSIX posix() {
    POSIX p = posix;
    if (p == null) {
      synchronized (this) {
        if (posix == null) {
          posix = POSIXFactory.getNativePOSIX();
        }
        p = posix;
      }
    }
    return p;
  }

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  /** Chunk size of comparisons and copies. */
  private static final int CHUNK = 16 * 1024;

  @Override
  public Kind kind(Path path) throws IOException {
    if (!Files.exists(path, NOFOLLOW)) {
      return Kind.MISSING; // no exception (and no stack trace) per missing file
    }
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
      if (a.isSymbolicLink()) {
        return Kind.SYMLINK;
      }
      return a.isDirectory() ? Kind.DIRECTORY : a.isRegularFile() ? Kind.FILE : Kind.OTHER;
    } catch (NoSuchFileException e) {
      return Kind.MISSING;
    } catch (IOException e) {
      throw new NodeFileException("stat", path, e);
    }
  }

  @Override
  public String readLink(Path link) throws IOException {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      throw new NodeFileException("read link", link, e);
    }
  }

  @Override
  public boolean hasContent(Path file, byte[] expected) throws IOException {
    if (!Files.exists(file, NOFOLLOW)) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, NOFOLLOW)) {
      if (ch.size() != expected.length) {
        return false;
      }
      ByteBuffer buf = ByteBuffer.allocate(Math.min(CHUNK, Math.max(expected.length, 1)));
      int at = 0;
      while (at < expected.length) {
        buf.clear();
        int n = ch.read(buf, at);
        if (n < 0) {
          return false;
        }
        if (!java.util.Arrays.equals(
            buf.array(), 0, n, expected, at, Math.min(at + n, expected.length))) {
          return false;
        }
        at += n;
      }
      return ch.size() == expected.length;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new NodeFileException("read", file, e);
    }
  }

  @Override
  public InputStream open(Path file) throws IOException {
    try {
      return new BufferedInputStream(
          Files.newInputStream(file, StandardOpenOption.READ, NOFOLLOW), CHUNK);
    } catch (IOException e) {
      throw new NodeFileException("read", file, e);
    }
  }

  @Override
  public Optional<byte[]> read(Path path, int maxBytes) throws IOException {
    if (!Files.exists(path, NOFOLLOW)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(path, StandardOpenOption.READ, NOFOLLOW)) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw new NodeFileException("read", path, "larger than " + maxBytes + " bytes");
      }
      return Optional.of(bytes);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (NodeFileException e) {
      throw e;
    } catch (IOException e) {
      throw new NodeFileException("read", path, e);
    }
  }

  @Override
  public Optional<FileMeta> stat(Path path) throws IOException {
    if (!Files.exists(path, NOFOLLOW)) {
      return Optional.empty();
    }
    try {
      Map<String, Object> a = Files.readAttributes(path, "unix:mode,uid,gid", NOFOLLOW);
      return Optional.of(
          new FileMeta(
              (Integer) a.get("mode") & 07777, (Integer) a.get("uid"), (Integer) a.get("gid")));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new NodeFileException("stat", path, e);
    }
  }

  @Override
  public void writeAtomically(Path target, Content content, FileMeta meta) throws IOException {
    Path temp = FileOps.tempOf(target);
    prepare(temp, target, content, meta);
    if (rename(temp, target)) {
      fsyncDirectory(temp.getParent());
    }
  }

  @Override
  public void linkAtomically(Path target, String linkText, FileMeta meta) throws IOException {
    Path temp = FileOps.tempOf(target);
    try {
      Files.deleteIfExists(temp);
      Files.createSymbolicLink(temp, Path.of(linkText));
      setOwner(temp, meta);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw new NodeFileException("link", target, e);
    }
    fsyncDirectory(temp.getParent());
  }

  /**
   * Creates the missing parent directories, writes and syncs every temp file, then renames them all
   * and syncs each changed directory once, so a batch costs one fsync per file plus one per
   * directory instead of two per file and one per new directory. The temp files are written and
   * synced by {@link #SYNC_THREADS} threads at once: a journalling file system (ext4, XFS) commits
   * concurrent fsyncs together, so the batch waits for a few journal commits instead of one per
   * file. Every temp file is durable before any rename, as in {@link #writeAtomically}; the new
   * directories and the renames are durable when the batch returns.
   */
  @Override
  public void writeAllAtomically(List<PendingWrite> writes) throws IOException {
    Set<Path> changedDirs = new LinkedHashSet<>();
    Set<Path> knownDirs = new HashSet<>();
    for (PendingWrite w : writes) {
      for (Path created : makeDirectories(w.target().toAbsolutePath().getParent(), knownDirs)) {
        changedDirs.add(created.getParent());
      }
    }
    concurrently(
        writes,
        w -> prepare(FileOps.tempOf(w.target()), w.target(), Content.of(w.data()), w.meta()),
        w -> Files.deleteIfExists(FileOps.tempOf(w.target())));
    for (PendingWrite w : writes) {
      Path temp = FileOps.tempOf(w.target());
      if (rename(temp, w.target())) {
        changedDirs.add(temp.getParent());
      }
    }
    concurrently(List.copyOf(changedDirs), PosixFileOps::fsyncDirectory, dir -> {});
  }

  /** How many fsyncs a batch issues at once. */
  static final int SYNC_THREADS = 8;

  private interface IoAction<T> {
    void run(T item) throws IOException;
  }

  /**
   * Runs {@code action} on every item from a few short-lived threads and waits for all. When any
   * fails, {@code undo} runs on every item and the first failure is thrown.
   */
  private static <T> void concurrently(List<T> items, IoAction<T> action, IoAction<T> undo)
      throws IOException {
    if (items.size() <= 1) {
      for (T item : items) {
        action.run(item);
      }
      return;
    }
    java.util.concurrent.atomic.AtomicInteger next =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    Runnable worker =
        () -> {
          for (int i = next.getAndIncrement();
              i < items.size() && failure.get() == null;
              i = next.getAndIncrement()) {
            try {
              action.run(items.get(i));
            } catch (IOException | RuntimeException | Error e) {
              failure.compareAndSet(null, e);
            }
          }
        };
    int n = Math.min(SYNC_THREADS, items.size());
    List<Thread> threads = new ArrayList<>(n);
    for (int t = 0; t < n; t++) {
      Thread thread = new Thread(null, worker, "fsync-" + t, 256 * 1024);
      thread.setDaemon(true);
      thread.start();
      threads.add(thread);
    }
    boolean interrupted = false;
    for (Thread thread : threads) {
      while (true) {
        try {
          thread.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the batch must finish before its temp files are judged
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable first = failure.get();
    if (first != null) {
      for (T item : items) {
        undo.run(item);
      }
      switch (first) {
        case IOException e -> throw e;
        case RuntimeException e -> throw e;
        case Error e -> throw e;
        default -> throw new IllegalStateException(first);
      }
    }
  }

  /** Temp file written, synced, owned and moded like the target will be; then the crash hook. */
  private void prepare(Path temp, Path target, Content content, FileMeta meta) throws IOException {
    try {
      writeAndSync(temp, content);
      setMeta(temp, meta);
      hooks.beforeRename(temp, target);
    } catch (NodeFileException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw new NodeFileException("write", target, e);
    }
  }

  private static void setMeta(Path file, FileMeta meta) throws IOException {
    setOwner(file, meta);
    Map<String, Object> now = Files.readAttributes(file, "unix:mode", NOFOLLOW);
    if (((Integer) now.get("mode") & 07777) != meta.mode()) {
      Files.setAttribute(file, "unix:mode", meta.mode(), NOFOLLOW);
    }
  }

  /** Owner and group of a file or link (lchown: a link is never followed). */
  private static void setOwner(Path file, FileMeta meta) throws IOException {
    Map<String, Object> now = Files.readAttributes(file, "unix:uid,gid", NOFOLLOW);
    if ((Integer) now.get("uid") != meta.uid()) {
      Files.setAttribute(file, "unix:uid", meta.uid(), NOFOLLOW);
    }
    if ((Integer) now.get("gid") != meta.gid()) {
      Files.setAttribute(file, "unix:gid", meta.gid(), NOFOLLOW);
    }
  }

  /**
   * Renames {@code temp} over {@code target}. When NIO's atomic move fails, asks {@code rename(2)}
   * through JNR-POSIX for the errno: EBUSY (the target is a mount point, e.g. a bind-mounted
   * /etc/hosts) falls back to an in-place rewrite from the temp file. Returns false when it did
   * that.
   */
  private boolean rename(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (FileSystemException e) {
      POSIX p = posix();
      if (p.rename(temp.toString(), target.toString()) == 0) {
        return true;
      }
      int errno = p.errno();
      try {
        if (errno != Errno.EBUSY.intValue()) {
          throw new NodeFileException("rename over", target, describe(errno));
        }
        rewriteInPlace(target, temp);
        return false;
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }

  /**
   * The fallback for a target that is a mount point: copy the temp file's bytes over it under an
   * exclusive lock, truncate and sync. Not atomic for readers, but the only way to change a
   * bind-mounted file.
   */
  private static void rewriteInPlace(Path target, Path temp) throws IOException {
    try (FileChannel in = FileChannel.open(temp, StandardOpenOption.READ, NOFOLLOW);
        FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      long size = in.size();
      long pos = 0;
      while (pos < size) {
        pos += in.transferTo(pos, size - pos, ch.position(pos));
      }
      ch.truncate(size);
      ch.force(true);
    } catch (IOException e) {
      throw new NodeFileException("rewrite in place", target, e);
    }
  }

  /**
   * Writes a new temp file (one left by a crash is removed first: never opened, so never followed
   * if it is a link) and syncs it.
   */
  private static void writeAndSync(Path temp, Content content) throws IOException {
    Files.deleteIfExists(temp);
    try (FileChannel ch =
        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, NOFOLLOW)) {
      OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), CHUNK);
      content.writeTo(out);
      out.flush();
      ch.force(true);
    }
  }

  @Override
  public void delete(Path path) throws IOException {
    try {
      if (Files.deleteIfExists(path)) {
        fsyncDirectory(path.toAbsolutePath().getParent());
      }
    } catch (NodeFileException e) {
      throw e;
    } catch (IOException e) {
      throw new NodeFileException("delete", path, e);
    }
  }

  @Override
  public List<Path> createDirectories(Path dir) throws IOException {
    List<Path> created = makeDirectories(dir.toAbsolutePath(), new HashSet<>());
    for (Path p : created) {
      fsyncDirectory(p.getParent());
    }
    return created;
  }

  /**
   * Creates the missing directories of {@code dir} (mode 0755) without syncing their parents, and
   * returns them outermost first. {@code known} holds directories already seen to exist, so a batch
   * checks each one once.
   */
  private static List<Path> makeDirectories(Path dir, Set<Path> known) throws IOException {
    List<Path> missing = new ArrayList<>();
    for (Path p = dir; p != null && !known.contains(p); p = p.getParent()) {
      if (Files.isDirectory(p, NOFOLLOW)) {
        known.add(p);
        break;
      }
      if (Files.exists(p, NOFOLLOW)) {
        throw new NodeFileException(
            "create directory", dir, p + " exists and is not a directory (a symbolic link?)");
      }
      missing.add(0, p);
    }
    for (Path p : missing) {
      try {
        Files.createDirectory(p);
        Files.setAttribute(p, "unix:mode", 0755);
      } catch (IOException e) {
        throw new NodeFileException("create directory", p, e);
      }
      known.add(p);
    }
    return missing;
  }

  @Override
  public boolean deleteIfEmptyDirectory(Path dir) throws IOException {
    try {
      boolean removed = Files.deleteIfExists(dir);
      if (removed) {
        fsyncDirectory(dir.toAbsolutePath().getParent());
      }
      return removed;
    } catch (DirectoryNotEmptyException e) {
      return false;
    } catch (IOException e) {
      throw new NodeFileException("delete directory", dir, e);
    }
  }

  /**
   * Locks {@code lockFile} with {@code fcntl}. Its holder may delete it (a cleanup does, through
   * {@link Lock#deleteFile}, which first marks the file as deleted): a waiter that then gets the
   * lock holds it on a file that is gone, sees the mark (read through its own channel) or the path
   * gone or replaced ({@code lstat}, which opens nothing), and starts again.
   *
   * <p>While the lock is held, this process never opens the lock file again: closing any descriptor
   * of a file drops every {@code fcntl} lock the process holds on it, and another writer would then
   * run beside this one.
   */
  @Override
  public Optional<Lock> lock(Path lockFile, boolean create) throws IOException {
    List<Path> created = List.of();
    try {
      if (create) {
        created = createDirectories(lockFile.getParent());
      }
      while (true) {
        Object before = fileKey(lockFile);
        if (before == null && !create) {
          return Optional.empty();
        }
        FileChannel ch;
        try {
          ch =
              create
                  ? FileChannel.open(
                      lockFile,
                      StandardOpenOption.CREATE,
                      StandardOpenOption.READ,
                      StandardOpenOption.WRITE,
                      NOFOLLOW)
                  : FileChannel.open(
                      lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE, NOFOLLOW);
        } catch (NoSuchFileException e) {
          if (create) {
            continue; // deleted between the directory check and the open
          }
          return Optional.empty();
        }
        FileLock lock;
        try {
          lock = ch.lock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
          ch.close(); // held by this JVM (fcntl locks are per process): wait like another would
          pause();
          continue;
        }
        Object after = fileKey(lockFile);
        if (!deletedMark(ch) && after != null && (before == null || before.equals(after))) {
          List<Path> dirs = created;
          return Optional.of(heldLock(lockFile, ch, lock, dirs));
        }
        lock.release();
        ch.close();
        if (after == null && !create) {
          return Optional.empty();
        }
      }
    } catch (NodeFileException e) {
      throw e;
    } catch (IOException e) {
      throw new NodeFileException("lock", lockFile, e);
    }
  }

  /** What a holder writes into the lock file before it deletes it. */
  private static final byte[] DELETED_MARK =
      "deleted by its holder\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private static Lock heldLock(Path lockFile, FileChannel ch, FileLock lock, List<Path> dirs) {
    return new Lock() {
      @Override
      public List<Path> createdDirectories() {
        return dirs;
      }

      @Override
      public void deleteFile() throws IOException {
        try {
          ch.truncate(0);
          ch.write(ByteBuffer.wrap(DELETED_MARK), 0);
          Files.deleteIfExists(lockFile);
        } catch (IOException e) {
          throw new NodeFileException("delete", lockFile, e);
        }
      }

      @Override
      public void close() throws IOException {
        lock.release();
        ch.close();
      }
    };
  }

  /** Whether the locked file was marked deleted by the holder before this one. */
  private static boolean deletedMark(FileChannel ch) throws IOException {
    if (ch.size() != DELETED_MARK.length) {
      return false;
    }
    ByteBuffer buf = ByteBuffer.allocate(DELETED_MARK.length);
    while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {}
    return java.util.Arrays.equals(buf.array(), DELETED_MARK);
  }

  /** The file's identity (device and inode) by {@code lstat}; null when it does not exist. */
  private static Object fileKey(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static void pause() throws IOException {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for the lock");
    }
  }

  @Override
  public FileMeta defaultMeta() {
    FileMeta meta = defaultMeta;
    if (meta == null) {
      try {
        Map<String, Object> self = Files.readAttributes(Path.of("/proc/self"), "unix:uid,gid");
        meta = FileMeta.defaultFor((Integer) self.get("uid"), (Integer) self.get("gid"));
      } catch (IOException e) {
        meta = FileMeta.defaultFor(0, 0);
      }
      defaultMeta = meta;
    }
    return meta;
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      throw new NodeFileException("fsync directory", dir, e);
    }
  }

  private static String describe(int errno) {
    Errno e = Errno.valueOf(errno);
    return e == null || e == Errno.__UNKNOWN_CONSTANT__
        ? "errno " + errno
        : e.description().toLowerCase(Locale.ROOT) + " (" + e.name() + ")";
  }
}
