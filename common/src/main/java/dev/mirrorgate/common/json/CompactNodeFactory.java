package dev.mirrorgate.common.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;

/**
 * Jackson trees on small maps: every JSON object on a {@link CompactMap} instead of a {@link
 * java.util.LinkedHashMap}, every array sized for a few elements instead of ten. The controller's
 * informers cache thousands of Kubernetes objects as trees (1,000 projected Deployments were
 * ~31,000 object nodes, 200 mirrors' owned objects ~100,000); the trees read, compare and serialise
 * exactly as before. Short string values are shared between the trees of {@link #INSTANCE}.
 * Short-lived trees gain too: the push intake reads every notification envelope as a tree of {@link
 * #TRANSIENT}, with a fraction of the allocation.
 */
public final class CompactNodeFactory extends JsonNodeFactory {
  private static final long serialVersionUID = 1L;

  /** For trees that are kept (informer caches, projections): short string values are shared. */
  public static final CompactNodeFactory INSTANCE = new CompactNodeFactory(true);

  /**
   * For trees that are read, used and dropped within a request (the push intake's envelopes):
   * nothing is shared. Sharing costs a hash and a write to a slot every thread contends for, per
   * string value, and saves nothing for a tree that is garbage a moment later (it was a fifth of
   * the intake's parsing time).
   */
  public static final CompactNodeFactory TRANSIENT = new CompactNodeFactory(false);

  private CompactNodeFactory(boolean shareText) {
    super(false);
    this.shared = shareText ? new TextNode[SHARED_SLOTS] : null;
  }

  /** A mapper whose trees are built by {@link #INSTANCE}. */
  public static ObjectMapper mapper() {
    return mapper(INSTANCE);
  }

  /** A mapper whose trees are built by {@link #TRANSIENT}. */
  public static ObjectMapper transientMapper() {
    return mapper(TRANSIENT);
  }

  private static ObjectMapper mapper(CompactNodeFactory factory) {
    ObjectMapper mapper = new ObjectMapper();
    mapper.setNodeFactory(factory);
    return mapper;
  }

  /**
   * Short string values, shared: a slot per hash of the last value seen there (bounded, lock-free;
   * a collision only costs the sharing). Kubernetes objects repeat the same short values across
   * thousands of objects (namespaces, {@code apps/v1}, label values, {@code TCP}, {@code True}).
   */
  private static final int SHARED_SLOTS = 4096;

  private static final int SHARED_MAX_LENGTH = 64;
  private final TextNode[] shared;

  @Override
  public TextNode textNode(String text) {
    if (shared == null || text == null || text.length() > SHARED_MAX_LENGTH) {
      return super.textNode(text);
    }
    int slot = text.hashCode() & (SHARED_SLOTS - 1);
    TextNode seen = shared[slot];
    if (seen != null && seen.textValue().equals(text)) {
      return seen;
    }
    TextNode node = super.textNode(text);
    shared[slot] = node;
    return node;
  }

  @Override
  public ObjectNode objectNode() {
    return new ObjectNode(this, new CompactMap<String, JsonNode>());
  }

  @Override
  public ArrayNode arrayNode() {
    return new ArrayNode(this, new ArrayList<>(2));
  }
}
