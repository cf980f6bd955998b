package dev.mirrorgate.common.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigMapRefTest {
  @ParameterizedTest
  @CsvSource({
    "mirrorgate/mirrorgate-mapping, mirrorgate, mirrorgate-mapping",
    "ns/a.b-c, ns, a.b-c",
  })
  void parsesNamespaceSlashName(String text, String namespace, String name) {
    ConfigMapRef ref = ConfigMapRef.parse(text);

    assertThat(ref).isEqualTo(new ConfigMapRef(namespace, name));
    assertThat(ref.fieldSelector()).isEqualTo("metadata.name=" + name);
    assertThat(ref).hasToString(text);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          mapping              | is not NAMESPACE/NAME
          a/b/c                | is not NAMESPACE/NAME
          /mapping             | is not a namespace name
          Mirrorgate/mapping   | is not a namespace name
          ns/                  | is not a ConfigMap name
          ns/Mapping_1         | is not a ConfigMap name
          """)
  void saysWhatIsWrong(String text, String problem) {
    assertThatThrownBy(() -> ConfigMapRef.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem);
  }
}
