package dev.mirrorgate.agent.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jnr.constants.platform.Errno;
import jnr.constants.platform.OpenFlags;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * Safe writes on a Linux node. NIO does the data I/O; JNR-POSIX does what NIO cannot say precisely:
 * {@code rename(2)} with its errno (EBUSY for a bind-mounted target), fsync of a directory,
 * chown/chmod to keep owner and mode.
 */
public final class PosixFileOps implements FileOps {

  /** Points where tests can stop a write, as a crash would. */
  public interface Hooks {
    Hooks NONE = new Hooks() {};

    /** Called after the temp file is written and synced, before it is renamed over the target. */
    default void beforeRename(Path temp, Path target) throws IOException {}
  }

  static final String TEMP_SUFFIX = ".mirrorgate-tmp";

  private final POSIX posix;
  private final Hooks hooks;

  public PosixFileOps(Hooks hooks) {
    this.posix = POSIXFactory.getNativePOSIX();
    this.hooks = hooks;
  }

  public PosixFileOps() {
    this(Hooks.NONE);
  }

  @Override
  public Optional<byte[]> read(Path path) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(path));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new NodeFileException("read", path, e);
    }
  }

  @Override
  public Optional<FileMeta> stat(Path path) throws IOException {
    FileStat st = posix.allocateStat();
    if (posix.stat(path.toString(), st) != 0) {
      int errno = posix.errno();
      if (errno == Errno.ENOENT.intValue()) {
        return Optional.empty();
      }
      throw new NodeFileException("stat", path, describe(errno));
    }
    return Optional.of(new FileMeta(st.mode() & 07777, st.uid(), st.gid()));
  }

  @Override
  public void writeAtomically(Path target, byte[] data, FileMeta meta) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = dir.resolve("." + target.getFileName() + TEMP_SUFFIX);
    try {
      writeAndSync(temp, data);
      check(posix.chown(temp.toString(), meta.uid(), meta.gid()), "chown", temp);
      check(posix.chmod(temp.toString(), meta.mode()), "chmod", temp);
      hooks.beforeRename(temp, target);
    } catch (NodeFileException e) {
      Files.deleteIfExists(temp);
      throw e;
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw new NodeFileException("write", target, e);
    } catch (RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    if (posix.rename(temp.toString(), target.toString()) != 0) {
      int errno = posix.errno();
      if (errno != Errno.EBUSY.intValue()) {
        Files.deleteIfExists(temp);
        throw new NodeFileException("rename over", target, describe(errno));
      }
      Files.deleteIfExists(temp);
      rewriteInPlace(target, data);
      return;
    }
    fsyncDirectory(dir);
  }

  /**
   * The fallback for a target that is a mount point (a bind-mounted file): rewrite its bytes under
   * an exclusive lock, then truncate and sync. Not atomic for readers, but the only way to change a
   * bind-mounted file.
   */
  private void rewriteInPlace(Path target, byte[] data) throws IOException {
    try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      ByteBuffer buf = ByteBuffer.wrap(data);
      long pos = 0;
      while (buf.hasRemaining()) {
        pos += ch.write(buf, pos);
      }
      ch.truncate(data.length);
      ch.force(true);
    } catch (IOException e) {
      throw new NodeFileException("rewrite in place", target, e);
    }
  }

  private static void writeAndSync(Path temp, byte[] data) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(data);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
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
    List<Path> missing = new ArrayList<>();
    for (Path p = dir.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.add(0, p);
    }
    for (Path p : missing) {
      try {
        Files.createDirectory(p);
      } catch (IOException e) {
        throw new NodeFileException("create directory", p, e);
      }
      check(posix.chmod(p.toString(), 0755), "chmod", p);
      fsyncDirectory(p.getParent());
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

  @Override
  public Lock lockDirectory(Path dir) throws IOException {
    int fd = posix.open(dir.toString(), OpenFlags.O_RDONLY.intValue(), 0);
    if (fd < 0) {
      throw new NodeFileException("open directory", dir, describe(posix.errno()));
    }
    if (posix.flock(fd, 2 /* LOCK_EX */) != 0) {
      int errno = posix.errno();
      posix.close(fd);
      throw new NodeFileException("lock", dir, describe(errno));
    }
    return () -> posix.close(fd);
  }

  @Override
  public FileMeta defaultMeta() {
    return FileMeta.defaultFor(posix.geteuid(), posix.getegid());
  }

  private void fsyncDirectory(Path dir) throws IOException {
    int fd = posix.open(dir.toString(), OpenFlags.O_RDONLY.intValue(), 0);
    if (fd < 0) {
      throw new NodeFileException("open directory", dir, describe(posix.errno()));
    }
    try {
      check(posix.fsync(fd), "fsync directory", dir);
    } finally {
      posix.close(fd);
    }
  }

  private void check(int rc, String op, Path path) throws NodeFileException {
    if (rc != 0) {
      throw new NodeFileException(op, path, describe(posix.errno()));
    }
  }

  private static String describe(int errno) {
    Errno e = Errno.valueOf(errno);
    return e == null || e == Errno.__UNKNOWN_CONSTANT__
        ? "errno " + errno
        : e.description().toLowerCase(java.util.Locale.ROOT) + " (" + e.name() + ")";
  }
}
