package dev.mirrorgate.common.update;

import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which containers of a workload are tracked, and by which policy. Per container, the first present
 * of: 1. the {@code mirrorgate.dev/policy.<container>} annotation, 2. the {@code
 * mirrorgate.dev/policy} annotation, 3. the {@code keel.sh/policy} annotation, then label, 4. the
 * {@code argoos.io/policy} label, 5. an {@code image.openshift.io/triggers} entry whose {@code
 * fieldPath} selects the container. None: never touched. Init containers only with {@code
 * keel.sh/initContainers: "true"}; {@code keel.sh/monitorContainers} limits the tracked containers.
 * Every annotation is read and every problem collected.
 */
public final class WorkloadTracker {
  private WorkloadTracker() {}

  public static WorkloadTracking track(Workload workload) {
    List<AnnotationProblem> problems = new ArrayList<>();
    UpdateSettings settings = new SettingsReader(workload, problems).read();
    PolicyParser parser = new PolicyParser(settings, problems);
    Map<String, String> annotations = workload.annotations();

    Source mirrorgate =
        source(parser, Keys.MIRRORGATE_POLICY, annotations.get(Keys.MIRRORGATE_POLICY));
    String keelValue = annotations.get(Keys.KEEL_POLICY);
    if (keelValue == null) {
      keelValue = workload.labels().get(Keys.KEEL_POLICY);
    }
    Source keel = source(parser, Keys.KEEL_POLICY, keelValue);
    String argoosValue = workload.labels().get(Keys.ARGOOS_POLICY);
    Source argoos =
        argoosValue == null
            ? null
            : new Source(
                parser.argoos(argoosValue), Keys.ARGOOS_POLICY + "=" + argoosValue.trim(), null);
    String triggersJson = annotations.get(Keys.OPENSHIFT_TRIGGERS);
    List<OpenShiftTriggers.Entry> triggers =
        triggersJson == null
            ? List.of()
            : OpenShiftTriggers.parse(triggersJson, workload.kind(), problems);

    Set<String> names = new HashSet<>();
    workload.containers().forEach(c -> names.add(c.name()));
    for (String key : annotations.keySet()) {
      if (key.startsWith(Keys.MIRRORGATE_POLICY_PREFIX)
          && !names.contains(key.substring(Keys.MIRRORGATE_POLICY_PREFIX.length()))) {
        problems.add(
            AnnotationProblem.warning(
                key, annotations.get(key), "names no container of this " + workload.kind().kind()));
      }
    }

    List<ContainerTracking> out = new ArrayList<>();
    int[] indexInList = new int[2];
    Set<Integer> usedTriggers = new HashSet<>();
    for (Workload.Container c : workload.containers()) {
      int index = indexInList[c.init() ? 1 : 0]++;
      String perContainerKey = Keys.MIRRORGATE_POLICY_PREFIX + c.name();
      Source source = source(parser, perContainerKey, annotations.get(perContainerKey));
      if (source == null) {
        source = mirrorgate != null ? mirrorgate : keel != null ? keel : argoos;
      }
      if (source == null) {
        for (OpenShiftTriggers.Entry e : triggers) {
          if (e.selects(c, index)) {
            usedTriggers.add(e.index());
            source = new Source(e.policy(), Keys.OPENSHIFT_TRIGGERS, e);
            break;
          }
        }
      }
      out.add(track(c, source, settings));
    }
    for (OpenShiftTriggers.Entry e : triggers) {
      if (!usedTriggers.contains(e.index()) && !selectsAny(e, workload)) {
        problems.add(
            AnnotationProblem.warning(
                Keys.OPENSHIFT_TRIGGERS,
                triggersJson,
                "[" + e.index() + "] selects no container of this " + workload.kind().kind()));
      }
    }
    return new WorkloadTracking(workload, settings, out, problems);
  }

  /** A policy and where it comes from. */
  private record Source(UpdatePolicy policy, String printed, OpenShiftTriggers.Entry trigger) {}

  private static Source source(PolicyParser parser, String key, String value) {
    if (value == null) {
      return null;
    }
    return new Source(parser.policy(key, value), key + "=" + value.trim(), null);
  }

  private static boolean selectsAny(OpenShiftTriggers.Entry e, Workload workload) {
    int[] indexInList = new int[2];
    for (Workload.Container c : workload.containers()) {
      if (e.selects(c, indexInList[c.init() ? 1 : 0]++)) {
        return true;
      }
    }
    return false;
  }

  private static ContainerTracking track(
      Workload.Container c, Source source, UpdateSettings settings) {
    if (source == null) {
      return untracked(
          c,
          "no policy: none of mirrorgate.dev/policy, keel.sh/policy, argoos.io/policy or an"
              + " image.openshift.io/triggers entry applies to it");
    }
    if (c.init() && !settings.initContainers()) {
      return untracked(c, "an init container: tracked only with keel.sh/initContainers: \"true\"");
    }
    if (settings.monitorContainers() != null
        && !settings.monitorContainers().matcher(c.name()).find()) {
      return untracked(c, "not matched by keel.sh/monitorContainers");
    }
    ImageReference image = null;
    String imageProblem = null;
    if (c.image() == null || c.image().isBlank()) {
      imageProblem = "it has no image";
    } else {
      try {
        image = ImageReference.parse(c.image());
      } catch (InvalidImageReferenceException e) {
        imageProblem = e.getMessage();
      }
    }
    OpenShiftTriggers.Entry trigger = source.trigger();
    if (trigger != null && trigger.from() != null) {
      CurrentImage current = image == null ? new CurrentImage(null, null) : CurrentImage.of(image);
      return new ContainerTracking(
          c,
          new TrackedContainer(
              c.name(),
              c.init(),
              c.imagePointer(),
              c.image(),
              current,
              trigger.from().name(),
              TrackedContainer.repositoryAsWritten(trigger.fromText()),
              source.policy(),
              source.printed()),
          null);
    }
    if (image == null) {
      return untracked(c, "not tracked: " + imageProblem);
    }
    return new ContainerTracking(
        c,
        new TrackedContainer(
            c.name(),
            c.init(),
            c.imagePointer(),
            c.image(),
            CurrentImage.of(image),
            image.name(),
            TrackedContainer.repositoryAsWritten(c.image()),
            source.policy(),
            source.printed()),
        null);
  }

  private static ContainerTracking untracked(Workload.Container c, String why) {
    return new ContainerTracking(c, null, why);
  }
}
