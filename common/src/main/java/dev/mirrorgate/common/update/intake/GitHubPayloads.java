package dev.mirrorgate.common.update.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import java.util.List;
import java.util.Locale;

/**
 * GitHub's package webhooks ({@code POST /v1/webhooks/github}): the {@code registry_package} event
 * (and the {@code package} event) with {@code action: published} for a container package. GitHub
 * Container Registry versions carry {@code package_version.container_metadata.tag} (name and
 * digest) and {@code package_url} ({@code ghcr.io/owner/name:tag}); the old Docker registry ({@code
 * docker.pkg.github.com/owner/repo/name}) carried the tag as {@code package_version.version}.
 * Untagged versions and other actions are ignored. GitHub puts no event id in the body (it sends
 * {@code X-GitHub-Delivery}).
 */
final class GitHubPayloads implements PayloadParser {

  @Override
  public PushEvent.Source source() {
    return PushEvent.Source.GITHUB;
  }

  @Override
  public Intake parse(byte[] body, String registryName) throws MalformedPayloadException {
    JsonNode root = Payloads.object(body, "a GitHub registry_package or package event");
    String key = root.has("registry_package") ? "registry_package" : "package";
    JsonNode pkg = root.path(key);
    if (!pkg.isObject()) {
      throw new MalformedPayloadException(
          "expected a registry_package (or package) event: registry_package is missing");
    }
    String action = Payloads.text(root, "action");
    if (!action.equals("published")) {
      return ignored("action \"" + action + "\" (only published counts)");
    }
    String type = Payloads.text(pkg, "package_type");
    if (type.isEmpty()) {
      type = Payloads.text(pkg, "ecosystem");
    }
    String t = type.toLowerCase(Locale.ROOT);
    if (!t.equals("container") && !t.equals("docker")) {
      return ignored("a " + (type.isEmpty() ? "package" : type + " package") + ", not a container");
    }
    JsonNode version = pkg.path("package_version");
    JsonNode tagNode = version.path("container_metadata").path("tag");
    String name = Payloads.required(pkg, key + ".", "name");
    try {
      if (version.path("container_metadata").isObject()) {
        String tag = Payloads.text(tagNode, "name");
        if (tag.isEmpty()) {
          return ignored("an untagged container version");
        }
        String repository = repository(root, pkg, key, name);
        return new Intake(
            List.of(
                new PushEvent(
                    Payloads.image(repository, tag, Payloads.text(tagNode, "digest")),
                    null,
                    source())),
            List.of());
      }
      String tag = Payloads.text(version, "version");
      if (tag.isEmpty() || tag.startsWith("sha256:")) {
        return ignored("an untagged container version");
      }
      String fullName = Payloads.required(root, "", "repository", "full_name");
      String host = Payloads.host(Payloads.text(pkg, "registry", "url"));
      String repository =
          (host.isEmpty() ? "docker.pkg.github.com" : host) + "/" + fullName + "/" + name;
      return new Intake(
          List.of(
              new PushEvent(
                  Payloads.image(repository.toLowerCase(Locale.ROOT), tag, null), null, source())),
          List.of());
    } catch (InvalidImageReferenceException e) {
      throw new MalformedPayloadException(key + ": " + e.getMessage());
    }
  }

  /** {@code ghcr.io/owner/name}: from {@code package_url}, else registry host, namespace, name. */
  private static String repository(JsonNode root, JsonNode pkg, String key, String name)
      throws InvalidImageReferenceException, MalformedPayloadException {
    String packageUrl = Payloads.text(pkg, "package_version", "package_url");
    if (!packageUrl.isEmpty()) {
      String url =
          packageUrl.endsWith(":") ? packageUrl.substring(0, packageUrl.length() - 1) : packageUrl;
      return ImageReference.parse(url.toLowerCase(Locale.ROOT)).name();
    }
    String namespace = Payloads.text(pkg, "namespace");
    if (namespace.isEmpty()) {
      namespace = Payloads.text(pkg, "owner", "login");
    }
    if (namespace.isEmpty()) {
      throw new MalformedPayloadException(key + ".namespace is missing");
    }
    String host = Payloads.host(Payloads.text(pkg, "registry", "url"));
    return ((host.isEmpty() ? "ghcr.io" : host) + "/" + namespace + "/" + name)
        .toLowerCase(Locale.ROOT);
  }

  private static Intake ignored(String reason) {
    return new Intake(List.of(), List.of(new Intake.Ignored(null, reason)));
  }
}
