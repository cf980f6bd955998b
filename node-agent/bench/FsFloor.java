// The file-system floor for an apply, for bench/footprint.sh: writes the files of SOURCE (a tree
// the agent produced) under TARGET with the same durability as the agent and nothing else:
// directories created, every file written to a temp file and fsynced by THREADS threads, renamed,
// every changed directory fsynced. No planning, no comparison, no state, no backups.
//
//   java bench/FsFloor.java SOURCE TARGET [THREADS=8]     prints: floor_ms=<ms> files=<n>
import java.nio.channels.FileChannel;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.stream.*;

public class FsFloor {
  public static void main(String[] args) throws Exception {
    Path source = Path.of(args[0]);
    Path target = Path.of(args[1]);
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    List<Path> files;
    try (Stream<Path> walk = Files.walk(source)) {
      files = walk.filter(Files::isRegularFile).map(source::relativize).sorted().toList();
    }
    Map<Path, byte[]> content = new LinkedHashMap<>();
    for (Path f : files) {
      content.put(target.resolve(f.toString()), Files.readAllBytes(source.resolve(f)));
    }
    long t0 = System.nanoTime();
    Set<Path> dirs = new LinkedHashSet<>();
    for (Path f : content.keySet()) {
      for (Path d = f.getParent(); !Files.isDirectory(d); d = d.getParent()) {
        dirs.add(d.getParent());
      }
      Files.createDirectories(f.getParent());
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (var e : content.entrySet()) {
      done.add(pool.submit(() -> {
        Path temp = e.getKey().resolveSibling("." + e.getKey().getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
          ch.write(java.nio.ByteBuffer.wrap(e.getValue()));
          ch.force(true);
        }
        return null;
      }));
    }
    for (Future<?> f : done) f.get();
    for (Path f : content.keySet()) {
      Files.move(f.resolveSibling("." + f.getFileName() + ".tmp"), f,
          StandardCopyOption.ATOMIC_MOVE);
      dirs.add(f.getParent());
    }
    done.clear();
    for (Path d : dirs) {
      done.add(pool.submit(() -> {
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
          ch.force(true);
        }
        return null;
      }));
    }
    for (Future<?> f : done) f.get();
    pool.shutdown();
    System.out.printf("floor_ms=%d files=%d%n", (System.nanoTime() - t0) / 1_000_000, content.size());
  }
}
