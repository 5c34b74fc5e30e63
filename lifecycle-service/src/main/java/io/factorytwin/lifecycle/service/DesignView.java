package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.Design;

/**
 * A design with the revisions derived from its revision rows.
 *
 * @param latestRevision resource name of the newest revision in any state, null when none
 * @param releasedRevision resource name of the RELEASED revision, null when none
 */
public record DesignView(Design design, String latestRevision, String releasedRevision) {}
