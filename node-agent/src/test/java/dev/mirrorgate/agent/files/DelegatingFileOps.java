package dev.mirrorgate.agent.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A {@link FileOps} that passes every call on; tests override what they inject faults into. */
public class DelegatingFileOps implements FileOps {

  private final FileOps delegate;

  public DelegatingFileOps(FileOps delegate) {
    this.delegate = delegate;
  }

  @Override
  public Kind kind(Path path) throws IOException {
    return delegate.kind(path);
  }

  @Override
  public String readLink(Path link) throws IOException {
    return delegate.readLink(link);
  }

  @Override
  public Optional<FileMeta> stat(Path path) throws IOException {
    return delegate.stat(path);
  }

  @Override
  public boolean hasContent(Path file, byte[] expected) throws IOException {
    return delegate.hasContent(file, expected);
  }

  @Override
  public InputStream open(Path file) throws IOException {
    return delegate.open(file);
  }

  @Override
  public Optional<byte[]> read(Path file, int maxBytes) throws IOException {
    return delegate.read(file, maxBytes);
  }

  @Override
  public void writeAtomically(Path target, Content content, FileMeta meta) throws IOException {
    delegate.writeAtomically(target, content, meta);
  }

  @Override
  public void writeAllAtomically(List<PendingWrite> writes) throws IOException {
    delegate.writeAllAtomically(writes);
  }

  @Override
  public void linkAtomically(Path target, String linkText, FileMeta meta) throws IOException {
    delegate.linkAtomically(target, linkText, meta);
  }

  @Override
  public void delete(Path path) throws IOException {
    delegate.delete(path);
  }

  @Override
  public List<Path> createDirectories(Path dir) throws IOException {
    return delegate.createDirectories(dir);
  }

  @Override
  public boolean deleteIfEmptyDirectory(Path dir) throws IOException {
    return delegate.deleteIfEmptyDirectory(dir);
  }

  @Override
  public Optional<Lock> lock(Path lockFile, boolean create) throws IOException {
    return delegate.lock(lockFile, create);
  }

  @Override
  public FileMeta defaultMeta() {
    return delegate.defaultMeta();
  }
}
