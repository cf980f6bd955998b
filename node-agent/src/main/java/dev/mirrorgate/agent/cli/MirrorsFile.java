package dev.mirrorgate.agent.cli;

import dev.mirrorgate.common.mirrors.InvalidMirrorsDocumentException;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import dev.mirrorgate.common.mirrors.MirrorsDocumentParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a mirrors document from a file; errors name the file. */
public final class MirrorsFile {

  private MirrorsFile() {}

  public static MirrorsDocument read(Path file)
      throws IOException, InvalidMirrorsDocumentException {
    return new MirrorsDocumentParser(file.toString()).parse(Files.readString(file));
  }
}
