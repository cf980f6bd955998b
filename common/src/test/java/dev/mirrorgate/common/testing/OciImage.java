package dev.mirrorgate.common.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/** Writes a tiny OCI image layout (one layer with one file) for skopeo to push. */
public final class OciImage {

  private OciImage() {}

  /** Writes the layout to {@code dir} with tag {@code tag}; returns the manifest digest. */
  public static String write(Path dir, String tag, String fileName, String content)
      throws IOException {
    byte[] tar = tar(fileName, content.getBytes(StandardCharsets.UTF_8));
    byte[] layer = gzip(tar);
    String config =
        """
        {"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["%s"]}}\
        """
            .formatted(digest(tar));
    byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
    String manifest =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
        "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},\
        "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%d}]}\
        """
            .formatted(digest(configBytes), configBytes.length, digest(layer), layer.length);
    byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
    Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
    for (byte[] blob : new byte[][] {layer, configBytes, manifestBytes}) {
      Files.write(blobs.resolve(digest(blob).substring("sha256:".length())), blob);
    }
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(
        dir.resolve("index.json"),
        """
        {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",\
        "digest":"%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}\
        """
            .formatted(digest(manifestBytes), manifestBytes.length, tag));
    return digest(manifestBytes);
  }

  private static byte[] tar(String name, byte[] data) {
    byte[] header = new byte[512];
    put(header, 0, name);
    put(header, 100, "0000644");
    put(header, 108, "0000000");
    put(header, 116, "0000000");
    put(header, 124, String.format("%011o", data.length));
    put(header, 136, String.format("%011o", 1_700_000_000L));
    header[156] = '0';
    put(header, 257, "ustar");
    put(header, 263, "00");
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    int sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, String.format("%06o", sum));
    header[154] = 0;
    header[155] = ' ';
    int padded = (data.length + 511) / 512 * 512;
    byte[] out = new byte[512 + padded + 1024];
    System.arraycopy(header, 0, out, 0, 512);
    System.arraycopy(data, 0, out, 512, data.length);
    return out;
  }

  private static void put(byte[] buf, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, buf, at, b.length);
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  public static String digest(byte[] data) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
