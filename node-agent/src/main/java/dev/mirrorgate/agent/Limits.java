package dev.mirrorgate.agent;

/**
 * What the node agent accepts, chosen so that the shipped heap ({@code -Xmx16m}) holds the largest
 * of each at once, with room to spare; measured by {@code LimitsIT} against the real jar with the
 * DaemonSet's JVM flags (node-agent/README.md, "Limits"). Beyond them the agent refuses with a
 * message that names the limit, instead of running out of memory.
 */
public final class Limits {

  /**
   * The largest mirrors document in bytes: what a ConfigMap holds (the API server refuses a
   * ConfigMap whose data is larger than 1 MiB).
   */
  public static final long MIRRORS_DOCUMENT_BYTES = 1024 * 1024;

  /** The most mirrors in one document. */
  public static final int MIRRORS = 2000;

  /**
   * The largest /etc/hosts the agent edits. The file is streamed, so the heap is not what limits
   * it; reading it twice and writing it once at every change costs I/O and time.
   */
  public static final long HOSTS_FILE_BYTES = 64L * 1024 * 1024;

  /** The largest state file read (the state of {@link #MIRRORS} mirrors is a fraction of it). */
  public static final long STATE_BYTES = 16L * 1024 * 1024;

  private Limits() {}
}
