package io.factorytwin.lifecycle.mapping;

import com.google.protobuf.FieldMask;
import com.google.protobuf.InvalidProtocolBufferException;
import io.factorytwin.lifecycle.model.ChangeNoticeState;
import io.factorytwin.lifecycle.model.DesignEdit;
import io.factorytwin.lifecycle.service.ChangeNoticeFields;
import io.factorytwin.lifecycle.service.ChangeNoticeView;
import io.factorytwin.lifecycle.service.EditCodec;
import io.factorytwin.lifecycle.service.Finding;
import io.factorytwin.lifecycle.v1.ChangeNotice;
import io.factorytwin.support.error.InvalidArgumentException.FieldViolation;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Converts change notices between the contract and the service's records, checks the fields a
 * client writes against the limits the contract states, and decodes stored edits.
 */
@ApplicationScoped
public class ChangeNoticeMapper implements EditCodec {

  /** The fields of a change notice that UpdateChangeNotice may replace. */
  static final Set<String> UPDATABLE = Set.of("title", "description", "edits");

  /** Maximum length of a change notice's description in characters, as the contract states. */
  static final int MAX_DESCRIPTION_CHARS = 16_384;

  /** Maximum length of a reviewer's comment in characters, as the contract states. */
  public static final int MAX_COMMENT_CHARS = 4096;

  /**
   * Checks and converts the writable fields of a change notice sent in the given request field,
   * such as {@code change_notice}; INVALID_ARGUMENT per bad field.
   */
  public static ChangeNoticeFields fields(ChangeNotice notice, String prefix) {
    List<FieldViolation> violations = new ArrayList<>();
    checkTitle(notice, prefix, violations);
    checkDescription(notice, prefix, violations);
    DesignMapper.throwIfAny(violations);
    return new ChangeNoticeFields(
        notice.getTitle(),
        notice.getDescription(),
        encodeEdits(notice),
        DesignMapper.edits(notice.getEditsList(), false, prefix + ".edits"));
  }

  /** Checks an UpdateChangeNotice mask and the fields it names; returns the fields to replace. */
  public static Set<String> mask(FieldMask mask, ChangeNotice notice) {
    Set<String> paths = DesignMapper.mask(mask, UPDATABLE);
    List<FieldViolation> violations = new ArrayList<>();
    if (paths.contains("title")) {
      checkTitle(notice, "change_notice", violations);
    }
    if (paths.contains("description")) {
      checkDescription(notice, "change_notice", violations);
    }
    DesignMapper.throwIfAny(violations);
    return paths;
  }

  /**
   * Converts the fields of an update; the title and description are checked by {@link #mask}, so
   * only the edits are checked here.
   */
  public static ChangeNoticeFields updateFields(ChangeNotice notice, Set<String> mask) {
    List<DesignEdit> edits =
        mask.contains("edits")
            ? DesignMapper.edits(notice.getEditsList(), false, "change_notice.edits")
            : List.of();
    return new ChangeNoticeFields(
        notice.getTitle(), notice.getDescription(), encodeEdits(notice), edits);
  }

  @Override
  public List<DesignEdit> decode(byte[] stored) {
    try {
      return DesignMapper.edits(ChangeNotice.parseFrom(stored).getEditsList(), false, "edits");
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored edits of a change notice are unreadable", e);
    }
  }

  public static ChangeNotice toProto(ChangeNoticeView view) {
    io.factorytwin.lifecycle.model.ChangeNotice notice = view.notice();
    ChangeNotice.Builder builder;
    try {
      builder = ChangeNotice.parseFrom(notice.edits).toBuilder();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored edits of " + notice.name() + " are unreadable", e);
    }
    builder
        .setName(notice.name())
        .setTitle(notice.title)
        .setDescription(notice.description)
        .setBaseRevision(notice.baseRevision)
        .setBaseRevisionEtag(notice.baseRevisionEtag)
        .setState(state(notice.state))
        .setAuthor(notice.author)
        .setEtag(notice.etag())
        .setCreateTime(DesignMapper.timestamp(notice.createTime))
        .setUpdateTime(DesignMapper.timestamp(notice.updateTime));
    for (Finding.Element element : view.affected()) {
      builder.addAffectedElements(DesignMapper.reference(element));
    }
    for (Finding.Element element : view.resulting()) {
      builder.addResultingElements(DesignMapper.reference(element));
    }
    if (notice.reviewer != null) {
      builder.setReviewer(notice.reviewer);
    }
    if (notice.reviewComment != null) {
      builder.setReviewComment(notice.reviewComment);
    }
    if (notice.reviewTime != null) {
      builder.setReviewTime(DesignMapper.timestamp(notice.reviewTime));
    }
    if (notice.resultingRevision != null) {
      builder.setResultingRevision(notice.resultingRevision);
    }
    if (notice.applyTime != null) {
      builder.setApplyTime(DesignMapper.timestamp(notice.applyTime));
    }
    return builder.build();
  }

  private static ChangeNotice.State state(ChangeNoticeState state) {
    return ChangeNotice.State.valueOf("STATE_" + state.name());
  }

  /** Encodes the edits as a ChangeNotice that carries only them, the stored form. */
  private static byte[] encodeEdits(ChangeNotice notice) {
    return ChangeNotice.newBuilder().addAllEdits(notice.getEditsList()).build().toByteArray();
  }

  private static void checkTitle(
      ChangeNotice notice, String prefix, List<FieldViolation> violations) {
    PartMapper.checkText(
        notice.getTitle(), prefix + ".title", PartMapper.MAX_NAME_CHARS, true, violations);
  }

  private static void checkDescription(
      ChangeNotice notice, String prefix, List<FieldViolation> violations) {
    PartMapper.checkText(
        notice.getDescription(), prefix + ".description", MAX_DESCRIPTION_CHARS, false, violations);
  }
}
