package dev.mirrorgate.webhook.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Pure core, thin edges: the layering ARCHITECTURE.md and STYLE.md describe, checked. */
class LayeringTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
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
  void noGeneratedKubernetesModelsInAdmission() {
    noClasses()
        .that()
        .resideInAPackage("dev.mirrorgate.webhook..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.kubernetes.client.openapi.models..")
        .check(CLASSES);
  }
}
