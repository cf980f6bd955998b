import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Run as another process: prints "held" when another process holds the fcntl lock, else "free". */
public class LockProbe {
  public static void main(String[] args) throws Exception {
    try (FileChannel ch =
        FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock lock = ch.tryLock();
      System.out.println(lock == null ? "held" : "free");
    }
  }
}
