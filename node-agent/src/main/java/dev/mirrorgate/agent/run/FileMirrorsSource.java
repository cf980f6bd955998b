package dev.mirrorgate.agent.run;

import dev.mirrorgate.common.mirrors.InvalidMirrorsDocumentException;
import dev.mirrorgate.common.mirrors.MirrorsDocument;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A mirrors document in a file, streamed into the parser (never held as text). A blank file is
 * refused rather than read as "no mirrors": a file seen between its truncation and its write must
 * not make the agent remove every mirror (an explicit {@code mirrors: []} does that). A file whose
 * bytes did not change since the last load gives the same document without parsing it again.
 */
public final class FileMirrorsSource implements MirrorsSource {

  private final Path file;
  private final DocumentRules rules;
  private long parsedChecksum = -1;
  private MirrorsDocument parsed;

  public FileMirrorsSource(Path file, DocumentRules rules) {
    this.file = file.toAbsolutePath();
    this.rules = rules;
  }

  @Override
  public synchronized MirrorsDocument load() throws IOException, InvalidMirrorsDocumentException {
    rules.checkSize(file.toString(), Files.size(file));
    if (parsed != null) {
      try (Bytes in = new Bytes(Files.newInputStream(file), rules.maxBytes())) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
        if (in.checksum() == parsedChecksum) {
          return parsed;
        }
      }
    }
    try (Bytes in = new Bytes(Files.newInputStream(file), rules.maxBytes())) {
      MirrorsDocument doc =
          rules.parse(file.toString(), new InputStreamReader(in, StandardCharsets.UTF_8));
      in.transferTo(
          java.io.OutputStream.nullOutputStream()); // what the parser left unread counts too
      if (!in.sawContent()) {
        throw new InvalidMirrorsDocumentException(
            List.of(file + ": is empty; write \"mirrors: []\" to remove every mirror"));
      }
      parsed = doc;
      parsedChecksum = in.checksum();
      return doc;
    } catch (Bytes.TooLarge e) {
      rules.checkSize(file.toString(), e.bytes); // it grew while it was read
      throw e;
    }
  }

  @Override
  public List<Path> watchedDirectories() {
    return List.of(file.getParent());
  }

  /** A file's bytes as they are read: counted (at most a limit), checksummed, blank or not. */
  private static final class Bytes extends FilterInputStream {
    static final class TooLarge extends IOException {
      final long bytes;

      TooLarge(long bytes) {
        super("larger than expected");
        this.bytes = bytes;
      }
    }

    private final long max;
    private final CRC32C crc = new CRC32C();
    private long count;
    private boolean content;
    // The end once seen stays the end: the checksum covers exactly the bytes the parser had, even
    // if a writer appends to the file meanwhile.
    private boolean ended;

    Bytes(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (ended) {
        return -1;
      }
      int n = super.read(b, off, len);
      ended = n < 0;
      if (n > 0) {
        count += n;
        if (count > max) {
          throw new TooLarge(count);
        }
        crc.update(b, off, n);
        for (int i = off; !content && i < off + n; i++) {
          content = !Character.isWhitespace(b[i]);
        }
      }
      return n;
    }

    long checksum() {
      return (count << 32) ^ crc.getValue();
    }

    boolean sawContent() {
      return content;
    }
  }
}
