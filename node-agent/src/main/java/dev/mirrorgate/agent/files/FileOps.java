package dev.mirrorgate.agent.files;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The file layer under the writers. Production uses {@link PosixFileOps}; tests wrap it to inject
 * faults (a crash before the rename, a full disk, a read-only mount).
 */
public interface FileOps {

  /** The bytes of a regular file, or empty when it does not exist. */
  Optional<byte[]> read(Path path) throws IOException;

  /** Owner and mode of a file, or empty when it does not exist. */
  Optional<FileMeta> stat(Path path) throws IOException;

  /**
   * Replaces {@code target} with {@code data} so that a reader sees the old or the new bytes, never
   * a mix: temp file in the same directory, fsync, rename, fsync of the directory. When the target
   * is a bind-mounted file (rename fails with EBUSY) it is rewritten in place under a lock.
   */
  void writeAtomically(Path target, byte[] data, FileMeta meta) throws IOException;

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
      writeAtomically(w.target(), w.data(), w.meta());
    }
  }

  /** Deletes a file if it exists, then fsyncs its directory. */
  void delete(Path path) throws IOException;

  /**
   * Creates missing directories (mode 0755), each durable before it returns, and returns those it
   * created, outermost first.
   */
  List<Path> createDirectories(Path dir) throws IOException;

  /** Removes a directory when it is empty; returns whether it was removed. */
  boolean deleteIfEmptyDirectory(Path dir) throws IOException;

  /** A held lock on a directory, released by close. */
  interface Lock extends AutoCloseable {
    @Override
    void close() throws IOException;
  }

  /**
   * Takes the exclusive lock that serializes the writers of one host root (a running agent, an
   * {@code apply}, a {@code cleanup}), waiting for another holder to release it.
   */
  Lock lock(Path hostRoot) throws IOException;

  /** The owner and group new files get. */
  FileMeta defaultMeta();
}
