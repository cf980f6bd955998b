package dev.mirrorgate.webhook.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.extended.leaderelection.LeaderElectionRecord;
import io.kubernetes.client.extended.leaderelection.Lock;
import io.kubernetes.client.openapi.ApiException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lease a {@link io.kubernetes.client.extended.leaderelection.LeaderElector} campaigns on, read
 * and written as JSON through {@link KubeRest} — what client-java's {@code LeaseLock} does with its
 * typed {@code CoordinationV1Api}, whose first Gson call loads every model class of client-java
 * (about 900 classes, 7.5 MB of metaspace) for one small object. An update is conditional on the
 * version last read, so two replicas never both win.
 */
final class LeaseLock implements Lock {
  private static final Logger log = LoggerFactory.getLogger(LeaseLock.class);

  /** A MicroTime, as the API server writes it. */
  static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX").withZone(ZoneOffset.UTC);

  private final KubeRest rest;
  private final String namespace;
  private final String name;
  private final String identity;
  private final AtomicReference<ObjectNode> last = new AtomicReference<>();
  private final Runnable held;

  /**
   * @param rest ungated: the election itself decides who may write
   * @param held called after each write that made or kept {@code identity} the holder
   */
  LeaseLock(KubeRest rest, String namespace, String name, String identity, Runnable held) {
    this.rest = rest;
    this.namespace = namespace;
    this.name = name;
    this.identity = identity;
    this.held = held;
  }

  @Override
  public LeaderElectionRecord get() throws ApiException {
    Optional<KubeObject> lease;
    try {
      lease = rest.get(ApiResource.LEASES, namespace, name);
    } catch (KubeException e) {
      throw new ApiException(e.getMessage(), e, e.status(), null, null);
    }
    if (lease.isEmpty()) {
      throw new ApiException("lease " + describe() + " not found", null, 404, null, null);
    }
    ObjectNode node = lease.get().copy();
    last.set(node);
    return record(node.path("spec"));
  }

  @Override
  public boolean create(LeaderElectionRecord record) {
    ObjectNode lease = rest.json().createObjectNode();
    lease.put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
    lease.putObject("metadata").put("name", name).put("namespace", namespace);
    lease.set("spec", spec(record, rest.json().createObjectNode()));
    try {
      last.set(rest.create(ApiResource.LEASES, lease).copy());
      wrote(record);
      return true;
    } catch (KubeException e) {
      log.debug("creating the lease {} failed: {}", describe(), e.getMessage());
      return false;
    }
  }

  @Override
  public boolean update(LeaderElectionRecord record) {
    ObjectNode read = last.get();
    if (read == null) {
      return false;
    }
    ObjectNode lease = read.deepCopy();
    spec(record, lease.with("spec"));
    try {
      last.set(rest.replace(ApiResource.LEASES, lease).copy());
      wrote(record);
      return true;
    } catch (KubeException e) {
      log.debug("updating the lease {} failed: {}", describe(), e.getMessage());
      return false;
    }
  }

  private void wrote(LeaderElectionRecord record) {
    if (identity.equals(record.getHolderIdentity())) {
      held.run();
    }
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public String describe() {
    return namespace + "/" + name;
  }

  static LeaderElectionRecord record(JsonNode spec) {
    LeaderElectionRecord record = new LeaderElectionRecord();
    record.setHolderIdentity(spec.path("holderIdentity").asText(null));
    record.setLeaseDurationSeconds(spec.path("leaseDurationSeconds").asInt(0));
    record.setLeaderTransitions(spec.path("leaseTransitions").asInt(0));
    record.setAcquireTime(time(spec.path("acquireTime")));
    record.setRenewTime(time(spec.path("renewTime")));
    return record;
  }

  /** Writes {@code record} into {@code spec} (other fields of the spec are kept). */
  static ObjectNode spec(LeaderElectionRecord record, ObjectNode spec) {
    if (record.getHolderIdentity() == null) {
      spec.remove("holderIdentity");
    } else {
      spec.put("holderIdentity", record.getHolderIdentity());
    }
    spec.put("leaseDurationSeconds", record.getLeaseDurationSeconds());
    spec.put("leaseTransitions", record.getLeaderTransitions());
    put(spec, "acquireTime", record.getAcquireTime());
    put(spec, "renewTime", record.getRenewTime());
    return spec;
  }

  private static void put(ObjectNode spec, String field, Date time) {
    if (time == null) {
      spec.remove(field);
    } else {
      spec.put(field, MICRO_TIME.format(time.toInstant()));
    }
  }

  private static Date time(JsonNode text) {
    if (!text.isTextual()) {
      return null;
    }
    Instant instant = OffsetDateTime.parse(text.asText()).toInstant();
    return new Date(instant.toEpochMilli());
  }
}
