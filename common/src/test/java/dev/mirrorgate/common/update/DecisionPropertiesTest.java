package dev.mirrorgate.common.update;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorgate.common.image.ImageReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of decisions over generated windows: no version policy ever chooses a version lower
 * than the current one; a window's decision does not depend on the order of its events except under
 * {@code force} (and, by the contract, among tags that are not versions: the last pushed wins),
 * where the last pushed accepted candidate wins.
 */
class DecisionPropertiesTest {
  private static final String REPOSITORY = "r.example/app";

  /** Policies that order by compare group: the values, not the versions, must grow. */
  private static final List<String> COMPARE_POLICIES =
      List.of("regexp:^build-(?P<compare>\\d+)$", "regexp:^(?<compare>\\d+)\\.");

  /** Policies that order by version; {@code force} refuses lower versions. */
  private static final List<String> VERSION_POLICIES =
      List.of(
          "patch",
          "minor",
          "major",
          "all",
          "argoos:patch",
          "argoos:minor",
          "argoos:major",
          "glob:*",
          "glob:1.*",
          "glob:*-rc*",
          "regexp:^v?1",
          "regexp:\\d",
          "semver:>=0.0.0",
          "semver:^1",
          "semver:~1.2",
          "semver:>=1.0.0-rc.1 <3",
          "semver:1.x || 3.x",
          "digest");

  /** One pushed image: a tag and a digest letter (or none). */
  record Push(String tag, Character digest) {
    ImageReference image() throws Exception {
      return ImageReference.parse(
          REPOSITORY
              + ":"
              + tag
              + (digest == null ? "" : "@sha256:" + String.valueOf(digest).repeat(64)));
    }
  }

  @Property(tries = 1500)
  void noVersionPolicyChoosesALowerVersion(
      @ForAll("currentTags") String current,
      @ForAll("policiesWithForce") String policy,
      @ForAll boolean matchPreRelease,
      @ForAll boolean listed,
      @ForAll("windows") List<Push> window)
      throws Exception {
    UpdateDecision d = decide(current, policy, matchPreRelease, window, listed);

    if (d.isUpdate() && Version.isVersion(current) && Version.isVersion(d.chosen().tag())) {
      Version from = Version.parse(current).orElseThrow();
      Version to = d.chosen().version().orElseThrow();
      if (policy.equals("force") || policy.equals("digest")) {
        assertThat(to).as(d.reason()).isGreaterThanOrEqualTo(from);
      } else {
        assertThat(to).as(d.reason()).isGreaterThan(from);
      }
    }
  }

  @Property(tries = 1500)
  void aWindowsDecisionDoesNotDependOnTheOrderPushed(
      @ForAll("currentTags") String current,
      @ForAll("orderedPolicies") String policy,
      @ForAll boolean matchPreRelease,
      @ForAll("windowsOfDistinctTags") List<Push> window,
      @ForAll Random random)
      throws Exception {
    if (!COMPARE_POLICIES.contains(policy)) {
      window = withOneTagThatIsNotAVersion(window);
    }
    List<Push> shuffled = new ArrayList<>(window);
    Collections.shuffle(shuffled, random);

    UpdateDecision a = decide(current, policy, matchPreRelease, window, false);
    UpdateDecision b = decide(current, policy, matchPreRelease, shuffled, false);

    assertThat(b.outcome()).as("%s then %s", window, shuffled).isEqualTo(a.outcome());
    assertThat(b.update()).as("%s then %s", window, shuffled).isEqualTo(a.update());
  }

  @Property(tries = 1000)
  void underForceTheLastPushedAcceptedCandidateWins(
      @ForAll("currentTags") String current, @ForAll("windowsOfDistinctTags") List<Push> window)
      throws Exception {
    List<Push> distinctDigests = new ArrayList<>();
    String hex = "0123456789abcdef";
    for (int i = 0; i < window.size(); i++) {
      distinctDigests.add(new Push(window.get(i).tag(), hex.charAt(i)));
    }
    UpdateDecision decision = decide(current, "force", true, distinctDigests, false);

    Push lastAccepted = null;
    ForcePolicy force = new ForcePolicy(false);
    for (Push p : distinctDigests) {
      if (force.refusal(new CurrentImage(current, null), new Candidate(p.tag(), null, 0)) == null) {
        lastAccepted = p;
      }
    }
    if (lastAccepted == null) {
      assertThat(decision.isUpdate()).isFalse();
    } else {
      assertThat(decision.chosen().tag()).isEqualTo(lastAccepted.tag());
    }
  }

  @Property(tries = 1000)
  void aCompareGroupOnlyGrows(
      @ForAll("currentTags") String current,
      @ForAll("comparePolicies") String policy,
      @ForAll("windows") List<Push> window)
      throws Exception {
    UpdateDecision d = decide(current, policy, true, window, false);

    RegexpPolicy regexp = RegexpPolicy.of(policy.substring("regexp:".length()));
    String from = regexp.compareValue(current);
    if (d.isUpdate() && from != null) {
      assertThat(RegexpPolicy.compareValues(regexp.compareValue(d.chosen().tag()), from))
          .as(d.reason())
          .isPositive();
    }
  }

  /** The contract makes the last pushed win among tags that are not versions: keep one. */
  private static List<Push> withOneTagThatIsNotAVersion(List<Push> window) {
    List<Push> out = new ArrayList<>();
    boolean seen = false;
    for (Push p : window) {
      if (Version.isVersion(p.tag())) {
        out.add(p);
      } else if (!seen) {
        seen = true;
        out.add(p);
      }
    }
    return out;
  }

  private static UpdateDecision decide(
      String current, String policy, boolean matchPreRelease, List<Push> window, boolean listed)
      throws Exception {
    UpdateSettings d = UpdateSettings.DEFAULTS;
    UpdateSettings settings =
        new UpdateSettings(
            d.trigger(),
            0,
            d.approvalDeadline(),
            true,
            false,
            d.rollbackAfter(),
            null,
            false,
            matchPreRelease,
            false,
            null);
    List<AnnotationProblem> problems = new ArrayList<>();
    PolicyParser parser = new PolicyParser(settings, problems);
    UpdatePolicy p =
        policy.startsWith("argoos:")
            ? parser.argoos(policy.substring("argoos:".length()))
            : parser.policy(Keys.KEEL_POLICY, policy);
    assertThat(problems).as("policy %s", policy).isEmpty();
    TrackedContainer container =
        new TrackedContainer(
            "app",
            false,
            "/spec/template/spec/containers/0/image",
            REPOSITORY + ":" + current,
            new CurrentImage(current, null),
            REPOSITORY,
            REPOSITORY,
            p,
            Keys.KEEL_POLICY + "=" + policy);
    List<ImageReference> images = new ArrayList<>();
    for (Push push : window) {
      images.add(push.image());
    }
    return UpdateDecider.decide(
        container, settings, listed ? Window.listed(images) : Window.pushed(images));
  }

  @Provide
  Arbitrary<String> policiesWithForce() {
    List<String> all = new ArrayList<>(VERSION_POLICIES);
    all.add("force");
    return Arbitraries.of(all);
  }

  @Provide
  Arbitrary<String> comparePolicies() {
    return Arbitraries.of(COMPARE_POLICIES);
  }

  @Provide
  Arbitrary<String> orderedPolicies() {
    List<String> all = new ArrayList<>(VERSION_POLICIES);
    all.addAll(COMPARE_POLICIES);
    return Arbitraries.of(all);
  }

  @Provide
  static Arbitrary<String> versionTags() {
    Arbitrary<String> prefix = Arbitraries.of("", "", "", "v");
    Arbitrary<Integer> n = Arbitraries.integers().between(0, 3);
    Arbitrary<String> pre =
        Arbitraries.of("", "", "", "-rc.1", "-rc.2", "-rc.10", "-rc9", "-rc10", "-alpine");
    Arbitrary<Boolean> threeParts = Arbitraries.of(true, true, false);
    return Combinators.combine(prefix, n, n, n, threeParts, pre)
        .as((v, a, b, c, three, p) -> v + a + "." + b + (three ? "." + c : "") + p);
  }

  @Provide
  static Arbitrary<String> otherTags() {
    return Arbitraries.of(
        "latest", "main", "1.2.3.4", "20240101", "build-7", "build-07", "build-12", "build-3");
  }

  @Provide
  Arbitrary<String> currentTags() {
    return Arbitraries.frequencyOf(Tuple.of(6, versionTags()), Tuple.of(1, otherTags()));
  }

  private static Arbitrary<Push> pushes(Arbitrary<String> tags) {
    return Combinators.combine(tags, Arbitraries.of('a', 'b', 'c', 'd').injectNull(0.3))
        .as(Push::new);
  }

  @Provide
  Arbitrary<List<Push>> windows() {
    Arbitrary<String> tags =
        Arbitraries.frequencyOf(Tuple.of(5, versionTags()), Tuple.of(1, otherTags()));
    return pushes(tags).list().ofMinSize(1).ofMaxSize(8);
  }

  /** Distinct tags: a tag pushed twice counts once, with the digest pushed last. */
  @Provide
  Arbitrary<List<Push>> windowsOfDistinctTags() {
    Arbitrary<String> tags =
        Arbitraries.frequencyOf(
            Tuple.of(5, versionTags()),
            Tuple.of(2, Arbitraries.of("build-7", "build-07", "build-12", "build-3")),
            Tuple.of(1, Arbitraries.of("latest", "main", "1.2.3.4")));
    return pushes(tags).list().ofMinSize(1).ofMaxSize(8).uniqueElements(Push::tag);
  }
}
