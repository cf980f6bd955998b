package dev.mirrorgate.agent.plan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which outputs a node needs, from what it has: /etc/hosts always, a runtime when its dir exists.
 */
public final class OutputDetector {

  private OutputDetector() {}

  public static Set<Output> detect(Path hostRoot) {
    Set<Output> out = EnumSet.of(Output.HOSTS);
    if (Files.isDirectory(hostRoot.resolve("etc/containerd"))) {
      out.add(Output.CONTAINERD);
    }
    if (Files.isDirectory(hostRoot.resolve("etc/docker"))) {
      out.add(Output.DOCKER);
    }
    if (Files.isDirectory(hostRoot.resolve("etc/containers"))
        || Files.isDirectory(hostRoot.resolve("etc/crio"))) {
      out.add(Output.CONTAINERS);
    }
    return out;
  }
}
