package dev.mirrorgate.agent.it;

import dev.mirrorgate.agent.files.PosixFileOps;
import dev.mirrorgate.agent.plan.NodePlanner;
import dev.mirrorgate.agent.plan.Output;
import dev.mirrorgate.agent.write.NodeWriter;
import dev.mirrorgate.common.mirrors.MirrorsDocumentParser;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs an apply in its own JVM and kills that JVM ({@code halt}, no cleanup of any kind) between
 * the temp write and the rename of {@code /etc/hosts}: what a node sees after a crash or OOM kill.
 */
public final class CrashingApply {

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    var doc = new MirrorsDocumentParser().parse(Files.readString(Path.of(args[1])));
    var ops =
        new PosixFileOps(
            new PosixFileOps.Hooks() {
              @Override
              public void beforeRename(Path temp, Path target) {
                if (target.endsWith("etc/hosts")) {
                  Runtime.getRuntime().halt(137);
                }
              }
            });
    new NodeWriter(root, ops).apply(NodePlanner.plan(doc, Output.all()));
  }
}
