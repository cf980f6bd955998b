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
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    // Kernel messages ("No space left on device") read better mid-sentence in lower case.
    return m.length() > 1
            && Character.isUpperCase(m.charAt(0))
            && Character.isLowerCase(m.charAt(1))
        ? Character.toLowerCase(m.charAt(0)) + m.substring(1)
        : m;
  }
}
