package dev.mirrorgate.common.update;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorgate.common.image.ImageReference;
import dev.mirrorgate.common.image.InvalidImageReferenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code image.openshift.io/triggers} annotation: a JSON array of {@code {from: {kind,
 * name, namespace?}, fieldPath, paused?}}. {@code fieldPath} selects one container's image, by name
 * ({@code spec.template.spec.containers[?(@.name=="web")].image}) or by index ({@code
 * ...containers[0].image}), under the pod spec of the workload's kind.
 */
final class OpenShiftTriggers {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One trigger.
   *
   * @param index its position in the array
   * @param init whether it selects an init container
   * @param containerName the container it selects by name, or null
   * @param containerIndex the container it selects by index, or -1
   * @param policy what it follows
   * @param from for a {@code DockerImage}: the image it follows; else null
   * @param fromText {@code from.name} as written
   */
  record Entry(
      int index,
      boolean init,
      String containerName,
      int containerIndex,
      UpdatePolicy policy,
      ImageReference from,
      String fromText) {

    boolean selects(Workload.Container container, int indexInList) {
      return container.init() == init
          && (containerName != null
              ? containerName.equals(container.name())
              : containerIndex == indexInList);
    }
  }

  private OpenShiftTriggers() {}

  static List<Entry> parse(String json, WorkloadKind kind, List<AnnotationProblem> problems) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      problems.add(invalid(json, "not JSON: " + e.getOriginalMessage()));
      return List.of();
    }
    if (root == null || !root.isArray()) {
      problems.add(invalid(json, "not a JSON array of triggers"));
      return List.of();
    }
    Pattern fieldPath =
        Pattern.compile(
            Pattern.quote(kind.podSpecFieldPath())
                + "\\.(containers|initContainers)\\[(?:\\?\\(@\\.name\\s*==\\s*"
                + "(?:\"([^\"]*)\"|'([^']*)')\\)|(\\d{1,4}))\\]\\.image");
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      Entry e = entry(json, i, root.get(i), fieldPath, kind, problems);
      if (e != null) {
        entries.add(e);
      }
    }
    return entries;
  }

  private static Entry entry(
      String json,
      int i,
      JsonNode t,
      Pattern fieldPathPattern,
      WorkloadKind kind,
      List<AnnotationProblem> problems) {
    String where = "[" + i + "]";
    if (!t.isObject()) {
      problems.add(invalid(json, where + " is not an object"));
      return null;
    }
    String fromKind = t.path("from").path("kind").asText("");
    String fromName = t.path("from").path("name").asText("");
    String fromNamespace =
        t.path("from").path("namespace").isTextual()
            ? t.path("from").path("namespace").asText()
            : null;
    String fieldPath = t.path("fieldPath").asText("");
    JsonNode pausedNode = t.path("paused");
    boolean paused;
    if (pausedNode.isMissingNode() || pausedNode.isNull()) {
      paused = false;
    } else if (pausedNode.isBoolean()) {
      paused = pausedNode.asBoolean();
    } else if (pausedNode.isTextual()
        && (pausedNode.asText().equals("true") || pausedNode.asText().equals("false"))) {
      paused = pausedNode.asText().equals("true");
    } else {
      problems.add(invalid(json, where + ".paused is not true or false"));
      return null;
    }
    Matcher m = fieldPathPattern.matcher(fieldPath);
    if (!m.matches()) {
      problems.add(
          invalid(
              json,
              where
                  + ".fieldPath \""
                  + fieldPath
                  + "\" selects no container image; write "
                  + kind.podSpecFieldPath()
                  + ".containers[?(@.name==\"NAME\")].image"));
      return null;
    }
    boolean init = m.group(1).equals("initContainers");
    String name = m.group(2) != null ? m.group(2) : m.group(3);
    int index = m.group(4) != null ? Integer.parseInt(m.group(4)) : -1;
    if (fromName.isEmpty()) {
      problems.add(invalid(json, where + ".from.name is missing"));
      return null;
    }
    switch (fromKind) {
      case "DockerImage" -> {
        ImageReference from;
        try {
          from = ImageReference.parse(fromName);
        } catch (InvalidImageReferenceException e) {
          problems.add(invalid(json, where + ".from.name: " + e.getMessage()));
          return null;
        }
        if (from.tag() == null && from.digest() != null) {
          problems.add(invalid(json, where + ".from.name names a digest; a trigger follows a tag"));
          return null;
        }
        String tag = from.tag() == null ? "latest" : from.tag();
        UpdatePolicy policy =
            paused
                ? new NeverPolicy("paused", "the trigger is paused")
                : new TrackedTagPolicy(fromName, tag);
        return new Entry(i, init, name, index, policy, from, fromName);
      }
      case "ImageStreamTag" -> {
        int colon = fromName.indexOf(':');
        if (colon <= 0 || colon == fromName.length() - 1 || fromName.indexOf(':', colon + 1) >= 0) {
          problems.add(
              invalid(json, where + ".from.name must be STREAM:TAG for an ImageStreamTag"));
          return null;
        }
        UpdatePolicy policy =
            paused
                ? new NeverPolicy("paused", "the trigger is paused")
                : new ImageStreamTagPolicy(fromName, fromNamespace);
        return new Entry(i, init, name, index, policy, null, fromName);
      }
      default -> {
        problems.add(
            invalid(
                json,
                where
                    + ".from.kind "
                    + (fromKind.isEmpty() ? "is missing" : "\"" + fromKind + "\" is not supported")
                    + " (DockerImage, ImageStreamTag)"));
        return null;
      }
    }
  }

  private static AnnotationProblem invalid(String json, String problem) {
    return AnnotationProblem.invalid(Keys.OPENSHIFT_TRIGGERS, json, problem);
  }
}
