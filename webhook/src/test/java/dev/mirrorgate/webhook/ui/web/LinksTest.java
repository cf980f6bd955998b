package dev.mirrorgate.webhook.ui.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LinksTest {
  @ParameterizedTest(name = "next={0} → {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      value = {
        "/approvals                 | /approvals",
        "/history?namespace=a&page=2 | /history?namespace=a&page=2",
        "null                       | /",
        "''                         | /",
        "https://evil.example/      | /",
        "//evil.example/            | /",
        "/\\evil.example            | /",
        "javascript:alert(1)        | /",
        "approvals                  | /",
      })
  void afterLoginOnlyPathsOfThisSite(String next, String expected) {
    assertThat(Links.safeNext(next)).isEqualTo(expected);
  }

  @Test
  void queriesEncodeEveryPartAndSkipEmptyOnes() {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("namespace", "a b&c=<d>");
    parameters.put("q", "");
    parameters.put("phase", "Applied");
    assertThat(Links.query("/history", parameters))
        .isEqualTo("/history?namespace=a%20b%26c%3D%3Cd%3E&phase=Applied");
    assertThat(Links.withPage("/history", 2)).isEqualTo("/history?page=2");
    assertThat(Links.withPage("/history?phase=Applied", 3))
        .isEqualTo("/history?phase=Applied&page=3");
  }

  @Test
  void routeLabelsAreBounded() {
    assertThat(WebUi.route("/api/v1/updates/ns/x/approve"))
        .isEqualTo("/api/v1/updates/{namespace}/{name}/approve");
    assertThat(WebUi.route("/approvals/ns/x/reject"))
        .isEqualTo("/approvals/{namespace}/{name}/reject");
    assertThat(WebUi.route("/assets/ui.0123456789ab.css")).isEqualTo("/assets");
    assertThat(WebUi.route("/anything/else")).isEqualTo("other");
    assertThat(WebUi.route("/workloads")).isEqualTo("/workloads");
  }
}
