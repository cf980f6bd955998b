package dev.mirrorgate.webhook.admission;

/** A body that is not a usable AdmissionReview; answered with {@link #status()} and the message. */
public final class AdmissionDecodeException extends Exception {
  private final int status;

  public AdmissionDecodeException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status to answer with (4xx). */
  public int status() {
    return status;
  }
}
