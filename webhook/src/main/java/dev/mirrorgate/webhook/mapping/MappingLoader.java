package dev.mirrorgate.webhook.mapping;

import dev.mirrorgate.common.mapping.Mapping;
import dev.mirrorgate.common.mapping.MappingException;
import dev.mirrorgate.common.mapping.MappingParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Turns mapping documents into {@link LoadedMapping}s: the file name picks the syntax. */
public final class MappingLoader {
  private final Clock clock;

  public MappingLoader(Clock clock) {
    this.clock = clock;
  }

  /**
   * Parses a mapping file: {@code maps} (ImageSwap syntax) when the file is named {@code maps},
   * mapping.yaml otherwise.
   */
  public LoadedMapping fromFile(Path file, byte[] content) throws MappingException {
    String origin = file.toString();
    String text = decode(origin, content);
    Mapping mapping =
        "maps".equals(String.valueOf(file.getFileName()))
            ? MappingParser.parseImageSwapMaps(origin, text)
            : MappingParser.parseYaml(origin, text);
    return new LoadedMapping(mapping, origin, version(content), clock.instant());
  }

  /** Parses the data of a ConfigMap ({@code mapping.yaml} or {@code maps} key). */
  public LoadedMapping fromConfigMap(String origin, Map<String, String> data)
      throws MappingException {
    Mapping mapping = MappingParser.fromConfigMapData(origin, data);
    String joined =
        String.join("\n", data.getOrDefault("mapping.yaml", ""), data.getOrDefault("maps", ""));
    return new LoadedMapping(
        mapping, origin, version(joined.getBytes(StandardCharsets.UTF_8)), clock.instant());
  }

  private static String decode(String origin, byte[] content) throws MappingException {
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    try {
      return decoder.decode(java.nio.ByteBuffer.wrap(content)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new MappingException(List.of(origin + ": not valid UTF-8 text"));
    }
  }

  static String version(byte[] content) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
