package dev.mirrorgate.agent.run;

import dev.mirrorgate.common.mirrors.InvalidMirrorsDocumentException;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the apply loop gets the current mirrors document: a file today, the {@code
 * mirrorgate-mirrors} ConfigMap informer's cache later (which calls {@link ApplyLoop#trigger}).
 */
public interface MirrorsSource {

  MirrorsDocument load() throws IOException, InvalidMirrorsDocumentException;

  /** Directories whose changes mean the document may have changed. */
  List<Path> watchedDirectories();
}
