package dev.mirrorgate.agent.files;

/** Owner and permission bits of a file, kept when the agent replaces or restores it. */
public record FileMeta(int mode, int uid, int gid) {

  /** What a file the agent creates gets: rw-r--r--, owned by the agent's user. */
  public static FileMeta defaultFor(int uid, int gid) {
    return new FileMeta(0644, uid, gid);
  }
}
