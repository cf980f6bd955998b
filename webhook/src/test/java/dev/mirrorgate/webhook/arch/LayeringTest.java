package dev.mirrorgate.webhook.arch;

import static com.tngtech.archunit.lang.conditions.ArchConditions.onlyHaveDependenciesWhere;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ResourceEventHandler;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pure core, thin edges: the layering ARCHITECTURE.md and STYLE.md describe, checked. */
class LayeringTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          // common's test-jar (the KubeApiServer harness, which uses client-java) is a jar, not
          // test-classes, once packaged
          .withImportOption(location -> !location.contains("-tests.jar"))
          .importPackages("dev.mirrorgate");

  @Test
  void commonAndCertsDoNotDependOnVertx() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.mirrorgate.common..", "dev.mirrorgate.certs..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.vertx..")
        .check(CLASSES);
  }

  @Test
  void commonUsesNoKubernetesClientAndNoHttpStack() {
    // Both deployables share common; the node agent ships neither client-java nor OkHttp.
    noClasses()
        .that()
        .resideInAPackage("dev.mirrorgate.common..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.kubernetes..", "okhttp3..", "io.vertx..")
        .check(CLASSES);
  }

  /**
   * client-java belongs to the Kubernetes layers, {@code webhook.kube} and the certificate store
   * {@code certs.store}, and to the composition roots in {@code webhook.cli} that build its
   * clients. Elsewhere only these, each for its reason:
   *
   * <ul>
   *   <li>{@link ResourceEventHandler}, anywhere: the callback type of {@code
   *       kube.Informer#handler}; with it {@link KubernetesObject}, its type bound, which the
   *       compiler's bridge methods of a handler of {@code KubeObject} name.
   *   <li>client-java-extended's rate-limiting work queue in {@code webhook.controller}: a data
   *       structure (ReconcileLoop), no API traffic.
   * </ul>
   */
  @Test
  void noTypedKubernetesApis() {
    // A typed API call (CoreV1Api, AdmissionregistrationV1Api, client-java's informers) goes
    // through client-java's Gson model layer, whose first use loads ~2,000 classes (~10 MiB of
    // RSS); every request is JSON through kube.KubeRest or certs.store.JsonCalls instead.
    noClasses()
        .that()
        .resideInAnyPackage("dev.mirrorgate..")
        .and()
        .doNotHaveSimpleName("LazyModelsApiClient") // builds the model layer only if asked to
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.kubernetes.client.openapi.apis..",
            "io.kubernetes.client.informer.cache..",
            "io.kubernetes.client.informer.impl..",
            "io.kubernetes.client.util.generic..",
            "com.google.gson..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.kubernetes.client.informer.SharedInformerFactory")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.kubernetes.client.openapi.JSON")
        .check(CLASSES);
  }

  @Test
  void clientJavaOnlyInTheKubernetesLayer() {
    classes()
        .that()
        .resideInAnyPackage("dev.mirrorgate.webhook..", "dev.mirrorgate.certs..")
        .should(
            onlyHaveDependenciesWhere(
                DescribedPredicate.describe(
                    "client-java is used only by the Kubernetes layer, the composition roots and the"
                        + " named exceptions",
                    LayeringTest::clientJavaAllowed)))
        .check(CLASSES);
  }

  private static final Set<String> KUBERNETES_LAYER_AND_ROOTS =
      Set.of(
          "dev.mirrorgate.webhook.kube",
          "dev.mirrorgate.certs.store",
          "dev.mirrorgate.webhook.cli");

  private static boolean clientJavaAllowed(Dependency dependency) {
    JavaClass target = dependency.getTargetClass().getBaseComponentType();
    JavaClass origin = dependency.getOriginClass();
    if (!in(target, "io.kubernetes")) {
      return true;
    }
    if (KUBERNETES_LAYER_AND_ROOTS.stream().anyMatch(layer -> in(origin, layer))) {
      return true;
    }
    if (target.isEquivalentTo(ResourceEventHandler.class)
        || target.isEquivalentTo(KubernetesObject.class)) {
      return true;
    }
    if (in(origin, "dev.mirrorgate.webhook.controller")
        && in(target, "io.kubernetes.client.extended.workqueue")) {
      return true;
    }
    return false;
  }

  /** Whether {@code c} is in {@code root} or below it. */
  private static boolean in(JavaClass c, String root) {
    return c.getPackageName().equals(root) || c.getPackageName().startsWith(root + ".");
  }

  @Test
  void pushToDeployDecisionsArePure() {
    noClasses()
        .that()
        .resideInAPackage("dev.mirrorgate.common.update..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.vertx..",
            "io.netty..",
            "io.kubernetes..",
            "okhttp3..",
            "java.net..",
            "java.nio.file..",
            "java.net.http..",
            "dev.mirrorgate.common.kube..")
        .check(CLASSES);
  }

  @Test
  void thePkiCoreIsPureOnlyItsStoreTalksToKubernetes() {
    noClasses()
        .that()
        .resideInAPackage("dev.mirrorgate.certs")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.kubernetes..", "dev.mirrorgate.certs.store..")
        .check(CLASSES);
  }

  @Test
  void theMutationCoreKnowsNothingOfHttpOrVertx() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.mirrorgate.webhook.mutation..", "dev.mirrorgate.webhook.admission..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.vertx..", "io.netty..", "dev.mirrorgate.webhook.server..")
        .check(CLASSES);
  }

  /** The packages of the admission path: tiny, fast, independent of the cluster's size. */
  private static final String[] ADMISSION = {
    "dev.mirrorgate.webhook.admission..",
    "dev.mirrorgate.webhook.mutation..",
    "dev.mirrorgate.webhook.server..",
    "dev.mirrorgate.webhook.mapping..",
    "dev.mirrorgate.webhook.metrics.."
  };

  /** The packages of the controller: controllers, push-to-deploy, UI. */
  private static final String[] CONTROL_PLANE = {
    "dev.mirrorgate.webhook.controller..",
    "dev.mirrorgate.webhook.mirror..",
    "dev.mirrorgate.webhook.registry..",
    "dev.mirrorgate.webhook.deploy..",
    "dev.mirrorgate.webhook.ui.."
  };

  /**
   * What the reconcilers call to turn a CR into the objects it owns takes values and returns
   * values: the shared {@code owned} package, and the specs, parsers and renderers of {@code
   * mirror} and {@code registry} (the reconcilers beside them talk to the API).
   */
  @Test
  void theControllersSpecsParsersAndRenderersArePure() {
    DescribedPredicate<JavaClass> pure =
        DescribedPredicate.describe(
            "the controllers' specs, parsers and renderers",
            c ->
                c.getPackageName().startsWith("dev.mirrorgate.webhook.owned")
                    || (c.getPackageName().matches("dev\\.mirrorgate\\.webhook\\.(mirror|registry)")
                        && c.getSimpleName()
                            .matches(".*(Spec|SpecParser|Renderer|Mode|Inputs|Endpoint)")));
    noClasses()
        .that(pure)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.kubernetes..",
            "io.vertx..",
            "io.netty..",
            "okhttp3..",
            "java.net.http..",
            "java.nio.file..")
        .check(CLASSES);
  }

  @Test
  void generatedKubernetesModelsOnlyInTheKubernetesWiring() {
    // Objects are Jackson trees everywhere; client-java's models appear only where its informer
    // and leader-election machinery demand them.
    noClasses()
        .that()
        .resideInAPackage("dev.mirrorgate.webhook..")
        .and()
        .resideOutsideOfPackage("dev.mirrorgate.webhook.kube..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.kubernetes.client.openapi.models..")
        .check(CLASSES);
  }

  @Test
  void theAdmissionPathAndTheControlPlaneNeverImportEachOther() {
    noClasses()
        .that()
        .resideInAnyPackage(ADMISSION)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(CONTROL_PLANE)
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAnyPackage(CONTROL_PLANE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ADMISSION)
        .check(CLASSES);
  }

  @Test
  void onlyTheCompositionRootsReachAcrossLayers() {
    // The shared layers below both halves know neither half nor the command line.
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.mirrorgate.webhook.kube..",
            "dev.mirrorgate.webhook.tls..",
            "dev.mirrorgate.webhook.owned..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ADMISSION)
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage(CONTROL_PLANE)
        .orShould()
        .dependOnClassesThat()
        .resideInAPackage("dev.mirrorgate.webhook.cli..")
        .check(CLASSES);
  }
}
