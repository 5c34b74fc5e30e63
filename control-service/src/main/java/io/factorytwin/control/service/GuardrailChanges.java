package io.factorytwin.control.service;

import io.factorytwin.control.model.Interlock;
import java.util.List;

/**
 * The guardrail fields of a create or update request. On update, a null field is not in the update
 * mask and keeps its value; {@code clearApprovalMin} and {@code clearApprovalMax} reset an approval
 * edge in the mask but unset in the message to its default.
 */
public record GuardrailChanges(
    String pointPattern,
    String description,
    String unit,
    Double minValue,
    Double maxValue,
    Double maxRatePerMinute,
    Double approvalMinValue,
    boolean clearApprovalMin,
    Double approvalMaxValue,
    boolean clearApprovalMax,
    Double safeDefaultValue,
    List<Interlock> interlocks) {}
