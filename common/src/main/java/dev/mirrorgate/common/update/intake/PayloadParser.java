package dev.mirrorgate.common.update.intake;

/** Reads one endpoint's payloads. */
public interface PayloadParser {

  /**
   * Reads a body (any content type: only the bytes count).
   *
   * @param body the request body
   * @param registryName the value of {@code X-Mirrorgate-Registry-Name} (or {@code
   *     X-Argoos-Registry-Name}) when the request has one, else null; only distribution
   *     notifications use it
   * @throws MalformedPayloadException when the body is not such a payload, saying why
   */
  Intake parse(byte[] body, String registryName) throws MalformedPayloadException;

  /** Who sends these payloads. */
  PushEvent.Source source();

  /** The parser for a source. */
  static PayloadParser of(PushEvent.Source source) {
    return switch (source) {
      case REGISTRY -> new RegistryNotifications();
      case NATIVE -> new NativePayloads();
      case DOCKERHUB -> new DockerHubPayloads();
      case QUAY -> new QuayPayloads();
      case HARBOR -> new HarborPayloads();
      case GITHUB -> new GitHubPayloads();
    };
  }
}
