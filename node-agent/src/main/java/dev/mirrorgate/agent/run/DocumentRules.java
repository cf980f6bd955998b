package dev.mirrorgate.agent.run;

import dev.mirrorgate.agent.Limits;
import dev.mirrorgate.common.mirrors.InvalidMirrorsDocumentException;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import dev.mirrorgate.common.mirrors.MirrorsDocumentParser;
import java.io.Reader;
import java.util.List;
import java.util.Set;

/**
 * How this agent reads a mirrors document, wherever it comes from: at most {@code maxBytes} and
 * {@code maxMirrors} (what its heap holds, {@link Limits}), and no masquerade that is one of the
 * node's own names.
 */
public record DocumentRules(Set<String> nodeNames, long maxBytes, int maxMirrors) {

  public DocumentRules {
    nodeNames = Set.copyOf(nodeNames);
  }

  /** The shipped limits, on the node called {@code nodeNames}. */
  public static DocumentRules forNode(Set<String> nodeNames) {
    return new DocumentRules(nodeNames, Limits.MIRRORS_DOCUMENT_BYTES, Limits.MIRRORS);
  }

  /** Refuses a document of {@code bytes} bytes when it is over the limit, before reading it. */
  public void checkSize(String source, long bytes) throws InvalidMirrorsDocumentException {
    if (bytes > maxBytes) {
      throw new InvalidMirrorsDocumentException(
          List.of(
              source
                  + ": "
                  + bytes
                  + " bytes, more than the "
                  + maxBytes
                  + " a mirrors document may have"));
    }
  }

  public MirrorsDocument parse(String source, Reader text) throws InvalidMirrorsDocumentException {
    return new MirrorsDocumentParser(source)
        .forNode(nodeNames)
        .atMostMirrors(maxMirrors)
        .parse(text);
  }
}
