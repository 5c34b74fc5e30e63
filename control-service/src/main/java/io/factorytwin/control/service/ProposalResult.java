package io.factorytwin.control.service;

import io.factorytwin.control.model.ActionRecord;

/**
 * The action a proposal led to.
 *
 * @param replayed true when the request_id matched an earlier proposal, whose action this is
 */
public record ProposalResult(ActionRecord action, boolean replayed) {}
