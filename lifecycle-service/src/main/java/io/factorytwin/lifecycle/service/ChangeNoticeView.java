package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.ChangeNotice;
import java.util.List;

/**
 * A change notice with its decoded element references.
 *
 * @param affected elements of the base revision that the edits change or remove, and the part
 *     revisions they stop using
 * @param resulting elements that the edits add or change, and the part revisions they start using
 */
public record ChangeNoticeView(
    ChangeNotice notice, List<Finding.Element> affected, List<Finding.Element> resulting) {}
