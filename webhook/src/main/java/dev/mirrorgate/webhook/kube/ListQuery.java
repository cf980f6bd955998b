package dev.mirrorgate.webhook.kube;

/**
 * What a list or watch selects: a namespace (null: all namespaces, or a cluster-scoped kind), and
 * optional label and field selectors.
 */
public record ListQuery(String namespace, String labelSelector, String fieldSelector) {

  public static ListQuery all() {
    return new ListQuery(null, null, null);
  }

  public static ListQuery in(String namespace) {
    return new ListQuery(namespace, null, null);
  }

  public ListQuery withLabels(String selector) {
    return new ListQuery(namespace, selector, fieldSelector);
  }

  public ListQuery withFields(String selector) {
    return new ListQuery(namespace, labelSelector, selector);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(namespace == null ? "all namespaces" : namespace);
    if (labelSelector != null) {
      text.append(" labels ").append(labelSelector);
    }
    if (fieldSelector != null) {
      text.append(" fields ").append(fieldSelector);
    }
    return text.toString();
  }
}
