package io.factorytwin.lifecycle.mapping;

import io.factorytwin.lifecycle.v1.Publication;

/** Converts stored publications to the contract's Publication. */
public final class PublicationMapper {

  private PublicationMapper() {}

  public static Publication toProto(io.factorytwin.lifecycle.model.Publication publication) {
    Publication.Builder builder =
        Publication.newBuilder()
            .setName(publication.name())
            .setTwin(publication.twin)
            .setActivate(publication.activate)
            .setState(Publication.State.valueOf("STATE_" + publication.state.name()))
            .setAttemptCount(publication.attemptCount)
            .setNewlyBuilt(publication.newlyBuilt)
            .setAuthor(publication.author)
            .setEtag(publication.etag())
            .setCreateTime(DesignMapper.timestamp(publication.createTime))
            .setUpdateTime(DesignMapper.timestamp(publication.updateTime));
    if (publication.lastErrorCode != null) {
      builder.setLastErrorCode(publication.lastErrorCode);
    }
    if (publication.lastError != null) {
      builder.setLastError(publication.lastError);
    }
    if (publication.lastAttemptTime != null) {
      builder.setLastAttemptTime(DesignMapper.timestamp(publication.lastAttemptTime));
    }
    if (publication.nextAttemptTime != null) {
      builder.setNextAttemptTime(DesignMapper.timestamp(publication.nextAttemptTime));
    }
    if (publication.twinRevision != null) {
      builder.setTwinRevision(publication.twinRevision);
    }
    if (publication.deliverTime != null) {
      builder.setDeliverTime(DesignMapper.timestamp(publication.deliverTime));
    }
    return builder.build();
  }
}
