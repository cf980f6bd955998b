package dev.mirrorgate.agent.cli;

import dev.mirrorgate.agent.run.DocumentRules;
import dev.mirrorgate.agent.run.FileMirrorsSource;
import dev.mirrorgate.common.mirrors.InvalidMirrorsDocumentException;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import java.io.IOException;
import java.nio.file.Path;

/** Reads a mirrors document from a file; errors name the file. */
final class MirrorsFile {

  private MirrorsFile() {}

  static MirrorsDocument read(Path file, DocumentRules rules)
      throws IOException, InvalidMirrorsDocumentException {
    return new FileMirrorsSource(file, rules).load();
  }
}
