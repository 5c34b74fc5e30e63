package io.factorytwin.lifecycle.service;

import java.util.List;

/**
 * What an import created or found unchanged, as resource names, plus the errors of a dry run.
 *
 * @param committed whether the import was stored
 * @param errors errors found; only a dry run returns them, a stored import fails instead
 */
public record ImportResult(
    boolean committed,
    List<String> createdParts,
    List<String> createdPartRevisions,
    List<String> createdDesigns,
    List<String> createdDesignRevisions,
    List<String> createdAlternatives,
    List<String> unchanged,
    List<DocumentError> errors) {}
