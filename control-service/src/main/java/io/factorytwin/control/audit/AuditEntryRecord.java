package io.factorytwin.control.audit;

import java.time.Instant;

/**
 * One stored audit entry.
 *
 * @param kind null when the stored value names no kind, which only a direct change of the table can
 *     cause
 * @param facilityTime the twin's facility clock when the entry was written; null when unknown
 * @param payloadJson the canonical JSON that the hash covers
 * @param previousHash SHA-256 of the previous entry, 32 bytes
 * @param hash SHA-256 of previousHash followed by the UTF-8 bytes of payloadJson
 */
public record AuditEntryRecord(
    long sequence,
    AuditKind kind,
    String actor,
    String subject,
    Instant createTime,
    Instant facilityTime,
    String payloadJson,
    byte[] previousHash,
    byte[] hash) {}
