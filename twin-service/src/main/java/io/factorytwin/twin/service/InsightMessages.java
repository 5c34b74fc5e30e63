package io.factorytwin.twin.service;

import com.google.protobuf.Timestamp;
import io.factorytwin.twin.v1.Insight;
import java.time.Instant;

/** Insight records as contract messages, for the API and for Watch. */
public final class InsightMessages {

  private InsightMessages() {}

  public static Insight insight(InsightStore.Row row) {
    Insight.Builder insight =
        Insight.newBuilder()
            .setName("twins/" + row.twinId() + "/insights/" + row.id())
            .setRule(row.rule())
            .setRuleKindValue(row.ruleKind())
            .setSeverityValue(row.severity())
            .setStateValue(row.state())
            .setSummary(row.summary())
            .setNode("twins/" + row.twinId() + "/nodes/" + row.nodeId())
            .setPoint("twins/" + row.twinId() + "/points/" + row.pointId())
            .setObservedValue(row.observed())
            .setThresholdValue(row.threshold())
            .setFirstSeenFacilityTime(timestamp(row.firstSeen()))
            .setLastSeenFacilityTime(timestamp(row.lastSeen()))
            .setAcknowledgedBy(row.acknowledgedBy())
            .setAcknowledgeComment(row.acknowledgeComment())
            .setEtag(InsightStore.etag(row))
            .setCreateTime(timestamp(row.createTime()))
            .setUpdateTime(timestamp(row.updateTime()));
    insight.addAllLinkedActions(row.linkedActions());
    if (row.resolveTime() != null) {
      insight.setResolveFacilityTime(timestamp(row.resolveTime()));
    }
    if (row.acknowledgeTime() != null) {
      insight.setAcknowledgeTime(timestamp(row.acknowledgeTime()));
    }
    return insight.build();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
