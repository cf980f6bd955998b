package dev.mirrorgate.webhook.deploy.registry;

import java.util.List;

/**
 * The tags a registry lists for a repository, in the order listed.
 *
 * @param tags the tags (invalid names the registry sent are left out)
 * @param truncated whether listing stopped at the bound before the registry's last page
 */
public record TagList(List<String> tags, boolean truncated) {
  public TagList {
    tags = List.copyOf(tags);
  }
}
