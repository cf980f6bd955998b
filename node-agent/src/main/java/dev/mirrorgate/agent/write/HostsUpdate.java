package dev.mirrorgate.agent.write;

import dev.mirrorgate.agent.files.Content;
import dev.mirrorgate.agent.files.FileOps;
import dev.mirrorgate.agent.files.HostRoot;
import dev.mirrorgate.agent.files.NodeFileException;
import dev.mirrorgate.agent.plan.HostsEntry;
import dev.mirrorgate.agent.plan.HostsFile;
import dev.mirrorgate.agent.plan.NodePlan;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The change of {@code /etc/hosts} that puts the managed block in (or takes it out), streamed from
 * the file itself: {@link HostsFile#scan} once, a comparison of the merge with the file, and the
 * merge written to the temp file when they differ. A link at {@code /etc/hosts} is written through
 * to its target inside the host root, so the link stays as it was.
 */
final class HostsUpdate {

  /** The new content of {@code target}, and whether the agent added a final newline before it. */
  record Change(Path target, Content content, boolean addedNewline) {}

  private HostsUpdate() {}

  /** The change, or null when the file is already right (or absent and nothing is wanted). */
  static Change change(
      FileOps ops,
      HostRoot.Resolver r,
      List<HostsEntry> entries,
      boolean addedBefore,
      long maxBytes)
      throws IOException {
    Path target = r.resolve(NodePlan.HOSTS_PATH, true);
    FileOps.Kind kind = ops.kind(target);
    if (kind == FileOps.Kind.MISSING) {
      if (entries.isEmpty()) {
        return null;
      }
      byte[] block = HostsFile.renderBlock(entries).getBytes(StandardCharsets.ISO_8859_1);
      return new Change(target, Content.of(block), false);
    }
    if (kind != FileOps.Kind.FILE) {
      throw new NodeFileException("update", target, "is not a regular file");
    }
    HostsFile.Layout layout;
    try (InputStream in = ops.open(target)) {
      layout = HostsFile.scan(in, maxBytes);
    } catch (HostsFile.TooLargeException e) {
      throw new NodeFileException(
          "read", target, e.getMessage() + ", the most the agent edits; its block is not written");
    } catch (NodeFileException e) {
      throw e;
    } catch (IOException e) {
      throw new NodeFileException("read", target, e);
    }
    boolean added = addedBefore;
    boolean dropLast = false;
    if (!layout.hasBlock() && !entries.isEmpty()) {
      added = layout.size() > 0 && layout.lastByte() != '\n';
    } else if (layout.hasBlock() && entries.isEmpty()) {
      dropLast = added && layout.endsWithEndMarker(); // the newline the agent added goes too
      added = false;
    }
    boolean trim = dropLast;
    Content merged =
        out -> {
          try (InputStream in = ops.open(target)) {
            HostsFile.merge(in, layout, entries, trim ? new DropLastByte(out) : out);
          }
        };
    if (equal(ops, target, merged)) {
      return null;
    }
    return new Change(target, merged, added);
  }

  private static boolean equal(FileOps ops, Path file, Content content) throws IOException {
    try (InputStream in = ops.open(file)) {
      Comparing cmp = new Comparing(in);
      content.writeTo(cmp);
      return !cmp.differs && in.read() < 0;
    } catch (NodeFileException e) {
      throw e;
    } catch (IOException e) {
      throw new NodeFileException("read", file, e);
    }
  }

  /** Compares what is written to it with a stream, byte for byte. */
  private static final class Comparing extends OutputStream {
    private final InputStream expected;
    private final byte[] buf = new byte[16 * 1024];
    boolean differs;

    Comparing(InputStream expected) {
      this.expected = expected;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (!differs && len > 0) {
        int n = expected.readNBytes(buf, 0, Math.min(len, buf.length));
        if (n == 0 || !java.util.Arrays.equals(buf, 0, n, b, off, off + n)) {
          differs = true;
          return;
        }
        off += n;
        len -= n;
      }
    }
  }

  /** Passes every byte on but the last one. */
  private static final class DropLastByte extends FilterOutputStream {
    private int held = -1;

    DropLastByte(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      if (held >= 0) {
        out.write(held);
      }
      held = b & 0xff;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return;
      }
      if (held >= 0) {
        out.write(held);
      }
      out.write(b, off, len - 1);
      held = b[off + len - 1] & 0xff;
    }
  }
}
