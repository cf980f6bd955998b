package dev.mirrorgate.webhook.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.extended.leaderelection.LeaderElectionRecord;
import java.util.Date;
import org.junit.jupiter.api.Test;

/** The Lease spec ⇄ client-java's election record, as the API server writes a Lease. */
class LeaseLockTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aRecordIsWrittenAsTheApiServerWritesALeaseAndReadBack() throws Exception {
    LeaderElectionRecord record =
        new LeaderElectionRecord(
            "pod-a", 15, new Date(1_700_000_000_123L), new Date(1_700_000_015_456L), 3);
    ObjectNode spec = LeaseLock.spec(record, JSON.createObjectNode().put("strategy", "kept"));
    assertThat(JSON.writeValueAsString(spec))
        .isEqualTo(
            "{\"strategy\":\"kept\",\"holderIdentity\":\"pod-a\",\"leaseDurationSeconds\":15,"
                + "\"leaseTransitions\":3,\"acquireTime\":\"2023-11-14T22:13:20.123000Z\","
                + "\"renewTime\":\"2023-11-14T22:13:35.456000Z\"}");
    assertThat(LeaseLock.record(spec)).isEqualTo(record);
  }

  @Test
  void aReleasedLeaseHasNoHolderAndMissingFieldsReadAsEmpty() throws Exception {
    LeaderElectionRecord released = new LeaderElectionRecord(null, 1, null, null, 0);
    ObjectNode spec =
        LeaseLock.spec(
            released,
            (ObjectNode) JSON.readTree("{\"holderIdentity\":\"pod-a\",\"renewTime\":\"x\"}"));
    assertThat(spec.has("holderIdentity")).isFalse();
    assertThat(spec.has("renewTime")).isFalse();

    LeaderElectionRecord read =
        LeaseLock.record(JSON.readTree("{\"renewTime\":\"2024-02-29T23:59:59.999999+00:00\"}"));
    assertThat(read.getHolderIdentity()).isNull();
    assertThat(read.getAcquireTime()).isNull();
    assertThat(read.getLeaseDurationSeconds()).isZero();
    assertThat(read.getRenewTime().getTime()).isEqualTo(1_709_251_199_999L);
  }
}
