package dev.mirrorgate.agent.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host-root lock that serializes a running agent, {@code apply} and {@code cleanup}: held
 * against other processes for as long as it is held (an fcntl lock is dropped as soon as the
 * process closes any descriptor of the file, so taking it must not reopen the file), and a waiter
 * on a file its holder deleted starts again on the path.
 */
class PosixFileOpsLockTest {

  @TempDir Path dir;
  final PosixFileOps ops = new PosixFileOps();

  @Test
  void anotherProcessCannotTakeTheLockWhileItIsHeld() throws Exception {
    Path file = dir.resolve("run/mirrorgate.lock");
    try (FileOps.Lock lock = ops.lock(file, true).orElseThrow()) {
      assertThat(lock.createdDirectories()).containsExactly(dir.resolve("run"));
      assertThat(probe(file)).isEqualTo("held");
    }
    assertThat(probe(file)).isEqualTo("free");
  }

  @Test
  void aWaiterWithoutCreateGetsNothingOnceTheHolderDeletedTheFile() throws Exception {
    Path file = dir.resolve("mirrorgate.lock");
    FileOps.Lock held = ops.lock(file, true).orElseThrow();
    CompletableFuture<Optional<FileOps.Lock>> waiter = waitFor(file, false);

    held.deleteFile();
    held.close();

    assertThat(waiter.get(10, TimeUnit.SECONDS)).isEmpty();
    assertThat(file).doesNotExist();
  }

  @Test
  void aWaiterWithCreateLocksTheNewFileAtThePath() throws Exception {
    Path file = dir.resolve("mirrorgate.lock");
    FileOps.Lock held = ops.lock(file, true).orElseThrow();
    CompletableFuture<Optional<FileOps.Lock>> waiter = waitFor(file, true);

    held.deleteFile();
    held.close();

    try (FileOps.Lock lock = waiter.get(10, TimeUnit.SECONDS).orElseThrow()) {
      assertThat(file).exists();
      assertThat(probe(file)).isEqualTo("held");
      assertThat(Files.readString(file, StandardCharsets.US_ASCII)).isEmpty();
    }
  }

  @Test
  void withoutCreateAMissingFileIsNotCreated() throws Exception {
    assertThat(ops.lock(dir.resolve("run/mirrorgate.lock"), false)).isEmpty();
    assertThat(dir.resolve("run")).doesNotExist();
  }

  /** Starts taking the lock on another thread and returns once it waits. */
  private CompletableFuture<Optional<FileOps.Lock>> waitFor(Path file, boolean create) {
    Thread[] waiting = new Thread[1];
    CompletableFuture<Optional<FileOps.Lock>> f =
        CompletableFuture.supplyAsync(
            () -> {
              waiting[0] = Thread.currentThread();
              try {
                return ops.lock(file, create);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Objects.nonNull(waiting[0])
                    && (waiting[0].getState() == Thread.State.TIMED_WAITING
                        || waiting[0].getState() == Thread.State.WAITING
                        || waiting[0].getState() == Thread.State.BLOCKED));
    assertThat(f).isNotDone();
    return f;
  }

  /** "held" or "free": what another process finds when it tries the lock of {@code file}. */
  private static String probe(Path file) throws Exception {
    Path source = Path.of(PosixFileOpsLockTest.class.getResource("/lock/LockProbe.java").toURI());
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p =
        new ProcessBuilder(java, source.toString(), file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
