package dev.mirrorgate.webhook.owned;

/**
 * Where a distribution registry finds its files and listens: the in-container paths the pods mount
 * ({@link #IN_CONTAINER}), or a test's temporary directory. {@code config.yml} and the pod spec are
 * rendered from the same layout, so they always agree.
 *
 * @param listenAddress {@code http.addr}, {@code :5000} in a pod
 * @param configDirectory holds {@code config.yml} (and a Registry's notification CA)
 * @param tlsDirectory holds {@code tls.crt}, {@code tls.key} and {@code ca.crt} (a {@code
 *     kubernetes.io/tls} Secret)
 * @param storageDirectory the filesystem storage root, on the PVC
 * @param htpasswdDirectory holds {@code htpasswd} (a Registry's push users)
 */
public record RegistryLayout(
    String listenAddress,
    String configDirectory,
    String tlsDirectory,
    String storageDirectory,
    String htpasswdDirectory) {

  /** The port the registry container serves HTTPS on. */
  public static final int CONTAINER_PORT = 5000;

  /**
   * The layout inside the pods. {@code /etc/docker/registry/config.yml} is the path the {@code
   * registry:2} image's entrypoint is given; the container's args name it explicitly so that {@code
   * registry:3} images (default {@code /etc/distribution}) use it too.
   */
  public static final RegistryLayout IN_CONTAINER =
      new RegistryLayout(
          ":" + CONTAINER_PORT,
          "/etc/docker/registry",
          "/etc/registry-tls",
          "/var/lib/registry",
          "/etc/registry-auth");

  /** The key (and file name) of the configuration. */
  public static final String CONFIG_KEY = "config.yml";

  /** The key (and file name) of the CA a Registry trusts for its notification endpoint. */
  public static final String NOTIFICATION_CA_KEY = "mirrorgate-ca.crt";

  /** The key (and file name) of a Registry's htpasswd file in the user's Secret. */
  public static final String HTPASSWD_KEY = "htpasswd";

  public String configFile() {
    return configDirectory + "/" + CONFIG_KEY;
  }

  public String certificateFile() {
    return tlsDirectory + "/tls.crt";
  }

  public String keyFile() {
    return tlsDirectory + "/tls.key";
  }

  public String htpasswdFile() {
    return htpasswdDirectory + "/" + HTPASSWD_KEY;
  }

  public String notificationCaFile() {
    return configDirectory + "/" + NOTIFICATION_CA_KEY;
  }

  /** This layout listening on {@code address} instead. */
  public RegistryLayout listeningOn(String address) {
    return new RegistryLayout(
        address, configDirectory, tlsDirectory, storageDirectory, htpasswdDirectory);
  }
}
