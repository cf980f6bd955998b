package dev.mirrorgate.agent.files;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The bytes of a file to write, produced when they are written, so that a large file (a hosts file
 * of ad-block lists, the state of thousands of files) is streamed instead of held in memory.
 */
@FunctionalInterface
public interface Content {

  /**
   * Writes the bytes to {@code out}; may be called more than once, and must give the same bytes.
   */
  void writeTo(OutputStream out) throws IOException;

  static Content of(byte[] bytes) {
    return out -> out.write(bytes);
  }
}
