package io.factorytwin.lifecycle.model;

/**
 * A connection from a port of the supplying placement to a port of the consuming placement.
 *
 * @param domain the domain of both ports; null until the ports are resolved
 * @param powerPath the power path; for electrical connections sent without one, taken from the
 *     target port, then the source port
 */
public record ConnectionElement(
    String id,
    String sourcePlacement,
    String sourcePort,
    String targetPlacement,
    String targetPort,
    PortDomain domain,
    PowerPath powerPath) {

  public ConnectionElement resolved(PortDomain resolvedDomain, PowerPath resolvedPath) {
    return new ConnectionElement(
        id, sourcePlacement, sourcePort, targetPlacement, targetPort, resolvedDomain, resolvedPath);
  }
}
