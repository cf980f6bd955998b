package dev.mirrorgate.common.update;

import java.util.Optional;

/** The kinds push-to-deploy updates, and where each keeps its pod template. */
public enum WorkloadKind {
  DEPLOYMENT("Deployment", "/spec/template", "spec.template.spec"),
  STATEFUL_SET("StatefulSet", "/spec/template", "spec.template.spec"),
  DAEMON_SET("DaemonSet", "/spec/template", "spec.template.spec"),
  CRON_JOB("CronJob", "/spec/jobTemplate/spec/template", "spec.jobTemplate.spec.template.spec");

  private final String kind;
  private final String podTemplatePointer;
  private final String podSpecFieldPath;

  WorkloadKind(String kind, String podTemplatePointer, String podSpecFieldPath) {
    this.kind = kind;
    this.podTemplatePointer = podTemplatePointer;
    this.podSpecFieldPath = podSpecFieldPath;
  }

  /** The kind as the API names it, e.g. {@code StatefulSet}. */
  public String kind() {
    return kind;
  }

  /**
   * JSON Pointer of the pod template (its {@code metadata} gets {@code mirrorgate.dev/updated-at}).
   */
  public String podTemplatePointer() {
    return podTemplatePointer;
  }

  /** JSON Pointer of the pod spec. */
  public String podSpecPointer() {
    return podTemplatePointer + "/spec";
  }

  /** The pod spec as an OpenShift trigger's {@code fieldPath} writes it. */
  public String podSpecFieldPath() {
    return podSpecFieldPath;
  }

  /** The kind for an API kind name, or empty. */
  public static Optional<WorkloadKind> of(String kind) {
    for (WorkloadKind k : values()) {
      if (k.kind.equals(kind)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
