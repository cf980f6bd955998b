package dev.mirrorgate.common.update.intake;

/** A body that cannot be read as the payload its endpoint takes; the message says what is wrong. */
public final class MalformedPayloadException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedPayloadException(String reason) {
    super(reason, null, false, false);
  }
}
