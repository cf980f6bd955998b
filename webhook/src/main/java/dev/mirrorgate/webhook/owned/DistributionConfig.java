package dev.mirrorgate.webhook.owned;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The part of a distribution registry's {@code config.yml} that caching proxies and push registries
 * share: JSON logs, filesystem storage on the PVC, HTTPS only (TLS 1.2 or newer), a storage health
 * check. Written for distribution 2.8 (Debian's {@code docker-registry}, the {@code registry:2}
 * image) and read the same way by 3.x.
 */
public final class DistributionConfig {
  private DistributionConfig() {}

  /** The shared configuration; {@code service} names the registry in its log lines. */
  public static ObjectNode base(RegistryLayout layout, String service) {
    ObjectNode config = JsonNodeFactory.instance.objectNode();
    config.put("version", "0.1");
    ObjectNode log = config.putObject("log");
    log.put("level", "info");
    log.put("formatter", "json");
    log.putObject("fields").put("service", service);
    ObjectNode storage = config.putObject("storage");
    storage.putObject("filesystem").put("rootdirectory", layout.storageDirectory());
    storage.putObject("cache").put("blobdescriptor", "inmemory");
    ObjectNode http = config.putObject("http");
    http.put("addr", layout.listenAddress());
    ObjectNode tls = http.putObject("tls");
    tls.put("certificate", layout.certificateFile());
    tls.put("key", layout.keyFile());
    tls.put("minimumtls", "tls1.2");
    http.putObject("headers").putArray("X-Content-Type-Options").add("nosniff");
    ObjectNode health = config.putObject("health").putObject("storagedriver");
    health.put("enabled", true);
    health.put("interval", "10s");
    health.put("threshold", 3);
    return config;
  }
}
