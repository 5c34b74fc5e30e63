package io.factorytwin.lifecycle.model;

/** Power path of an electrical connection or port; UNSPECIFIED when on no named path. */
public enum PowerPath {
  UNSPECIFIED,
  A,
  B
}
