package dev.mirrorgate.agent.run;

import dev.mirrorgate.common.mirrors.InvalidMirrorsDocumentException;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import dev.mirrorgate.common.mirrors.MirrorsDocumentParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A mirrors document in a file. A blank file is refused rather than read as "no mirrors": a file
 * seen between its truncation and its write must not make the agent remove every mirror (an
 * explicit {@code mirrors: []} does that).
 */
public final class FileMirrorsSource implements MirrorsSource {

  private final Path file;

  public FileMirrorsSource(Path file) {
    this.file = file.toAbsolutePath();
  }

  @Override
  public MirrorsDocument load() throws IOException, InvalidMirrorsDocumentException {
    String text = Files.readString(file);
    if (text.isBlank()) {
      throw new InvalidMirrorsDocumentException(
          List.of(file + ": is empty; write \"mirrors: []\" to remove every mirror"));
    }
    return new MirrorsDocumentParser(file.toString()).parse(text);
  }

  @Override
  public List<Path> watchedDirectories() {
    return List.of(file.getParent());
  }
}
