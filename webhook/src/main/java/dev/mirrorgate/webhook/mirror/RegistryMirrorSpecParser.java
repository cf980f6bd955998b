package dev.mirrorgate.webhook.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorgate.common.mirrors.MasqueradeNames;
import dev.mirrorgate.webhook.owned.FieldErrors;
import dev.mirrorgate.webhook.owned.Owner;
import dev.mirrorgate.webhook.owned.Parsed;
import dev.mirrorgate.webhook.owned.PodOptions;
import dev.mirrorgate.webhook.owned.ReferencedSecret;
import dev.mirrorgate.webhook.owned.SpecReader;
import dev.mirrorgate.webhook.owned.Syntax;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a RegistryMirror, {@code mirrorgate.dev/v1alpha1} or mirror-operator's {@code
 * k8s.osp.tech/v1}, into a {@link RegistryMirrorSpec} with the contract's defaults, or into every
 * error it has, each with its field path ({@code spec.upstream: "Bad Host" is not a registry
 * host[:port]...}). Total: any JSON gives a result, never an exception.
 *
 * <p>The v1alpha1 schema catches most errors first; the legacy CRD has no schema at all, so for
 * {@code k8s.osp.tech/v1} this parser is the only check. Legacy fields: {@code upstreamUrl}, {@code
 * masqueradeUrl}, {@code credentialsSecret}, {@code volumeClaimTemplate} and the undocumented
 * {@code priorityClass} (used only when written: mirror-operator's default {@code user-standard}
 * made pods unschedulable where that class did not exist); the mode comes from the controller
 * ({@code --addressing-scheme}); other legacy fields are ignored.
 */
public final class RegistryMirrorSpecParser {
  public static final String API_VERSION = "mirrorgate.dev/v1alpha1";
  public static final String LEGACY_API_VERSION = "k8s.osp.tech/v1";
  public static final String KIND = "RegistryMirror";

  /**
   * The longest name: {@code registry-mirror-<name>-headless} is a Service name, a DNS label of at
   * most 63 characters.
   */
  public static final int MAX_NAME_LENGTH = 63 - "registry-mirror-".length() - "-headless".length();

  public static final MirrorMode DEFAULT_MODE = MirrorMode.HOSTESS;
  public static final int DEFAULT_REPLICAS = 1;
  public static final String DEFAULT_STORAGE = "20Gi";
  public static final String DEFAULT_ACCESS_MODE = "ReadWriteOnce";
  public static final String DEFAULT_CACHE_TTL = "168h";
  public static final String DEFAULT_IMAGE = "docker.io/library/registry:2";

  private static final List<String> ACCESS_MODES =
      List.of("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod");

  private final MirrorMode legacyMode;

  /** A parser whose {@code k8s.osp.tech/v1} objects get {@code legacyMode}. */
  public RegistryMirrorSpecParser(MirrorMode legacyMode) {
    this.legacyMode = Objects.requireNonNull(legacyMode, "legacyMode");
  }

  public RegistryMirrorSpecParser() {
    this(DEFAULT_MODE);
  }

  public Parsed<RegistryMirrorSpec> parse(JsonNode cr) {
    FieldErrors errors = new FieldErrors();
    SpecReader reader = new SpecReader(errors);
    if (cr == null || !cr.isObject()) {
      errors.add("RegistryMirror", "must be an object, got " + kind(cr));
      return Parsed.invalid(errors.list());
    }
    Owner owner = Owner.of(cr);
    boolean legacy = LEGACY_API_VERSION.equals(owner.apiVersion());
    if (!legacy && !API_VERSION.equals(owner.apiVersion())) {
      errors.add(
          "apiVersion",
          "\"" + owner.apiVersion() + "\" is not " + API_VERSION + " or " + LEGACY_API_VERSION);
    }
    if (!KIND.equals(owner.kind())) {
      errors.add("kind", "\"" + owner.kind() + "\" is not " + KIND);
    }
    checkName(owner.name(), errors);
    JsonNode spec = cr.get("spec");
    if (spec == null || !spec.isObject()) {
      errors.add("spec", spec == null || spec.isNull() ? "required" : "must be an object");
      return Parsed.invalid(errors.list());
    }
    String upstreamField = legacy ? "upstreamUrl" : "upstream";
    String masqueradeField = legacy ? "masqueradeUrl" : "masquerade";
    Optional<String> upstream = Optional.empty();
    if (!spec.hasNonNull(upstreamField) || spec.path(upstreamField).asText("x").isEmpty()) {
      errors.add("spec." + upstreamField, "required");
    } else {
      upstream = reader.checked(spec, upstreamField, "spec." + upstreamField, Syntax::registryHost);
    }
    String masquerade = masquerade(reader, spec, masqueradeField, upstream);
    MirrorMode mode = legacy ? legacyMode : mode(reader, spec);
    Optional<String> credentials =
        reader.checked(spec, "credentialsSecret", "spec.credentialsSecret", Syntax::dnsSubdomain);
    int replicas =
        legacy
            ? DEFAULT_REPLICAS
            : reader.integer(spec, "replicas", "spec.replicas", 0, 64).orElse(DEFAULT_REPLICAS);
    ObjectNode claim = volumeClaimSpec(reader, spec);
    String cacheTtl =
        legacy
            ? DEFAULT_CACHE_TTL
            : reader
                .checked(spec, "cacheTTL", "spec.cacheTTL", Syntax::goDuration)
                .orElse(DEFAULT_CACHE_TTL);
    String image =
        legacy
            ? DEFAULT_IMAGE
            : reader.checked(spec, "image", "spec.image", Syntax::image).orElse(DEFAULT_IMAGE);
    PodOptions pod = legacy ? legacyPod(reader, spec) : PodOptions.read(reader, spec, "spec");
    if (!errors.isEmpty()) {
      return Parsed.invalid(errors.list());
    }
    return Parsed.valid(
        new RegistryMirrorSpec(
            owner,
            upstream.orElseThrow(),
            masquerade,
            mode,
            credentials,
            replicas,
            claim,
            cacheTtl,
            image,
            pod));
  }

  /**
   * What is wrong with the credentials Secret of a valid spec ({@code secret} null when it does not
   * exist): a condition the schema cannot see, reported against {@code spec.credentialsSecret}. An
   * unreachable upstream is not an error of the CR and is not checked here.
   */
  public static List<String> credentialsProblems(
      RegistryMirrorSpec spec, String namespace, JsonNode secret) {
    if (spec.credentialsSecret().isEmpty()) {
      return List.of();
    }
    return ReferencedSecret.problems(
        "spec.credentialsSecret",
        namespace,
        spec.credentialsSecret().get(),
        secret,
        List.of("username", "password"));
  }

  private static void checkName(String name, FieldErrors errors) {
    if (name.isEmpty()) {
      errors.add("metadata.name", "required");
      return;
    }
    String problem = Syntax.dnsLabel(name, MAX_NAME_LENGTH);
    if (problem != null) {
      errors.add(
          "metadata.name",
          problem + " (Service registry-mirror-<name>-headless must be a DNS label of 63)");
    }
  }

  private static String masquerade(
      SpecReader reader, JsonNode spec, String field, Optional<String> upstream) {
    String path = "spec." + field;
    Optional<String> written = reader.string(spec, field, path);
    if (written.isPresent()) {
      String value = written.get();
      if (value.isEmpty()) {
        return "";
      }
      String problem =
          Syntax.ipAddress(value) == null
              ? "\"" + value + "\" is an IP address; a masquerade is a host name"
              : Syntax.dnsSubdomain(value);
      if (problem == null) {
        // what every node agent would refuse (and with it the whole mirrors document)
        problem = MasqueradeNames.problem(value, Set.of()).orElse(null);
      }
      if (problem != null) {
        reader.errors().add(path, problem);
        return "";
      }
      if (upstream.isPresent() && value.equals(RegistryMirrorSpec.hostOf(upstream.get()))) {
        reader
            .errors()
            .add(
                path,
                "\""
                    + value
                    + "\" is the upstream itself: nodes would send the upstream's own traffic to"
                    + " the mirror, and the mirror could not fall back to it");
      }
      return value;
    }
    if (upstream.isEmpty()) {
      return "";
    }
    String defaulted = "mirror-" + RegistryMirrorSpec.hostOf(upstream.get());
    if (Syntax.dnsSubdomain(defaulted) != null
        || MasqueradeNames.problem(defaulted, Set.of()).isPresent()) {
      reader
          .errors()
          .add(
              path,
              "the default \""
                  + defaulted
                  + "\" is not a host name; write a masquerade, or \"\" for none");
      return "";
    }
    return defaulted;
  }

  private static MirrorMode mode(SpecReader reader, JsonNode spec) {
    return reader
        .checked(
            spec,
            "mode",
            "spec.mode",
            v ->
                MirrorMode.of(v).isPresent()
                    ? null
                    : "\"" + v + "\" must be hostess, services or both")
        .flatMap(MirrorMode::of)
        .orElse(DEFAULT_MODE);
  }

  /** The PVC spec with RWO and 20Gi filled in; other fields are kept as written. */
  private static ObjectNode volumeClaimSpec(SpecReader reader, JsonNode spec) {
    String template = "spec.volumeClaimTemplate";
    String at = template + ".spec";
    JsonNode written =
        reader
            .object(spec, "volumeClaimTemplate", template)
            .flatMap(t -> reader.object(t, "spec", at))
            .orElse(NullNode.getInstance());
    ObjectNode claim =
        written.isObject()
            ? (ObjectNode) written.deepCopy()
            : JsonNodeFactory.instance.objectNode();
    Optional<JsonNode> modes = reader.array(claim, "accessModes", at + ".accessModes");
    if (modes.isEmpty() || modes.get().isEmpty()) {
      claim.putArray("accessModes").add(DEFAULT_ACCESS_MODE);
    } else {
      for (int i = 0; i < modes.get().size(); i++) {
        JsonNode m = modes.get().get(i);
        if (!m.isTextual() || !ACCESS_MODES.contains(m.asText())) {
          reader
              .errors()
              .add(
                  at + ".accessModes[" + i + "]",
                  kind(m) + " is not one of " + String.join(", ", ACCESS_MODES));
        }
      }
    }
    reader.checked(
        claim,
        "storageClassName",
        at + ".storageClassName",
        v -> v.isEmpty() ? null : Syntax.dnsSubdomain(v));
    ObjectNode resources =
        reader.object(claim, "resources", at + ".resources").isPresent()
            ? (ObjectNode) claim.get("resources")
            : claim.putObject("resources");
    ObjectNode requests =
        reader.object(resources, "requests", at + ".resources.requests").isPresent()
            ? (ObjectNode) resources.get("requests")
            : resources.putObject("requests");
    JsonNode storage = requests.get("storage");
    if (storage == null || storage.isNull()) {
      requests.put("storage", DEFAULT_STORAGE);
    } else {
      String text = storage.isTextual() || storage.isNumber() ? storage.asText() : null;
      String problem =
          text == null ? "must be a quantity, got " + kind(storage) : Syntax.quantity(text);
      if (problem != null) {
        reader.errors().add(at + ".resources.requests.storage", problem);
      }
    }
    return claim;
  }

  private static PodOptions legacyPod(SpecReader reader, JsonNode spec) {
    Optional<String> priorityClass =
        reader.checked(spec, "priorityClass", "spec.priorityClass", Syntax::dnsSubdomain);
    PodOptions none = PodOptions.NONE;
    return new PodOptions(priorityClass, none.nodeSelector(), none.tolerations(), none.resources());
  }

  private static String kind(JsonNode value) {
    return value == null ? "null" : SpecReader.kind(value);
  }
}
