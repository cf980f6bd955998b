package dev.mirrorgate.agent.files;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node's root as the agent sees it ({@code --host-root}), and the only way from a node path
 * ({@code etc/hosts}) to a path to act on. Symbolic links are resolved as the node itself resolves
 * them, with the host root as {@code /}: an absolute target starts at the host root and {@code ..}
 * never climbs above it (what {@code openat2(RESOLVE_IN_ROOT)} does). So no path leaves the root: a
 * link that the kernel, inside the agent's container, would follow to the container's own files
 * (or, outside a container, to another directory) is read instead and followed inside the root.
 *
 * <p>Every existing directory on the way is checked with {@code lstat}; a link whose target does
 * not exist under the root, a loop, or a file where a directory is expected is an error naming the
 * path. The last component is followed only when asked ({@code /etc/hosts} is written through a
 * link to its target; the agent's own files replace a link). The checks and the operations that
 * follow are separate system calls: a directory swapped for a link between them is followed by the
 * kernel. Closing that window needs {@code openat2}, which neither NIO nor JNR-POSIX offers; only a
 * process that can already rewrite the host's {@code /etc} can open it.
 */
public final class HostRoot {

  /** Links followed in one resolution, as Linux's {@code MAXSYMLINKS}. */
  static final int MAX_LINKS = 40;

  private final Path root;
  private final FileOps ops;

  public HostRoot(Path root, FileOps ops) {
    this.root = root.toAbsolutePath().normalize();
    this.ops = ops;
  }

  public Path path() {
    return root;
  }

  public FileOps ops() {
    return ops;
  }

  /**
   * Why {@code rel} is not a node path the agent may name (relative, {@code /}-separated, no empty,
   * {@code .} or {@code ..} component, no NUL), or empty when it is.
   */
  public static Optional<String> problem(String rel) {
    if (rel == null || rel.isEmpty()) {
      return Optional.of("is empty");
    }
    if (rel.startsWith("/")) {
      return Optional.of("is an absolute path");
    }
    if (rel.indexOf('\0') >= 0) {
      return Optional.of("contains a NUL character");
    }
    for (String part : rel.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return Optional.of("is not a plain relative path (an empty, . or .. component)");
      }
    }
    return Optional.empty();
  }

  /** A resolver whose directory lookups are remembered: for one operation under the lock. */
  public Resolver resolver() {
    return new Resolver();
  }

  /** {@link Resolver#resolve} with a fresh resolver. */
  public Path resolve(String rel, boolean followLast) throws IOException {
    return resolver().resolve(rel, followLast);
  }

  /** Whether {@code rel}, followed inside the root, is a directory; false when it cannot be. */
  public boolean isDirectory(String rel) {
    try {
      return ops.kind(resolve(rel, true)) == FileOps.Kind.DIRECTORY;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Resolves node paths; remembers the directories it resolved last (a few hundred: files come
   * sorted, so the files of one directory come together, and its ancestors are few).
   */
  public final class Resolver {

    private static final int REMEMBERED = 256;

    /** A resolved directory: its path, and whether it does not exist (nor anything below it). */
    private record Dir(Path path, boolean missing) {}

    private final Map<String, Dir> directories =
        new LinkedHashMap<>(REMEMBERED * 2, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Dir> eldest) {
            return size() > REMEMBERED;
          }
        };

    private Resolver() {}

    /**
     * The path to act on for the node path {@code rel}: every directory above it resolved inside
     * the root, and the last component too when {@code followLast}. Components that do not exist
     * yet (directories the agent is about to create) are kept as they are written.
     */
    public Path resolve(String rel, boolean followLast) throws IOException {
      Optional<String> problem = problem(rel);
      if (problem.isPresent()) {
        throw new NodeFileException("resolve", root.resolve("./" + rel), problem.get());
      }
      int slash = rel.lastIndexOf('/');
      Dir parent = slash < 0 ? new Dir(root, false) : directory(rel.substring(0, slash));
      Path last = parent.path().resolve(rel.substring(slash + 1));
      if (followLast && !parent.missing() && ops.kind(last) == FileOps.Kind.SYMLINK) {
        return walk(root.relativize(last).toString(), true);
      }
      return last;
    }

    /** The directory {@code rel}, from its parent's resolution and one {@code lstat}. */
    private Dir directory(String rel) throws IOException {
      Dir known = directories.get(rel);
      if (known != null) {
        return known;
      }
      int slash = rel.lastIndexOf('/');
      Dir parent = slash < 0 ? new Dir(root, false) : directory(rel.substring(0, slash));
      Path path = parent.path().resolve(rel.substring(slash + 1));
      Dir dir;
      if (parent.missing()) {
        dir = new Dir(path, true);
      } else {
        dir =
            switch (ops.kind(path)) {
              case DIRECTORY -> new Dir(path, false);
              case MISSING -> new Dir(path, true);
              case SYMLINK -> {
                Path real = walk(root.relativize(path).toString(), true);
                yield new Dir(real, ops.kind(real) == FileOps.Kind.MISSING);
              }
              default ->
                  throw new NodeFileException(
                      "resolve",
                      root.resolve(rel),
                      "/" + root.relativize(path) + " is not a directory");
            };
      }
      directories.put(rel, dir);
      return dir;
    }

    /** One component to resolve; {@code fromLink} when it comes from a link's target. */
    private record Part(String name, boolean fromLink, String link) {}

    private Path walk(String rel, boolean followLast) throws IOException {
      Deque<Part> todo = new ArrayDeque<>();
      for (String name : rel.split("/")) {
        todo.add(new Part(name, false, null));
      }
      List<String> done = new ArrayList<>();
      boolean missing = false;
      int links = 0;
      while (!todo.isEmpty()) {
        Part part = todo.pop();
        if (part.name().isEmpty() || part.name().equals(".")) {
          continue;
        }
        if (part.name().equals("..")) {
          if (!done.isEmpty()) {
            done.removeLast(); // never above the root
          }
          continue;
        }
        Path path = join(done, part.name());
        if (missing) {
          done.add(part.name());
          continue;
        }
        boolean last = todo.isEmpty();
        switch (ops.kind(path)) {
          case MISSING -> {
            if (part.fromLink()) {
              throw new NodeFileException(
                  "resolve",
                  root.resolve(rel),
                  part.link()
                      + " is a symbolic link to a path that does not exist under the host root "
                      + root);
            }
            missing = true;
            done.add(part.name());
          }
          case SYMLINK -> {
            if (last && !followLast) {
              done.add(part.name());
              continue;
            }
            if (++links > MAX_LINKS) {
              throw new NodeFileException(
                  "resolve", root.resolve(rel), "more than " + MAX_LINKS + " symbolic links");
            }
            String target = ops.readLink(path);
            String link = "/" + root.relativize(path) + " -> " + target;
            if (target.startsWith("/")) {
              done.clear(); // an absolute target starts at the host root
            }
            String[] names = target.split("/");
            for (int i = names.length - 1; i >= 0; i--) {
              todo.push(new Part(names[i], true, link));
            }
          }
          case DIRECTORY -> done.add(part.name());
          default -> {
            if (!last) {
              throw new NodeFileException(
                  "resolve",
                  root.resolve(rel),
                  "/" + root.relativize(path) + " is not a directory");
            }
            done.add(part.name());
          }
        }
      }
      return join(done, null);
    }

    private Path join(List<String> parts, String next) {
      Path p = root;
      for (String part : parts) {
        p = p.resolve(part);
      }
      return next == null ? p : p.resolve(next);
    }
  }
}
