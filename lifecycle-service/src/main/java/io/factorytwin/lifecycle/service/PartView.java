package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.Part;

/**
 * A part with the revisions derived from its revision rows.
 *
 * @param part the stored part
 * @param latestRevision resource name of the newest revision in any state, null when none
 * @param releasedRevision resource name of the RELEASED revision, null when none
 */
public record PartView(Part part, String latestRevision, String releasedRevision) {}
