package dev.mirrorgate.webhook.deploy.intake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One TLS connection written and read byte by byte, for what an HTTP client library hides: several
 * requests on one connection, a body sent late or never, interim 100 answers, a closed connection.
 */
final class RawHttps implements AutoCloseable {
  /** An answer read off the connection. */
  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final SSLSocket socket;
  private final OutputStream out;
  private final InputStream in;

  RawHttps(SSLContext context, int port) throws IOException {
    socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    socket.setSoTimeout(20_000);
    socket.startHandshake();
    out = socket.getOutputStream();
    in = socket.getInputStream();
  }

  /** Writes a request head (request line, headers, blank line). */
  RawHttps head(String method, String path, Map<String, String> headers) throws IOException {
    StringBuilder head =
        new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    head.append("\r\n");
    return write(head.toString().getBytes(StandardCharsets.US_ASCII));
  }

  RawHttps write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Writes one chunk of a chunked body, in one write. */
  RawHttps chunk(byte[] bytes) throws IOException {
    byte[] size = (Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[size.length + bytes.length + 2];
    System.arraycopy(size, 0, all, 0, size.length);
    System.arraycopy(bytes, 0, all, size.length, bytes.length);
    all[all.length - 2] = '\r';
    all[all.length - 1] = '\n';
    return write(all);
  }

  /** A complete POST with a Content-Length body. */
  RawHttps post(String path, byte[] body, Map<String, String> headers) throws IOException {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("Content-Length", Integer.toString(body.length));
    head("POST", path, all);
    return write(body);
  }

  /** Reads the next answer (a body with Content-Length, or none). */
  Response read() throws IOException {
    String statusLine = line();
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = line(); !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  /** Whether the server closed the connection (end of stream, or a reset) within the timeout. */
  boolean closedByServer() throws IOException {
    try {
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new IOException("connection closed before a full answer: " + line);
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
