package dev.mirrorgate.webhook.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes PEM files; private keys are created owner-only (0600) and nothing is overwritten. */
final class KeyFiles {
  private KeyFiles() {}

  static void writeCertificate(Path file, String pem) throws IOException {
    write(file, pem, "rw-r--r--");
  }

  static void writePrivateKey(Path file, String pem) throws IOException {
    write(file, pem, "rw-------");
  }

  private static void write(Path file, String pem, String permissions) throws IOException {
    if (Files.exists(file)) {
      throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite it");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
    Files.writeString(file, pem, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
  }
}
