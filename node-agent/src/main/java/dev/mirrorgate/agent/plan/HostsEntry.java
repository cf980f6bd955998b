package dev.mirrorgate.agent.plan;

/** One line of the managed /etc/hosts block: {@code <address> <name>}. */
public record HostsEntry(String address, String name) {

  public String line() {
    return address + " " + name;
  }
}
