package dev.mirrorgate.agent.cli;

/** Exit statuses of the node agent commands. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int DIFFERS = 1;
  public static final int INVALID_MIRRORS = 2;
  public static final int NODE_ERROR = 3;

  private ExitCodes() {}
}
