package dev.mirrorgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeNameTest {

  @ParameterizedTest(name = "NODE_NAME={0} HOSTNAME={1} -> {2}")
  @CsvSource(
      nullValues = "unset",
      textBlock =
          """
          worker-1, agent-pod-x, worker-1
          unset,    agent-pod-x, agent-pod-x
          '  ',     agent-pod-x, agent-pod-x
          unset,    unset,       unknown
          """)
  void theDownwardApiNodeNameThenTheHostName(String node, String host, String expected) {
    Map<String, String> env = new HashMap<>();
    if (node != null) {
      env.put("NODE_NAME", node);
    }
    if (host != null) {
      env.put("HOSTNAME", host);
    }
    assertThat(RunCommand.nodeName(env)).isEqualTo(expected);
  }
}
