package dev.mirrorgate.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorgate.common.mapping.Mapping;

/** Decides the mutation of one Pod; {@link PodMutator} is the implementation. */
@FunctionalInterface
public interface Mutator {
  /**
   * @param ephemeralOnly true for the {@code pods/ephemeralcontainers} subresource
   */
  Mutation mutate(JsonNode pod, boolean ephemeralOnly, Mapping mapping);
}
