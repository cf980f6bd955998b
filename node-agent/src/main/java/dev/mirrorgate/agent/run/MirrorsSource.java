package dev.mirrorgate.agent.run;

import dev.mirrorgate.common.mirrors.InvalidMirrorsDocumentException;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where the apply loop gets the current mirrors document: a file (re-read when its directory
 * changes) or the {@code mirrorgate-mirrors} ConfigMap (pushed by a watch, which calls the trigger
 * given to {@link #start}).
 */
public interface MirrorsSource extends AutoCloseable {

  MirrorsDocument load() throws IOException, InvalidMirrorsDocumentException;

  /** Directories whose changes mean the document may have changed. */
  List<Path> watchedDirectories();

  /**
   * Tells where the document came from that it was rejected with these errors (once per distinct
   * list): the ConfigMap source records a Kubernetes Event on the ConfigMap. Best effort: a failure
   * is logged, never thrown.
   */
  default void rejected(List<String> errors) {}

  /** Starts pushing changes: {@code trigger} is called with a reason when the document changed. */
  default void start(Consumer<String> trigger) {}

  @Override
  default void close() {}

  /** The source has not seen any document yet (e.g. the first list is still running). */
  final class NotYetKnown extends IOException {
    public NotYetKnown(String message) {
      super(message);
    }
  }
}
