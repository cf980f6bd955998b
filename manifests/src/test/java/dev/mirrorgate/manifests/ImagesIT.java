package dev.mirrorgate.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.common.testing.Prerequisites;
import dev.mirrorgate.manifests.ChartTools.Result;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The container images the Maven build makes with {@code -Pimages} ({@code
 * <module>/target/jib-image.tar}, OCI layout), read as a registry or a runtime would: named as the
 * manifests say, the shaded jar run as {@code java -jar} by a non-root user, OCI labels, a JRE and
 * the jar but no shell or package manager, fixed timestamps, a runtime with every module the jar
 * needs, and a real run of each jar inside its image's file system with the flags the manifests
 * ship. Skipped when the images were not built (fails under CI=true); the run needs root.
 */
class ImagesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> SHELLS_AND_PACKAGE_MANAGERS =
      Set.of(
          "sh",
          "bash",
          "dash",
          "ash",
          "zsh",
          "busybox",
          "apt",
          "apt-get",
          "dpkg",
          "yum",
          "dnf",
          "microdnf",
          "apk",
          "rpm");

  /** One image: its name, module, and the manifest that runs it. */
  record Image(String name, String module, Path manifests, String kind) {
    Path tar() {
      return Path.of("..", module, "target", "jib-image.tar");
    }

    Path jar() {
      return Path.of("..", module, "target", name + ".jar");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Image> IMAGES =
      List.of(
          new Image("mirrorgate-webhook", "webhook", Manifests.BASE, "Deployment"),
          new Image("mirrorgate-node-agent", "node-agent", Manifests.NODE_AGENT, "DaemonSet"));

  private static Path work;
  private static final Map<String, OciImage> opened = new HashMap<>();

  @BeforeAll
  static void imagesWereBuilt() throws IOException {
    List<String> missing = new ArrayList<>();
    for (Image image : IMAGES) {
      if (!Files.isRegularFile(image.tar()) || !Files.isRegularFile(image.jar())) {
        missing.add("no " + image.tar() + " or " + image.jar());
      } else if (Files.getLastModifiedTime(image.tar())
              .compareTo(Files.getLastModifiedTime(image.jar()))
          < 0) {
        missing.add(image.tar() + " is older than " + image.jar());
      }
    }
    if (!missing.isEmpty()) {
      String message =
          String.join(", ", missing)
              + ": build the images with ./mvnw -Pimages package"
              + " -Dmirrorgate.image.base.tar=\"$(bash .ci/base-image | tail -n1)\""
              + " (bash .ci/test does)";
      Prerequisites.missing("ImagesIT", null, message, null);
    }
    work = Files.createTempDirectory("mirrorgate-images");
  }

  @AfterAll
  static void deleteWork() throws IOException {
    if (work != null) {
      run(List.of("rm", "-rf", work.toString()));
    }
  }

  @ParameterizedTest
  @FieldSource("IMAGES")
  void itIsNamedAsTheManifestsAndTheChartSay(Image image) throws IOException {
    OciImage oci = open(image);
    assertThat(oci.refName()).isEqualTo(ImageNamesTest.image(image.name()));
    assertThat(container(image).path("image").asText()).isEqualTo(oci.refName());
  }

  /** With MIRRORGATE_BASE_IMAGE (bash .ci/test), the image is that base plus the jar's layer. */
  @ParameterizedTest
  @FieldSource("IMAGES")
  void itIsBuiltOnTheSelectedBaseImage(Image image) throws IOException {
    String base = System.getenv("MIRRORGATE_BASE_IMAGE");
    Assumptions.assumeTrue(base != null && !base.isBlank(), "MIRRORGATE_BASE_IMAGE is not set");
    Result manifest = run(List.of("tar", "-xOf", base, "manifest.json"));
    assertThat(manifest.exitCode()).as(manifest.stderr()).isZero();
    List<String> baseLayers =
        strings(JSON.readTree(manifest.stdout()).get(0).path("Layers")).stream()
            .map(l -> "sha256:" + l.replaceFirst("\\.tar\\.gz$", ""))
            .toList();
    List<String> layers =
        StreamSupport.stream(open(image).manifest().path("layers").spliterator(), false)
            .map(l -> l.path("digest").asText())
            .toList();
    assertThat(layers).hasSize(baseLayers.size() + 1);
    assertThat(layers.subList(0, baseLayers.size())).isEqualTo(baseLayers);
  }

  @ParameterizedTest
  @FieldSource("IMAGES")
  void itRunsTheShadedJarAsJavaDashJarAsANonRootUser(Image image) throws IOException {
    JsonNode config = open(image).config().path("config");
    assertThat(strings(config.path("Entrypoint")))
        .containsExactly("java", "-jar", "/app/" + image.name() + ".jar");
    assertThat(config.path("Cmd").isMissingNode() || config.path("Cmd").isNull()).isTrue();
    String user = config.path("User").asText();
    assertThat(user).as("numeric uid:gid, not root").matches("[1-9][0-9]*:[0-9]+");
    // The node agent's command names the same jar (DaemonSet `command`).
    JsonNode command = container(image).path("command");
    if (!command.isMissingNode()) {
      assertThat(strings(command)).isEqualTo(strings(config.path("Entrypoint")));
    }
    assertThat(strings(config.path("Env")))
        .anyMatch(e -> e.startsWith("PATH=") && e.contains("/usr/bin"));
  }

  @ParameterizedTest
  @FieldSource("IMAGES")
  void itCarriesTheOciLabels(Image image) throws IOException {
    JsonNode labels = open(image).config().at("/config/Labels");
    assertThat(labels.path("org.opencontainers.image.title").asText()).isEqualTo(image.name());
    assertThat(labels.path("org.opencontainers.image.version").asText())
        .isEqualTo(ImageNamesTest.version());
    assertThat(labels.path("org.opencontainers.image.source").asText()).startsWith("https://");
    assertThat(labels.path("org.opencontainers.image.revision").asText())
        .as("the commit built")
        .matches("[0-9a-f]{40}");
    assertThat(labels.path("org.opencontainers.image.licenses").asText()).isNotBlank();
  }

  @ParameterizedTest
  @FieldSource("IMAGES")
  void itHoldsAJavaRuntimeAndTheJarButNoShellOrPackageManager(Image image) throws IOException {
    OciImage oci = open(image);
    List<String> files = oci.files();
    assertThat(files).contains("usr/bin/java", "app/" + image.name() + ".jar");
    assertThat(files)
        .as("shells and package managers")
        .noneMatch(f -> SHELLS_AND_PACKAGE_MANAGERS.contains(f.substring(f.lastIndexOf('/') + 1)));
    // The jar in the image is the one the build just made (not a stale image).
    Path extracted =
        oci.extract(work.resolve(image.name() + "-jar"), "app/" + image.name() + ".jar");
    assertThat(sha256(extracted.resolve("app/" + image.name() + ".jar")))
        .isEqualTo(sha256(image.jar()));
  }

  /** Reproducible: no build time anywhere (the digests of two builds: .ci/reproducible-images). */
  @ParameterizedTest
  @FieldSource("IMAGES")
  void nothingInItCarriesTheBuildTime(Image image) throws IOException {
    OciImage oci = open(image);
    assertThat(oci.config().path("created").asText()).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(oci.config().path("history"))
        .allSatisfy(h -> assertThat(h.path("created").asText()).isEqualTo("1970-01-01T00:00:00Z"));
    for (Path layer : oci.layers()) {
      Result listing = run(List.of("tar", "--numeric-owner", "--utc", "-tvzf", layer.toString()));
      assertThat(listing.stdout().lines().filter(l -> !l.contains(" 1970-01-01 00:00")).toList())
          .as("entries of %s not dated 1970-01-01", layer.getFileName())
          .isEmpty();
    }
  }

  @ParameterizedTest
  @FieldSource("IMAGES")
  void itsRuntimeHasEveryModuleTheJarNeeds(Image image) throws IOException {
    OciImage oci = open(image);
    Path root = rootfs(image);
    Path release =
        oci.files().stream()
            .filter(f -> f.matches("usr/lib/jvm/[^/]+/release"))
            .map(root::resolve)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no usr/lib/jvm/*/release in " + image));
    Map<String, String> facts = new HashMap<>();
    for (String line : Files.readAllLines(release)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        facts.put(line.substring(0, eq), line.substring(eq + 1).replace("\"", ""));
      }
    }
    Set<String> inImage = new TreeSet<>(Arrays.asList(facts.get("MODULES").split(" ")));
    String feature = facts.get("JAVA_VERSION").split("\\.")[0];
    Path jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps");
    Result needed =
        run(
            List.of(
                jdeps.toString(),
                "--print-module-deps",
                "--ignore-missing-deps",
                "--multi-release",
                feature,
                image.jar().toString()));
    assertThat(needed.exitCode()).as(needed.stderr()).isZero();
    Set<String> missing = new TreeSet<>(Arrays.asList(needed.stdout().strip().split(",")));
    missing.removeAll(inImage);
    assertThat(missing)
        .as(
            "modules %s needs that the image's runtime lacks: add them to MODULES in .ci/base-image",
            image.jar())
        .isEmpty();
  }

  /**
   * The jar runs inside the image's own file system (its glibc, its runtime; a private PID and
   * mount namespace with /proc, as a container has), as the user its manifest runs it as, with the
   * environment of the image and the JVM flags of the manifest.
   */
  @ParameterizedTest
  @FieldSource("IMAGES")
  void theJarRunsInTheImageWithTheShippedFlags(Image image) throws IOException {
    Assumptions.assumeTrue(
        Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0),
        "chroot and unshare need root");
    JsonNode config = open(image).config().path("config");
    Path root = rootfs(image);
    Path input = Files.createDirectories(root.resolve("work"));
    run(List.of("chmod", "1777", input.toString()));
    JsonNode container = container(image);
    JsonNode pod = manifest(image).object().at("/spec/template/spec/securityContext");
    String user = pod.path("runAsUser").asText() + ":" + pod.path("runAsGroup").asText();

    Map<String, String> env = new HashMap<>();
    for (String e : strings(config.path("Env"))) {
      env.put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
    }
    env.put("MALLOC_ARENA_MAX", Manifests.env(container, "MALLOC_ARENA_MAX"));
    String flags = Manifests.env(container, "JAVA_TOOL_OPTIONS");
    List<String> args;
    String expected;
    if (image.module().equals("webhook")) {
      // -Xshare:on fails the start unless the image's class-data archive fits these flags.
      flags += " -Xshare:on";
      Files.copy(Path.of("..", "docs", "examples", "mapping.yaml"), input.resolve("mapping.yaml"));
      args = List.of("explain", "--mapping", "/work/mapping.yaml", "--", "nginx:1.27");
      expected = "mirror.mirrorgate.svc:5000/dockerhub/library/nginx:1.27";
    } else {
      Files.createDirectories(input.resolve("host/etc"));
      Files.writeString(input.resolve("host/etc/hosts"), "127.0.0.1 localhost\n");
      Files.writeString(
          input.resolve("mirrors.yaml"),
          """
          mirrors:
            - name: docker
              upstream: docker.io
              endpoint: https://10.96.0.15:443
              masquerade: mirror-docker.io
              address: 10.96.0.15
          """);
      args =
          List.of(
              "apply",
              "--mirrors",
              "/work/mirrors.yaml",
              "--host-root",
              "/work/host",
              "--outputs",
              "hosts,containerd");
      expected = null;
    }
    env.put("JAVA_TOOL_OPTIONS", flags);
    List<String> command =
        new ArrayList<>(
            List.of(
                "unshare",
                "--fork",
                "--pid",
                "--mount",
                "--mount-proc=" + root.resolve("proc"),
                "chroot",
                "--userspec=" + user,
                root.toString()));
    command.addAll(strings(config.path("Entrypoint")));
    command.addAll(args);
    Result result = run(command, env);
    assertThat(result.exitCode())
        .as("%s\n%s%s", command, result.stdout(), result.stderr())
        .isZero();
    if (expected != null) {
      assertThat(result.stdout()).contains(expected);
    } else {
      assertThat(Files.readString(input.resolve("host/etc/hosts")))
          .contains("# BEGIN mirrorgate", "10.96.0.15 mirror-docker.io");
      assertThat(input.resolve("host/etc/containerd/certs.d/docker.io/hosts.toml")).isRegularFile();
    }
  }

  private static synchronized OciImage open(Image image) throws IOException {
    OciImage oci = opened.get(image.name());
    if (oci == null) {
      oci = OciImage.read(image.tar(), work.resolve(image.name() + "-oci"));
      opened.put(image.name(), oci);
    }
    return oci;
  }

  /** The image's file system, extracted once (layers in order; Jib's layers have no whiteouts). */
  private static synchronized Path rootfs(Image image) throws IOException {
    Path root = work.resolve(image.name() + "-rootfs");
    if (!Files.isDirectory(root)) {
      Files.createDirectories(root);
      for (Path layer : open(image).layers()) {
        Result result =
            run(List.of("tar", "--numeric-owner", "-xzf", layer.toString(), "-C", root.toString()));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
      }
      Files.createDirectories(root.resolve("proc"));
    }
    return root;
  }

  private static Manifests.Manifest manifest(Image image) throws IOException {
    return Manifests.only(Manifests.objects(image.manifests()), image.kind());
  }

  private static JsonNode container(Image image) throws IOException {
    return manifest(image).object().at("/spec/template/spec/containers/0");
  }

  private static List<String> strings(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Result run(List<String> command) throws IOException {
    return run(command, Map.of());
  }

  static Result run(List<String> command, Map<String, String> env) throws IOException {
    return ChartTools.run(command, env, 5);
  }

  /** An OCI image layout tarball, unpacked: its index, manifest, config and layer blobs. */
  record OciImage(Path dir, String refName, JsonNode manifest, JsonNode config) {
    static OciImage read(Path tar, Path dir) throws IOException {
      Files.createDirectories(dir);
      Result result = run(List.of("tar", "-xf", tar.toString(), "-C", dir.toString()));
      assertThat(result.exitCode()).as(result.stderr()).isZero();
      JsonNode index = JSON.readTree(dir.resolve("index.json").toFile());
      assertThat(index.path("manifests")).as("one image in %s", tar).hasSize(1);
      JsonNode entry = index.path("manifests").get(0);
      JsonNode manifest = JSON.readTree(blob(dir, entry.path("digest").asText()).toFile());
      JsonNode config = JSON.readTree(blob(dir, manifest.at("/config/digest").asText()).toFile());
      return new OciImage(
          dir,
          entry.at("/annotations/org.opencontainers.image.ref.name").asText(),
          manifest,
          config);
    }

    List<Path> layers() {
      return StreamSupport.stream(manifest.path("layers").spliterator(), false)
          .map(l -> blob(dir, l.path("digest").asText()))
          .toList();
    }

    /** Every path in every layer, without a leading "./" or trailing "/". */
    List<String> files() throws IOException {
      List<String> files = new ArrayList<>();
      for (Path layer : layers()) {
        Result listing = run(List.of("tar", "-tzf", layer.toString()));
        assertThat(listing.exitCode()).as(listing.stderr()).isZero();
        listing
            .stdout()
            .lines()
            .map(l -> l.replaceFirst("^\\./", "").replaceFirst("/$", ""))
            .forEach(files::add);
      }
      return files;
    }

    /** Extracts {@code path} from whichever layer holds it into {@code into}. */
    Path extract(Path into, String path) throws IOException {
      Files.createDirectories(into);
      for (Path layer : layers()) {
        Result listing = run(List.of("tar", "-tzf", layer.toString()));
        if (listing.stdout().lines().anyMatch(l -> l.replaceFirst("^\\./", "").equals(path))) {
          Result result =
              run(List.of("tar", "-xzf", layer.toString(), "-C", into.toString(), path));
          assertThat(result.exitCode()).as(result.stderr()).isZero();
          return into;
        }
      }
      throw new AssertionError(path + " is in no layer");
    }

    private static Path blob(Path dir, String digest) {
      String[] parts = digest.split(":", 2);
      Path blob = dir.resolve("blobs").resolve(parts[0]).resolve(parts[1]);
      if (!Files.isRegularFile(blob)) {
        throw new UncheckedIOException(new IOException("no blob " + digest + " in " + dir));
      }
      return blob;
    }
  }
}
