package dev.mirrorgate.agent.plan;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a node should look like: the files the agent owns (path relative to the host root → bytes)
 * and, when the hosts output is on, the lines of the managed /etc/hosts block.
 *
 * @param files whole files owned by the agent, relative paths such as {@code etc/docker/...}
 * @param hostsBlock the managed /etc/hosts entries, empty when /etc/hosts is not managed
 */
public record NodePlan(NavigableMap<String, byte[]> files, Optional<List<HostsEntry>> hostsBlock) {

  public static final String HOSTS_PATH = "etc/hosts";

  public NodePlan {
    // A TreeMap is taken as it is (the planner's, never changed after): a plan of thousands of
    // files is not copied.
    files =
        Collections.unmodifiableNavigableMap(
            files instanceof TreeMap<String, byte[]> t ? t : new TreeMap<>(files));
    hostsBlock = hostsBlock.map(List::copyOf);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof NodePlan other) || !hostsBlock.equals(other.hostsBlock)) {
      return false;
    }
    if (!files.keySet().equals(other.files.keySet())) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      if (!Arrays.equals(e.getValue(), other.files.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return files.keySet().hashCode() * 31 + hostsBlock.hashCode();
  }
}
