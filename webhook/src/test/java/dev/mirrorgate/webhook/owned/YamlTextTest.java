package dev.mirrorgate.webhook.owned;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

class YamlTextTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void stringsThatAYaml11ReaderWouldRetypeAreQuotedAndEverythingReadsBack() throws Exception {
    ObjectNode tree = YAML.createObjectNode();
    for (String value :
        new String[] {
          "0.1", "yes", "off", "~", "10:30", "0x1F", "1e3", "", "a: b", "#x", ":5000", "plain"
        }) {
      tree.put(value.isEmpty() ? "empty" : value, value);
    }
    tree.put("pem", "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n");

    String text = YamlText.write(tree);
    JsonNode read = YAML.readTree(text);

    assertThat(read).isEqualTo(tree);
    assertThat(text)
        .contains("\"0.1\": \"0.1\"", "\"yes\": \"yes\"", "plain: plain", "pem: |")
        .doesNotStartWith("---");
  }
}
