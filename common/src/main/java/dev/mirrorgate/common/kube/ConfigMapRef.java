package dev.mirrorgate.common.kube;

import java.util.regex.Pattern;

/** A ConfigMap by namespace and name, as given on command lines: {@code NAMESPACE/NAME}. */
public record ConfigMapRef(String namespace, String name) {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  public ConfigMapRef {
    if (namespace == null || !DNS_LABEL.matcher(namespace).matches()) {
      throw new IllegalArgumentException(
          "\"" + namespace + "\" is not a namespace name (a DNS label: a-z, 0-9, '-')");
    }
    if (name == null || name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "\"" + name + "\" is not a ConfigMap name (a DNS subdomain: a-z, 0-9, '-', '.')");
    }
  }

  /** Parses {@code NAMESPACE/NAME}; the message says what is wrong. */
  public static ConfigMapRef parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0 || slash != text.lastIndexOf('/')) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not NAMESPACE/NAME (e.g. mirrorgate/mirrorgate-mapping)");
    }
    return new ConfigMapRef(text.substring(0, slash), text.substring(slash + 1));
  }

  /** The field selector that narrows a namespaced list or watch to this one ConfigMap. */
  public String fieldSelector() {
    return "metadata.name=" + name;
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
