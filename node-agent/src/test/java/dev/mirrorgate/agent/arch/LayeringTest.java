package dev.mirrorgate.agent.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.File;
import java.io.FileOutputStream;
import java.io.FileWriter;
import java.io.RandomAccessFile;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The node agent's layering, checked: a pure planner, one package that talks to the API server, one
 * that changes the node's files, and no Kubernetes client library in what the agent ships.
 */
class LayeringTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          // common's test-jar (the KubeApiServer harness, which uses client-java) is a jar, not
          // test-classes, once packaged
          .withImportOption(location -> !location.contains("-tests.jar"))
          .importPackages("dev.mirrorgate.agent", "dev.mirrorgate.common");

  @Test
  void theAgentShipsNoKubernetesClientLibraryAndNoVertx() {
    // Its own small client (agent.kube) keeps the jar and the heap small: no client-java, OkHttp.
    noClasses()
        .that()
        .resideInAnyPackage("dev.mirrorgate.agent..", "dev.mirrorgate.common..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.kubernetes..", "okhttp3..", "io.vertx..")
        .check(CLASSES);
  }

  @Test
  void thePlannerKnowsNothingOfWritingWatchingOrTheCommandLine() {
    // Documents in, plans out: what the writer, the run loop and the commands do with a plan is
    // theirs. (OutputDetector looks at which runtimes' directories exist; nothing in plan writes,
    // see onlyAgentFilesChangesTheNodesFiles, or connects, see onlyAgentKubeTalksToTheApiServer.)
    noClasses()
        .that()
        .resideInAPackage("dev.mirrorgate.agent.plan..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.mirrorgate.agent.write..",
            "dev.mirrorgate.agent.files..",
            "dev.mirrorgate.agent.kube..",
            "dev.mirrorgate.agent.run..",
            "dev.mirrorgate.agent.cli..")
        .orShould()
        .dependOnClassesThat()
        .belongToAnyOf(dev.mirrorgate.agent.NodeAgent.class, dev.mirrorgate.agent.Log.class)
        .check(CLASSES);
  }

  @Test
  void onlyAgentKubeTalksToTheApiServer() {
    // HTTP and TLS client connections are agent.kube's (KubeEndpoint, ConfigMapWatcher,
    // EventWriter); the health server in agent.run is a server.
    noClasses()
        .that()
        .resideInAPackage("dev.mirrorgate.agent..")
        .and()
        .resideOutsideOfPackage("dev.mirrorgate.agent.kube..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.net.http..", "javax.net..")
        .orShould()
        .dependOnClassesThat()
        .belongToAnyOf(URL.class, URLConnection.class, HttpURLConnection.class, Socket.class)
        .check(CLASSES);
  }

  @Test
  void theKubernetesClientKnowsNothingOfPlansFilesOrTheRunLoop() {
    noClasses()
        .that()
        .resideInAPackage("dev.mirrorgate.agent.kube..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.mirrorgate.agent.plan..",
            "dev.mirrorgate.agent.write..",
            "dev.mirrorgate.agent.files..",
            "dev.mirrorgate.agent.run..",
            "dev.mirrorgate.agent.cli..")
        .check(CLASSES);
  }

  /** {@link Files} methods that change the filesystem (or open it for writing). */
  private static final Pattern FILES_MUTATORS =
      Pattern.compile(
          "write.*|create.*|delete.*|move|copy|set.*|newOutputStream|newBufferedWriter"
              + "|newByteChannel");

  /** {@link File} methods that change the filesystem. */
  private static final Pattern FILE_MUTATORS =
      Pattern.compile("delete.*|mkdirs?|renameTo|createNewFile|set.*");

  @Test
  void onlyAgentFilesChangesTheNodesFiles() {
    // Every change to the node's files goes through FileOps (PosixFileOps: atomic replace,
    // ownership, modes, the lock), which the writer's tests exercise.
    DescribedPredicate<JavaMethodCall> changesFiles =
        DescribedPredicate.describe(
            "a method of Files or File that changes the filesystem",
            call -> {
              JavaClass owner = call.getTargetOwner();
              String name = call.getName();
              return (owner.isEquivalentTo(Files.class) && FILES_MUTATORS.matcher(name).matches())
                  || (owner.isEquivalentTo(File.class) && FILE_MUTATORS.matcher(name).matches());
            });
    noClasses()
        .that()
        .resideInAPackage("dev.mirrorgate.agent..")
        .and()
        .resideOutsideOfPackage("dev.mirrorgate.agent.files..")
        .should()
        .callMethodWhere(changesFiles)
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage("jnr..", "java.nio.channels..")
        .orShould()
        .dependOnClassesThat()
        .belongToAnyOf(FileOutputStream.class, FileWriter.class, RandomAccessFile.class)
        .check(CLASSES);
  }
}
