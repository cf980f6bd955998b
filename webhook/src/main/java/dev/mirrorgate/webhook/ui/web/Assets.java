package dev.mirrorgate.webhook.ui.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The UI's static files (CSS, JavaScript, icon), shipped in the jar and served under URLs that
 * carry a hash of their content ({@code /assets/ui.3f2a1b4c5d6e.css}): cached for a year, and a new
 * build's files get new URLs.
 */
public final class Assets {
  static final String PREFIX = "/assets/";
  private static final String BASE = "/dev/mirrorgate/webhook/ui/assets/";
  static final Map<String, String> TYPES =
      Map.of(
          "ui.css", "text/css; charset=utf-8",
          "ui.js", "text/javascript; charset=utf-8",
          "icon.svg", "image/svg+xml");

  /** One file: its bytes, content type, and the URL that names this content. */
  public record Asset(String name, byte[] bytes, String contentType, String url) {}

  private final Map<String, Asset> byName = new LinkedHashMap<>();
  private final Map<String, Asset> byUrl = new LinkedHashMap<>();

  public Assets() {
    for (Map.Entry<String, String> type : TYPES.entrySet()) {
      String name = type.getKey();
      byte[] bytes = load(name);
      int dot = name.lastIndexOf('.');
      String url = PREFIX + name.substring(0, dot) + "." + hash(bytes) + name.substring(dot);
      Asset asset = new Asset(name, bytes, type.getValue(), url);
      byName.put(name, asset);
      byUrl.put(url, asset);
    }
  }

  /** The URL of {@code name} ({@code ui.css}) as pages link it. */
  public String url(String name) {
    Asset asset = byName.get(name);
    if (asset == null) {
      throw new IllegalArgumentException("no asset " + name);
    }
    return asset.url();
  }

  /** The asset a request path names, if it names the current content of one. */
  public Optional<Asset> at(String path) {
    return Optional.ofNullable(byUrl.get(path));
  }

  private static byte[] load(String name) {
    try (InputStream in = Assets.class.getResourceAsStream(BASE + name)) {
      if (in == null) {
        throw new IllegalStateException("asset " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String hash(byte[] bytes) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
          .substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
