package dev.mirrorgate.agent.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The file layer under the writers. Every operation acts on the path it is given and never follows
 * a symbolic link in its last component: a link is read, replaced or deleted as a link. The paths
 * come from {@link HostRoot}, which resolves the directories above them inside the host root.
 * Production uses {@link PosixFileOps}; tests wrap it to inject faults (a crash before the rename,
 * a full disk, a read-only mount).
 */
public interface FileOps {

  /** What a path names, without following a symbolic link. */
  enum Kind {
    MISSING,
    FILE,
    DIRECTORY,
    SYMLINK,
    OTHER
  }

  Kind kind(Path path) throws IOException;

  /** The target of a symbolic link, as written in it. */
  String readLink(Path link) throws IOException;

  /** Owner and mode of a file or link, or empty when it does not exist. */
  Optional<FileMeta> stat(Path path) throws IOException;

  /** Whether {@code file} is a regular file holding exactly {@code expected}; reads in chunks. */
  boolean hasContent(Path file, byte[] expected) throws IOException;

  /** Reads a regular file as a stream. */
  InputStream open(Path file) throws IOException;

  /**
   * The bytes of a small regular file, or empty when it does not exist; an error when it holds more
   * than {@code maxBytes}.
   */
  Optional<byte[]> read(Path file, int maxBytes) throws IOException;

  /**
   * Replaces {@code target} with {@code content} so that a reader sees the old or the new bytes,
   * never a mix: temp file in the same directory, fsync, rename, fsync of the directory. When the
   * target is a bind-mounted file (rename fails with EBUSY) it is rewritten in place under a lock.
   */
  void writeAtomically(Path target, Content content, FileMeta meta) throws IOException;

  /** One file to replace, for {@link #writeAllAtomically}. */
  record PendingWrite(Path target, byte[] data, FileMeta meta) {}

  /**
   * {@link #writeAtomically} for many files at once, with the same guarantees per file; creates the
   * missing parent directories of the targets (mode 0755) and makes them durable with the files. An
   * implementation may share the syncs between the files.
   */
  default void writeAllAtomically(List<PendingWrite> writes) throws IOException {
    for (PendingWrite w : writes) {
      createDirectories(w.target().getParent());
      writeAtomically(w.target(), Content.of(w.data()), w.meta());
    }
  }

  /** Replaces {@code target} with a symbolic link to {@code linkText}, atomically. */
  void linkAtomically(Path target, String linkText, FileMeta meta) throws IOException;

  /** Deletes a file or link if it exists, then fsyncs its directory. */
  void delete(Path path) throws IOException;

  /**
   * Creates missing directories (mode 0755), each durable before it returns, and returns those it
   * created, outermost first. An existing component that is not a directory (a symbolic link
   * included) is an error.
   */
  List<Path> createDirectories(Path dir) throws IOException;

  /** Removes a directory when it is empty; returns whether it was removed. */
  boolean deleteIfEmptyDirectory(Path dir) throws IOException;

  /** A held lock, released by close. */
  interface Lock extends AutoCloseable {
    /** The directories created for the lock file, outermost first. */
    List<Path> createdDirectories();

    /**
     * Deletes the lock file while holding it; a waiter that then gets the lock sees that the file
     * it locked is gone and starts again. Never delete it any other way.
     */
    void deleteFile() throws IOException;

    @Override
    void close() throws IOException;
  }

  /**
   * Takes the exclusive lock of {@code lockFile} that serializes the writers of one host root (a
   * running agent, an {@code apply}, a {@code cleanup}), waiting for another holder to release it.
   * The lock file may be deleted by its holder (a cleanup gives the node back without it): a waiter
   * then locks the file that replaced it. Empty when {@code create} is false and the file does not
   * exist.
   */
  Optional<Lock> lock(Path lockFile, boolean create) throws IOException;

  /** The owner and group new files get. */
  FileMeta defaultMeta();

  /** The temp file a write of {@code target} goes through: hidden, in the same directory. */
  static Path tempOf(Path target) {
    return target.toAbsolutePath().getParent().resolve("." + target.getFileName() + TEMP_SUFFIX);
  }

  String TEMP_SUFFIX = ".mirrorgate-tmp";
}
