package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.Design;
import io.factorytwin.lifecycle.model.Part;
import io.factorytwin.lifecycle.model.PartRevision;
import io.factorytwin.lifecycle.model.RevisionState;
import io.factorytwin.lifecycle.service.DesignDocument.AlternativeEntry;
import io.factorytwin.lifecycle.service.DesignDocument.DesignEntry;
import io.factorytwin.lifecycle.service.DesignDocument.PartEntry;
import io.factorytwin.lifecycle.service.DesignDocument.RevisionEntry;
import io.factorytwin.support.error.DomainException;
import io.factorytwin.support.error.FailedPreconditionException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Stores a checked design document through the same service methods that the single-resource RPCs
 * use, all in one transaction. The first failure stops the import and rolls everything back; it is
 * reported at the element path of the entry that caused it.
 */
@ApplicationScoped
public class DocumentImporter {

  private final PartCatalog parts;
  private final PartRevisions partRevisions;
  private final DesignCatalog designs;
  private final DesignRevisions designRevisions;
  private final Alternatives alternatives;
  private final TransactionManager transactions;

  DocumentImporter(
      PartCatalog parts,
      PartRevisions partRevisions,
      DesignCatalog designs,
      DesignRevisions designRevisions,
      Alternatives alternatives,
      TransactionManager transactions) {
    this.parts = parts;
    this.partRevisions = partRevisions;
    this.designs = designs;
    this.designRevisions = designRevisions;
    this.alternatives = alternatives;
    this.transactions = transactions;
  }

  /**
   * Stores the document in the current transaction, or in a new one when there is none. Fails with
   * {@link DocumentRejectedException} naming the element that could not be stored.
   */
  @WithSpan("DocumentImporter.store")
  @Transactional
  public ImportResult store(DesignDocument document, String author) {
    Outcome outcome = apply(document, author);
    Log.infof(
        "imported design document by %s: %d parts, %d part revisions, %d designs, %d unchanged",
        author,
        outcome.createdParts.size(),
        outcome.createdPartRevisions.size(),
        outcome.createdDesigns.size(),
        outcome.unchanged.size());
    return outcome.result(true, List.of());
  }

  /**
   * Imports the document and rolls the transaction back, so the database checks (existing ids,
   * references to stored part revisions) run without storing anything. Returns the first error
   * found, or none.
   */
  @WithSpan("DocumentImporter.dryRun")
  @Transactional
  public ImportResult dryRun(DesignDocument document, String author) {
    try {
      return apply(document, author).result(false, List.of());
    } catch (DocumentRejectedException e) {
      return new Outcome().result(false, e.errors());
    } finally {
      rollbackOnly();
    }
  }

  private Outcome apply(DesignDocument document, String author) {
    Outcome outcome = new Outcome();
    Step step = new Step(document.locator());
    for (PartEntry entry : document.parts()) {
      importPart(entry, author, outcome, step);
    }
    for (DesignEntry entry : document.designs()) {
      importDesign(entry, author, outcome, step);
    }
    return outcome;
  }

  private void importPart(PartEntry entry, String author, Outcome outcome, Step step) {
    String partId = entry.partId();
    Part existing = Part.findById(partId);
    if (existing == null) {
      step.run(entry.path(), "part", () -> parts.create(partId, entry.fields()));
      outcome.createdParts.add("parts/" + partId);
    } else if (samePart(existing, entry.fields())) {
      outcome.unchanged.add(existing.name());
    } else {
      throw step.reject(
          entry.path(),
          "part "
              + partId
              + " already exists with other fields or another equipment class; change it with"
              + " UpdatePart, or choose a new part id");
    }
    for (int i = 0; i < entry.revisions().size(); i++) {
      importRevision(partId, i + 1, entry.revisions().get(i), author, outcome, step);
    }
  }

  private void importRevision(
      String partId, int number, RevisionEntry entry, String author, Outcome outcome, Step step) {
    PartRevision existing =
        PartRevision.find("partId = ?1 and revisionNumber = ?2", partId, number).firstResult();
    if (existing != null) {
      if (!sameContent(existing, entry)) {
        throw step.reject(
            entry.path(),
            existing.name()
                + " already exists with other content or is not released; list changed content"
                + " as a further revision");
      }
      outcome.unchanged.add(existing.name());
      return;
    }
    PartRevision created =
        step.run(
            entry.path(),
            "part_revision",
            () -> partRevisions.create(partId, entry.content(), 0, author));
    if (created.revisionNumber != number) {
      throw step.reject(
          entry.path(),
          "part "
              + partId
              + " gets revision "
              + created.revisionId().toUpperCase()
              + " next, not the revision at this position; list every earlier revision first");
    }
    if (entry.release()) {
      PartRevision submitted =
          step.run(
              entry.path(),
              "part_revision",
              () -> partRevisions.submit(partId, number, created.etag()));
      step.run(
          entry.path(),
          "part_revision",
          () -> partRevisions.release(partId, number, submitted.etag(), author));
    }
    outcome.createdPartRevisions.add(created.name());
  }

  private void importDesign(DesignEntry entry, String author, Outcome outcome, Step step) {
    String designId = entry.designId();
    Design existing = Design.findById(designId);
    if (existing == null) {
      step.run(entry.path(), "design", () -> designs.create(designId, entry.fields()));
      outcome.createdDesigns.add("designs/" + designId);
    } else if (Objects.equals(text(existing.displayName), text(entry.fields().displayName()))
        && Objects.equals(text(existing.description), text(entry.fields().description()))) {
      outcome.unchanged.add(existing.name());
    } else {
      throw step.reject(
          entry.path(),
          "design "
              + designId
              + " already exists with another display_name or description; change it with"
              + " UpdateDesign, or choose a new design id");
    }
    // NOTE: an existing design always gets a new revision, even when its newest revision already
    // has the document's content, so importing the same design twice fails while that revision is
    // open or released.
    DesignRevisionView revision =
        step.run(
            entry.path(),
            "design_revision",
            () -> designRevisions.create(designId, entry.content(), 0, author));
    int number = revision.revision().revisionNumber;
    if (!entry.edits().isEmpty()) {
      String etag = revision.revision().etag();
      step.run(
          entry.path(),
          "edits",
          () -> designRevisions.edit(designId, number, etag, entry.edits(), false));
    }
    outcome.createdDesignRevisions.add(revision.revision().name());
    for (AlternativeEntry alternative : entry.alternatives()) {
      var created =
          step.run(
              alternative.path(),
              "alternative",
              () ->
                  alternatives.create(
                      designId, alternative.alternativeId(), number, alternative.fields(), author));
      outcome.createdAlternatives.add(created.name());
    }
  }

  private static boolean samePart(Part existing, PartFields fields) {
    return existing.equipmentClass == fields.equipmentClass()
        && Objects.equals(text(existing.displayName), text(fields.displayName()))
        && Objects.equals(text(existing.manufacturer), text(fields.manufacturer()))
        && Objects.equals(text(existing.model), text(fields.model()))
        && Objects.equals(text(existing.description), text(fields.description()));
  }

  /**
   * Compares stored content with the document's. Both are encoded by the same mapping code, and
   * protobuf encodes messages without map fields deterministically, so equal content has equal
   * bytes.
   */
  private static boolean sameContent(PartRevision existing, RevisionEntry entry) {
    boolean released =
        existing.state == RevisionState.RELEASED || existing.state == RevisionState.SUPERSEDED;
    return Arrays.equals(bytes(existing.spec), bytes(entry.content().spec()))
        && Arrays.equals(bytes(existing.ports), bytes(entry.content().ports()))
        && Arrays.equals(bytes(existing.sources), bytes(entry.content().sources()))
        && Objects.equals(text(existing.changeSummary), text(entry.content().changeSummary()))
        && (!entry.release() || released);
  }

  private static byte[] bytes(byte[] value) {
    return value == null ? new byte[0] : value;
  }

  private static String text(String value) {
    return value == null ? "" : value;
  }

  private void rollbackOnly() {
    try {
      transactions.setRollbackOnly();
    } catch (SystemException | IllegalStateException e) {
      throw new IllegalStateException("cannot mark the dry-run transaction for rollback", e);
    }
  }

  /** Runs one service call and reports its failure at the element path of the entry. */
  private record Step(DesignDocument.DocumentLocator locator) {

    <T> T run(String path, String requestField, Supplier<T> call) {
      try {
        return call.get();
      } catch (DomainException e) {
        throw new DocumentRejectedException(errors(e, path, requestField));
      }
    }

    DocumentRejectedException reject(String path, String message) {
      return new DocumentRejectedException(List.of(error(path, message)));
    }

    private List<DocumentError> errors(DomainException failure, String path, String field) {
      List<DocumentError> errors = new ArrayList<>();
      if (failure instanceof InvalidArgumentException invalid) {
        for (var violation : invalid.violations()) {
          errors.add(error(documentPath(violation.field(), field, path), violation.description()));
        }
      } else if (failure instanceof FailedPreconditionException precondition) {
        for (var violation : precondition.violations()) {
          errors.add(error(path, violation.subject() + ": " + violation.description()));
        }
      } else {
        errors.add(error(path, failure.getMessage()));
      }
      return errors;
    }

    /**
     * Translates a request field that a service method names, such as {@code
     * part_revision.spec.rack.gpu_count}, into the document path of the same field. Design edits
     * already carry document paths.
     */
    private static String documentPath(String field, String requestField, String path) {
      if (field.startsWith("parts[") || field.startsWith("designs[")) {
        return field;
      }
      if (field.equals(requestField)) {
        return path;
      }
      if (field.startsWith(requestField + ".") || field.startsWith(requestField + "[")) {
        return path + field.substring(requestField.length());
      }
      return path;
    }

    private DocumentError error(String path, String message) {
      int[] position = locator.locate(path);
      return new DocumentError(path, message, position[0], position[1]);
    }
  }

  /** The resource names an import collects while it runs. */
  private static final class Outcome {
    final List<String> createdParts = new ArrayList<>();
    final List<String> createdPartRevisions = new ArrayList<>();
    final List<String> createdDesigns = new ArrayList<>();
    final List<String> createdDesignRevisions = new ArrayList<>();
    final List<String> createdAlternatives = new ArrayList<>();
    final List<String> unchanged = new ArrayList<>();

    ImportResult result(boolean committed, List<DocumentError> errors) {
      return new ImportResult(
          committed,
          List.copyOf(createdParts),
          List.copyOf(createdPartRevisions),
          List.copyOf(createdDesigns),
          List.copyOf(createdDesignRevisions),
          List.copyOf(createdAlternatives),
          List.copyOf(unchanged),
          List.copyOf(errors));
    }
  }
}
