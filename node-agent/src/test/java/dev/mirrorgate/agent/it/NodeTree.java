package dev.mirrorgate.agent.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Everything under a directory as a comparable value: each entry's kind, mode, owner and either its
 * bytes' checksum and size or its link target. Links are never followed. Equal trees mean the node
 * was given back exactly as it was (and a directory outside the root was not touched).
 */
final class NodeTree {

  private NodeTree() {}

  static SortedMap<String, String> of(Path dir) throws IOException {
    SortedMap<String, String> out = new TreeMap<>();
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        out.put(dir.relativize(p).toString(), describe(p));
      }
    }
    return out;
  }

  private static String describe(Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
    String meta =
        Integer.toOctalString((Integer) a.get("mode")) + " " + a.get("uid") + ":" + a.get("gid");
    if (Files.isSymbolicLink(p)) {
      return "link -> " + Files.readSymbolicLink(p);
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      return "dir " + meta;
    }
    return "file " + meta + " " + Files.size(p) + " bytes crc " + checksum(p);
  }

  static long checksum(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        crc.update(buf, 0, n);
      }
    }
    return crc.getValue();
  }
}
