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

  /** What went wrong, in words that read well after "operation path: ". */
  public static String reason(IOException e) {
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      return fse.getReason().toLowerCase(java.util.Locale.ROOT);
    }
    // NIO's own exceptions carry only the path: say what they mean.
    String kind =
        switch (e) {
          case java.nio.file.NoSuchFileException x -> "no such file or directory";
          case java.nio.file.AccessDeniedException x -> "permission denied";
          case java.nio.file.FileAlreadyExistsException x -> "already exists";
          case java.nio.file.NotDirectoryException x -> "not a directory";
          case java.nio.file.DirectoryNotEmptyException x -> "directory not empty";
          case java.nio.file.NotLinkException x -> "not a symbolic link";
          default -> null;
        };
    if (kind != null) {
      return kind;
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
