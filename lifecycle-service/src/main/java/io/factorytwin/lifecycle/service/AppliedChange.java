package io.factorytwin.lifecycle.service;

/**
 * The outcome of applying a change notice.
 *
 * @param change the change notice, now APPLIED
 * @param revision the released design revision it produced
 */
public record AppliedChange(ChangeNoticeView change, DesignRevisionView revision) {}
