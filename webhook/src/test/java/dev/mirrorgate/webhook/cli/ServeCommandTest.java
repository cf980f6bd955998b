package dev.mirrorgate.webhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mirrorgate.webhook.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code serve}'s options: one mapping origin, a file or a ConfigMap, named NAMESPACE/NAME. */
class ServeCommandTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          both origins | --mapping m.yaml --mapping-configmap ns/name | mutually exclusive
          no origin    | --port 8443                                  | Missing required argument
          not NS/NAME  | --mapping-configmap mapping                  | is not NAMESPACE/NAME
          bad name     | --mapping-configmap ns/Bad_Name              | is not a ConfigMap name
          """)
  void rejectsMappingOptionsThatDoNotNameExactlyOneOrigin(
      String description, String options, String message) {
    StringWriter err = new StringWriter();
    CommandLine command = Main.commandLine().setErr(new PrintWriter(err));
    String[] args = ("serve --tls-self-signed " + options).split(" ");

    int status = command.execute(args);

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains(message);
  }

  @ParameterizedTest
  @CsvSource({"--mapping, m.yaml", "--mapping-configmap, mirrorgate/mirrorgate-mapping"})
  void acceptsEitherOrigin(String option, String value) {
    CommandLine command = Main.commandLine();

    CommandLine.ParseResult parsed = command.parseArgs("serve", "--tls-self-signed", option, value);

    assertThat(parsed.subcommand().hasMatchedOption(option)).isTrue();
  }
}
