package dev.mirrorgate.agent.files;

import java.io.IOException;
import java.nio.file.Path;

/** A node file operation that failed, saying what was attempted, on which path and why. */
public final class NodeFileException extends IOException {

  public NodeFileException(String operation, Path path, String reason) {
    super(operation + " " + path + ": " + reason);
  }

  public NodeFileException(String operation, Path path, IOException cause) {
    super(operation + " " + path + ": " + reason(cause), cause);
  }

  private static String reason(IOException e) {
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      return fse.getReason().toLowerCase(java.util.Locale.ROOT);
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
