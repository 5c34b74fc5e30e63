package io.factorytwin.lifecycle.service;

/** The descriptive fields of a design, already checked against their limits. */
public record DesignFields(String displayName, String description) {}
