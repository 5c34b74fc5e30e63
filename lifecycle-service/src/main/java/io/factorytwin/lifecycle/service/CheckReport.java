package io.factorytwin.lifecycle.service;

import java.util.List;

/**
 * The result of CheckDesign.
 *
 * @param findings the returned findings, errors first, then by element id
 * @param errorCount findings of severity ERROR, including those not returned
 * @param truncated whether more findings exist than were returned
 */
public record CheckReport(
    List<Finding> findings, int errorCount, int warningCount, int infoCount, boolean truncated) {

  public boolean passed() {
    return errorCount == 0;
  }
}
