package dev.mirrorgate.webhook.kube;

/**
 * The API server refused a request (HTTP status and its Status message), or it could not be reached
 * (status 0). Checked: every caller decides whether to retry.
 */
public class KubeException extends Exception {
  private final int status;

  public KubeException(int status, String message) {
    super(message);
    this.status = status;
  }

  public KubeException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  /** The HTTP status, 0 when the server was not reached. */
  public int status() {
    return status;
  }

  public boolean notFound() {
    return status == 404;
  }

  public boolean conflict() {
    return status == 409;
  }

  public boolean gone() {
    return status == 410;
  }
}
