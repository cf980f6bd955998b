package dev.mirrorgate.agent;

/**
 * What the node agent accepts, chosen so that the shipped heap ({@code -Xmx24m}) holds the largest
 * of each at once, with room to spare; held just at each limit and refused just above by {@code
 * MemoryLimitsIT} and {@code ConfigMapLimitsIT} against the real jar with the DaemonSet's JVM flags
 * (node-agent/README.md, "Limits"). Beyond them the agent refuses with a message that names the
 * limit, instead of running out of memory.
 */
public final class Limits {

  /**
   * The largest mirrors document in bytes: what a ConfigMap holds (the API server refuses a
   * ConfigMap whose data is larger than 1 MiB).
   */
  public static final long MIRRORS_DOCUMENT_BYTES = 1024 * 1024;

  /**
   * The most mirrors in one document. Measured worst case (every mirror with its own CA, every
   * output, the document at {@link #MIRRORS_DOCUMENT_BYTES}): the watch that follows such a
   * ConfigMap through a change of every CA needs an 18-20 MiB heap.
   */
  public static final int MIRRORS = 2000;

  /**
   * The largest /etc/hosts the agent edits, not counting its own block. The file is streamed, so
   * the heap is not what limits it (the agent's memory is the same for 1 KiB and for 64 MiB);
   * reading it twice and writing it once at every change costs I/O and time, and a resolver that
   * scans a larger file at every lookup is a problem of its own.
   */
  public static final long HOSTS_FILE_BYTES = 64L * 1024 * 1024;

  /** The largest state file read (the state of {@link #MIRRORS} mirrors is a fraction of it). */
  public static final long STATE_BYTES = 16L * 1024 * 1024;

  private Limits() {}
}
