package dev.mirrorgate.webhook.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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
