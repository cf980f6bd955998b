package dev.mirrorgate.agent.plan;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;

/**
 * Merges the managed block into /etc/hosts. Only the lines between {@code # BEGIN mirrorgate} and
 * {@code # END mirrorgate} belong to the agent; every other byte of the file is kept as it is,
 * whatever its order, format or line endings.
 *
 * <p>A hosts file can be large (ad-block lists of tens of megabytes), so it is never held in
 * memory: {@link #scan} reads it once to find its blocks, {@link #merge} streams it again into its
 * new version. Memory is a few buffers whatever the size of the file. A marker line is at most
 * {@link #MAX_MARKER_LINE} bytes long (the marker with surrounding white space); a longer line is
 * never a marker.
 */
public final class HostsFile {

  public static final String BEGIN = "# BEGIN mirrorgate";
  public static final String END = "# END mirrorgate";

  static final int MAX_MARKER_LINE = 4096;
  private static final byte[] BEGIN_BYTES = BEGIN.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END_BYTES = END.getBytes(StandardCharsets.US_ASCII);
  private static final int CHUNK = 64 * 1024;

  private HostsFile() {}

  /** The block for {@code entries}, or an empty string when there are none. */
  public static String renderBlock(List<HostsEntry> entries) {
    if (entries.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder(BEGIN).append('\n');
    for (HostsEntry e : entries) {
      b.append(e.line()).append('\n');
    }
    return b.append(END).append('\n').toString();
  }

  /**
   * What a first pass over a hosts file finds.
   *
   * @param size its length in bytes
   * @param hasBlock whether it holds a {@code BEGIN} marker
   * @param lastByte its last byte, or -1 when it is empty
   * @param endsWithEndMarker whether, without its trailing white space, it ends with {@link #END}
   * @param pairedBegins bit k: the k-th {@code BEGIN} marker is followed by an {@code END} before
   *     any other marker (a block); otherwise only the marker line is dropped
   */
  public record Layout(
      long size, boolean hasBlock, int lastByte, boolean endsWithEndMarker, BitSet pairedBegins) {}

  /** A hosts file longer than the caller accepts. */
  public static final class TooLargeException extends IOException {
    public TooLargeException(long maxBytes) {
      super("larger than " + maxBytes + " bytes (not counting the agent's block)");
    }
  }

  /**
   * Reads a hosts file once; {@link TooLargeException} when its own lines (every byte but the
   * agent's blocks and markers, which a merge drops) are more than {@code maxBytes}, so that a file
   * at the limit can still be given its block and have it taken out. Reading stops at twice the
   * limit (at least 8 MiB beyond it).
   */
  public static Layout scan(InputStream in, long maxBytes) throws IOException {
    Scanner s = new Scanner(maxBytes);
    lines(in, s);
    Layout layout = s.layout();
    if (layout.size() - s.dropped > maxBytes) {
      throw new TooLargeException(maxBytes);
    }
    return layout;
  }

  /**
   * Streams {@code in} (the file {@code layout} describes) to {@code out} with its managed block
   * (if any) replaced by the block for {@code entries}. A new block goes at the end; when the file
   * does not end with a newline, one is added before it.
   */
  public static void merge(
      InputStream in, Layout layout, List<HostsEntry> entries, OutputStream out)
      throws IOException {
    Merger m = new Merger(layout, renderBlock(entries).getBytes(StandardCharsets.ISO_8859_1), out);
    lines(in, m);
    m.finish();
  }

  /** {@link #merge} of bytes in memory. */
  public static byte[] merge(byte[] existing, List<HostsEntry> entries) {
    try {
      Layout layout = scan(new ByteArrayInputStream(existing), Long.MAX_VALUE);
      ByteArrayOutputStream out = new ByteArrayOutputStream(existing.length + 256);
      merge(new ByteArrayInputStream(existing), layout, entries, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // no I/O on arrays
    }
  }

  /** {@code existing} without any managed block. */
  public static byte[] strip(byte[] existing) {
    return merge(existing, List.of());
  }

  /** Whether {@code existing} holds a managed block. */
  public static boolean hasBlock(byte[] existing) {
    try {
      return scan(new ByteArrayInputStream(existing), Long.MAX_VALUE).hasBlock();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private enum Marker {
    BEGIN,
    END
  }

  /** Receives a file line by line: markers whole, every other byte in order, in pieces. */
  private interface LineSink {
    /** A marker line of {@code length} bytes. */
    void marker(Marker marker, int length) throws IOException;

    void text(byte[] buf, int off, int len) throws IOException;

    /** Every byte read, before it is classified. */
    default void bytes(byte[] buf, int off, int len) throws IOException {}
  }

  /**
   * Splits {@code in} into lines (each with its {@code \n}). A line short enough to be a marker is
   * collected and classified; a longer one is passed on as text as it comes.
   */
  private static void lines(InputStream in, LineSink sink) throws IOException {
    byte[] chunk = new byte[CHUNK];
    byte[] line = new byte[MAX_MARKER_LINE];
    int lineLen = 0;
    boolean longLine = false;
    for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
      sink.bytes(chunk, 0, n);
      int start = 0;
      while (start < n) {
        int nl = indexOf(chunk, (byte) '\n', start, n);
        int end = nl < 0 ? n : nl + 1;
        int len = end - start;
        if (longLine) {
          sink.text(chunk, start, len);
        } else if (lineLen + len <= MAX_MARKER_LINE) {
          System.arraycopy(chunk, start, line, lineLen, len);
          lineLen += len;
        } else {
          sink.text(line, 0, lineLen);
          sink.text(chunk, start, len);
          lineLen = 0;
          longLine = true;
        }
        if (nl >= 0) {
          if (!longLine) {
            emit(line, lineLen, sink);
          }
          lineLen = 0;
          longLine = false;
        }
        start = end;
      }
    }
    if (!longLine && lineLen > 0) {
      emit(line, lineLen, sink);
    }
  }

  private static void emit(byte[] line, int len, LineSink sink) throws IOException {
    int from = 0;
    int to = len;
    while (from < to && isSpace(line[from])) {
      from++;
    }
    while (to > from && isSpace(line[to - 1])) {
      to--;
    }
    if (java.util.Arrays.equals(line, from, to, BEGIN_BYTES, 0, BEGIN_BYTES.length)) {
      sink.marker(Marker.BEGIN, len);
    } else if (java.util.Arrays.equals(line, from, to, END_BYTES, 0, END_BYTES.length)) {
      sink.marker(Marker.END, len);
    } else {
      sink.text(line, 0, len);
    }
  }

  private static int indexOf(byte[] b, byte v, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }

  /** {@link Character#isWhitespace} for a byte read as ISO-8859-1 (what {@code strip} removes). */
  private static boolean isSpace(byte b) {
    return b == ' ' || (b >= 9 && b <= 13) || (b >= 28 && b <= 31);
  }

  /** The first pass: size, last byte, markers and how they pair, the file's end. */
  private static final class Scanner implements LineSink {
    private final long maxBytes;
    private final BitSet paired = new BitSet();
    private long size;
    private int last = -1;
    private int begins;
    private int openBegin = -1;
    private int openBeginLength;
    private long openBytes; // of the lines after the open BEGIN
    long dropped; // bytes a merge leaves out: the agent's blocks and markers
    // The last END_BYTES.length bytes up to the last non-space byte, and the spaces after it.
    private final byte[] tail = new byte[END_BYTES.length];
    private int tailLen;
    private final byte[] spaces = new byte[END_BYTES.length];
    private long spaceCount;

    Scanner(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public void bytes(byte[] buf, int off, int len) throws IOException {
      size += len;
      if (size - maxBytes > Math.max(maxBytes, 8 << 20)) {
        throw new TooLargeException(maxBytes); // beyond what the agent's blocks could explain
      }
      for (int i = off; i < off + len; i++) {
        byte b = buf[i];
        if (isSpace(b)) {
          spaces[(int) (spaceCount++ % spaces.length)] = b;
        } else {
          long keep = Math.min(spaceCount, spaces.length);
          for (long k = spaceCount - keep; k < spaceCount; k++) {
            push(spaces[(int) (k % spaces.length)]);
          }
          spaceCount = 0;
          push(b);
        }
      }
      if (len > 0) {
        last = buf[off + len - 1] & 0xff;
      }
    }

    private void push(byte b) {
      if (tailLen < tail.length) {
        tail[tailLen++] = b;
      } else {
        System.arraycopy(tail, 1, tail, 0, tail.length - 1);
        tail[tail.length - 1] = b;
      }
    }

    @Override
    public void marker(Marker marker, int length) {
      if (marker == Marker.BEGIN) {
        if (openBegin >= 0) {
          dropped += openBeginLength; // an unterminated BEGIN: only its own line goes
        }
        openBegin = begins++;
        openBeginLength = length;
        openBytes = 0;
      } else {
        dropped += length; // an END: of a block, or stray
        if (openBegin >= 0) {
          paired.set(openBegin);
          dropped += openBeginLength + openBytes;
          openBegin = -1;
        }
      }
    }

    @Override
    public void text(byte[] buf, int off, int len) {
      if (openBegin >= 0) {
        openBytes += len;
      }
    }

    Layout layout() {
      if (openBegin >= 0) {
        dropped += openBeginLength;
        openBegin = -1;
      }
      boolean endsWithEnd = tailLen == tail.length && java.util.Arrays.equals(tail, END_BYTES);
      return new Layout(size, begins > 0, last, endsWithEnd, paired);
    }
  }

  /** The second pass: every byte but the old blocks and stray markers, the new block in place. */
  private static final class Merger implements LineSink {
    private final Layout layout;
    private final byte[] block;
    private final OutputStream out;
    private int begins;
    private boolean skipping;
    private boolean placed;
    private int lastOut = -1;
    private long read;

    Merger(Layout layout, byte[] block, OutputStream out) {
      this.layout = layout;
      this.block = block;
      this.out = out;
    }

    @Override
    public void bytes(byte[] buf, int off, int len) throws IOException {
      read += len;
      if (read > layout.size()) {
        throw changed();
      }
    }

    /**
     * The file is not the one {@link #scan} read (it changed in between): its blocks may be
     * elsewhere, so merging it could drop lines that are not the agent's.
     */
    private static IOException changed() {
      return new IOException("changed while the agent read it; not merged");
    }

    @Override
    public void marker(Marker marker, int length) throws IOException {
      if (marker == Marker.BEGIN) {
        if (skipping) {
          throw changed();
        }
        if (!placed) {
          write(block, 0, block.length);
          placed = true;
        }
        skipping = layout.pairedBegins().get(begins++);
      } else {
        skipping = false; // the END of a block, or a stray END: both are dropped
      }
    }

    @Override
    public void text(byte[] buf, int off, int len) throws IOException {
      if (!skipping) {
        write(buf, off, len);
      }
    }

    void finish() throws IOException {
      if (skipping || read != layout.size()) {
        throw changed();
      }
      if (!placed && block.length > 0) {
        if (lastOut >= 0 && lastOut != '\n') {
          write(new byte[] {'\n'}, 0, 1);
        }
        write(block, 0, block.length);
      }
    }

    private void write(byte[] b, int off, int len) throws IOException {
      if (len > 0) {
        out.write(b, off, len);
        lastOut = b[off + len - 1] & 0xff;
      }
    }
  }
}
