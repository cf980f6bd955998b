package dev.mirrorgate.webhook.deploy.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a server that can hold back the server's bytes (its
 * answers), as a slow network would: a sender whose timeout passes before the answer arrives sends
 * again a request the server already took. TLS passes through untouched; the server's first flight
 * of the TLS handshake (its answer to the client's first chunk, the ClientHello) is never held
 * back, so the request itself gets through.
 */
final class SlowAnswerProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int target;
  private volatile long delayMillis;

  SlowAnswerProxy(int target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptForever, "slow-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** From now on, every chunk of an answer waits {@code delay} (zero: none). */
  void delayAnswers(Duration delay) {
    delayMillis = delay.toMillis();
  }

  private void acceptForever() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
        AtomicInteger clientChunks = new AtomicInteger();
        pump(
            client.getInputStream(), server.getOutputStream(), clientChunks, false, client, server);
        pump(server.getInputStream(), client.getOutputStream(), clientChunks, true, client, server);
      } catch (IOException e) {
        // the listener closed, or the target refused: the sender sees a failed connection
      }
    }
  }

  private void pump(
      InputStream in,
      OutputStream out,
      AtomicInteger clientChunks,
      boolean answers,
      Socket a,
      Socket b) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (a;
                  b) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                  if (!answers) {
                    clientChunks.incrementAndGet();
                  }
                  long delay = delayMillis;
                  if (answers && delay > 0 && clientChunks.get() > 1) {
                    Thread.sleep(delay); // the slowness being simulated, not a synchronization
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                // one side closed: closing both (try-with-resources) ends the other pump
              }
            },
            answers ? "slow-proxy-answers" : "slow-proxy-requests");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
