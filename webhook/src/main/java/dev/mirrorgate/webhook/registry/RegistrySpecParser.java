package dev.mirrorgate.webhook.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.mirrorgate.webhook.owned.FieldErrors;
import dev.mirrorgate.webhook.owned.Owner;
import dev.mirrorgate.webhook.owned.Parsed;
import dev.mirrorgate.webhook.owned.PodOptions;
import dev.mirrorgate.webhook.owned.ReferencedSecret;
import dev.mirrorgate.webhook.owned.RegistryLayout;
import dev.mirrorgate.webhook.owned.SpecReader;
import dev.mirrorgate.webhook.owned.Syntax;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a {@code mirrorgate.dev/v1alpha1} Registry into a {@link RegistrySpec} with the contract's
 * defaults, or into every error it has, each with its field path. Total: any JSON gives a result.
 */
public final class RegistrySpecParser {
  public static final String API_VERSION = "mirrorgate.dev/v1alpha1";
  public static final String KIND = "Registry";

  /** The longest name: {@code registry-<name>} is a Service name, a DNS label of at most 63. */
  public static final int MAX_NAME_LENGTH = 63 - "registry-".length();

  public static final int DEFAULT_REPLICAS = 1;
  public static final String DEFAULT_SIZE = "5Gi";
  public static final String DEFAULT_SERVICE_TYPE = "ClusterIP";
  public static final int DEFAULT_PORT = 5000;
  public static final String DEFAULT_ISSUER_KIND = "Issuer";
  public static final String DEFAULT_ISSUER_GROUP = "cert-manager.io";
  public static final String DEFAULT_IMAGE = "docker.io/library/registry:2";

  private static final Set<String> SERVICE_TYPES = Set.of("ClusterIP", "NodePort", "LoadBalancer");
  private static final Set<String> ISSUER_KINDS = Set.of("Issuer", "ClusterIssuer");

  /** The bcrypt hashes distribution's htpasswd authentication accepts. */
  private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$[0-9]{2}\\$.{53}");

  public Parsed<RegistrySpec> parse(JsonNode cr) {
    FieldErrors errors = new FieldErrors();
    SpecReader reader = new SpecReader(errors);
    if (cr == null || !cr.isObject()) {
      errors.add(
          "Registry", "must be an object, got " + (cr == null ? "null" : SpecReader.kind(cr)));
      return Parsed.invalid(errors.list());
    }
    Owner owner = Owner.of(cr);
    if (!API_VERSION.equals(owner.apiVersion())) {
      errors.add("apiVersion", "\"" + owner.apiVersion() + "\" is not " + API_VERSION);
    }
    if (!KIND.equals(owner.kind())) {
      errors.add("kind", "\"" + owner.kind() + "\" is not " + KIND);
    }
    if (owner.name().isEmpty()) {
      errors.add("metadata.name", "required");
    } else {
      String problem = Syntax.dnsLabel(owner.name(), MAX_NAME_LENGTH);
      if (problem != null) {
        errors.add(
            "metadata.name", problem + " (Service registry-<name> must be a DNS label of 63)");
      }
    }
    if (owner.namespace().isEmpty()) {
      errors.add("metadata.namespace", "required: a Registry is namespaced");
    }
    JsonNode spec = cr.get("spec");
    if (spec == null || spec.isNull()) {
      spec = MissingNode.getInstance(); // every field has a default
    } else if (!spec.isObject()) {
      errors.add("spec", "must be an object, got " + SpecReader.kind(spec));
      return Parsed.invalid(errors.list());
    }
    int replicas =
        reader.integer(spec, "replicas", "spec.replicas", 0, 64).orElse(DEFAULT_REPLICAS);
    RegistrySpec.Storage storage = storage(reader, spec);
    RegistrySpec.Service service = service(reader, spec);
    Optional<RegistrySpec.IssuerRef> issuer = issuer(reader, spec);
    OptionalInt nodeLocal = OptionalInt.empty();
    Optional<JsonNode> nodeLocalSpec = reader.object(spec, "nodeLocal", "spec.nodeLocal");
    if (nodeLocalSpec.isPresent()) {
      if (!nodeLocalSpec.get().hasNonNull("port")) {
        errors.add("spec.nodeLocal.port", "required");
      }
      Optional<Integer> port =
          reader.integer(nodeLocalSpec.get(), "port", "spec.nodeLocal.port", 1, 65535);
      nodeLocal = port.isPresent() ? OptionalInt.of(port.get()) : OptionalInt.empty();
    }
    Optional<String> htpasswd =
        reader
            .object(spec, "auth", "spec.auth")
            .flatMap(
                auth ->
                    reader.checked(
                        auth, "htpasswdSecret", "spec.auth.htpasswdSecret", Syntax::dnsSubdomain));
    boolean pushToDeploy = reader.bool(spec, "pushToDeploy", "spec.pushToDeploy").orElse(true);
    String image = reader.checked(spec, "image", "spec.image", Syntax::image).orElse(DEFAULT_IMAGE);
    PodOptions pod = PodOptions.read(reader, spec, "spec");
    if (!errors.isEmpty()) {
      return Parsed.invalid(errors.list());
    }
    return Parsed.valid(
        new RegistrySpec(
            owner,
            replicas,
            storage,
            service,
            issuer,
            nodeLocal,
            htpasswd,
            pushToDeploy,
            image,
            pod));
  }

  /**
   * What is wrong with the push users' Secret of a valid spec ({@code secret} null when it does not
   * exist), reported against {@code spec.auth.htpasswdSecret}: the key {@code htpasswd} must hold
   * {@code user:hash} lines with bcrypt hashes, the only kind distribution accepts ({@code htpasswd
   * -B}). Passwords and hashes are never quoted.
   */
  public static List<String> htpasswdProblems(RegistrySpec spec, JsonNode secret) {
    if (spec.htpasswdSecret().isEmpty()) {
      return List.of();
    }
    String path = "spec.auth.htpasswdSecret";
    String name = spec.htpasswdSecret().get();
    List<String> problems =
        new ArrayList<>(
            ReferencedSecret.problems(
                path, spec.namespace(), name, secret, List.of(RegistryLayout.HTPASSWD_KEY)));
    if (!problems.isEmpty()) {
      return problems;
    }
    String file = ReferencedSecret.value(secret, RegistryLayout.HTPASSWD_KEY).orElse("");
    String[] lines = file.split("\n", -1);
    int users = 0;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      String where =
          path
              + ": Secret \""
              + spec.namespace()
              + "/"
              + name
              + "\" key \"htpasswd\" line "
              + (i + 1);
      if (colon <= 0) {
        problems.add(where + ": not user:hash");
      } else if (!BCRYPT.matcher(line.substring(colon + 1)).matches()) {
        problems.add(
            where
                + ": the hash of user \""
                + line.substring(0, colon)
                + "\" is not bcrypt (\"$2y$...\", htpasswd -B); the registry accepts no other");
      } else {
        users++;
      }
    }
    if (users == 0 && problems.isEmpty()) {
      problems.add(
          path
              + ": Secret \""
              + spec.namespace()
              + "/"
              + name
              + "\" key \"htpasswd\" lists no user");
    }
    return problems;
  }

  private static RegistrySpec.Storage storage(SpecReader reader, JsonNode spec) {
    JsonNode storage =
        reader.object(spec, "storage", "spec.storage").orElse(MissingNode.getInstance());
    String size = DEFAULT_SIZE;
    JsonNode written = storage.get("size");
    if (written != null && !written.isNull()) {
      String text = written.isTextual() || written.isNumber() ? written.asText() : null;
      String problem =
          text == null
              ? "must be a quantity, got " + SpecReader.kind(written)
              : Syntax.quantity(text);
      if (problem != null) {
        reader.errors().add("spec.storage.size", problem);
      } else {
        size = text;
      }
    }
    Optional<String> storageClass =
        reader.checked(
            storage,
            "storageClassName",
            "spec.storage.storageClassName",
            v -> v.isEmpty() ? null : Syntax.dnsSubdomain(v));
    boolean retain =
        reader.bool(storage, "retainOnDelete", "spec.storage.retainOnDelete").orElse(true);
    return new RegistrySpec.Storage(size, storageClass, retain);
  }

  private static RegistrySpec.Service service(SpecReader reader, JsonNode spec) {
    JsonNode service =
        reader.object(spec, "service", "spec.service").orElse(MissingNode.getInstance());
    String type =
        reader
            .checked(
                service,
                "type",
                "spec.service.type",
                v ->
                    SERVICE_TYPES.contains(v)
                        ? null
                        : "\"" + v + "\" must be ClusterIP, NodePort or LoadBalancer")
            .orElse(DEFAULT_SERVICE_TYPE);
    int port = reader.integer(service, "port", "spec.service.port", 1, 65535).orElse(DEFAULT_PORT);
    Optional<String> loadBalancerIp =
        reader.checked(service, "loadBalancerIP", "spec.service.loadBalancerIP", Syntax::ipAddress);
    if (loadBalancerIp.isPresent() && !type.equals("LoadBalancer")) {
      reader
          .errors()
          .add(
              "spec.service.loadBalancerIP",
              "only allowed with type LoadBalancer, the type is " + type);
    }
    return new RegistrySpec.Service(
        type,
        port,
        loadBalancerIp,
        reader.stringMap(service, "annotations", "spec.service.annotations"));
  }

  private static Optional<RegistrySpec.IssuerRef> issuer(SpecReader reader, JsonNode spec) {
    Optional<JsonNode> ref =
        reader
            .object(spec, "tls", "spec.tls")
            .flatMap(tls -> reader.object(tls, "issuerRef", "spec.tls.issuerRef"));
    if (ref.isEmpty()) {
      return Optional.empty();
    }
    String at = "spec.tls.issuerRef";
    Optional<String> name = reader.checked(ref.get(), "name", at + ".name", Syntax::dnsSubdomain);
    if (!ref.get().hasNonNull("name")) {
      reader.errors().add(at + ".name", "required");
    }
    String kind =
        reader
            .checked(
                ref.get(),
                "kind",
                at + ".kind",
                v ->
                    ISSUER_KINDS.contains(v)
                        ? null
                        : "\"" + v + "\" must be Issuer or ClusterIssuer")
            .orElse(DEFAULT_ISSUER_KIND);
    String group =
        reader
            .checked(ref.get(), "group", at + ".group", Syntax::dnsSubdomain)
            .orElse(DEFAULT_ISSUER_GROUP);
    return name.map(n -> new RegistrySpec.IssuerRef(n, kind, group));
  }
}
