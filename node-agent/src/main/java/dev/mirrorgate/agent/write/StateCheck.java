package dev.mirrorgate.agent.write;

import dev.mirrorgate.agent.files.HostRoot;
import dev.mirrorgate.agent.plan.NodePlanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a state file may list: node paths (relative, no {@code ..}) of files the agent writes and of
 * the directories on the way to them, its state directory and its lock's directory. A state that
 * lists anything else (an absolute path, {@code ../../etc/shadow}, {@code etc/passwd}) was not
 * written by the agent: it is refused whole, so that neither an apply nor a cleanup acts on it.
 */
final class StateCheck {

  /** Where the agent creates directories: these, their ancestors and their descendants. */
  static final List<String> DIRECTORY_ROOTS =
      List.of(
          "etc/containerd/certs.d",
          "etc/docker/certs.d",
          "etc/containers/certs.d",
          "etc/containers/registries.conf.d",
          NodeWriter.STATE_DIR,
          "run");

  private StateCheck() {}

  /** Every problem of {@code state}, each naming the list and the entry; empty when it is fine. */
  static List<String> problems(ManagedState state) {
    List<String> out = new ArrayList<>();
    for (String f : state.files()) {
      file("files", f).ifPresent(out::add);
    }
    for (String b : state.backups()) {
      file("backups", b).ifPresent(out::add);
    }
    for (String d : state.directories()) {
      Optional<String> p = HostRoot.problem(d);
      if (p.isPresent()) {
        out.add(entry("directories", d) + p.get());
      } else if (!createdByTheAgent(d)) {
        out.add(entry("directories", d) + "is not a directory the agent creates");
      }
    }
    return out;
  }

  /** One of {@link #DIRECTORY_ROOTS}, on the way to one, or below one. */
  private static boolean createdByTheAgent(String d) {
    for (String r : DIRECTORY_ROOTS) {
      if (r.equals(d) || r.startsWith(d + "/") || d.startsWith(r + "/")) {
        return true;
      }
    }
    return false;
  }

  private static Optional<String> file(String list, String rel) {
    Optional<String> p = HostRoot.problem(rel);
    if (p.isPresent()) {
      return Optional.of(entry(list, rel) + p.get());
    }
    if (!NodePlanner.ownsFile(rel)) {
      return Optional.of(entry(list, rel) + "is not a file the agent writes");
    }
    return Optional.empty();
  }

  private static String entry(String list, String rel) {
    return list + ": \"" + rel + "\" ";
  }
}
