package dev.mirrorgate.webhook.ui.data;

/**
 * A vote that could not be recorded: {@code status} is the HTTP status the API answers with (404 no
 * such ImageUpdate, 409 not Pending any more, 503 the API server could not be reached), the message
 * says why.
 */
public final class VoteException extends Exception {
  private final int status;

  public VoteException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
