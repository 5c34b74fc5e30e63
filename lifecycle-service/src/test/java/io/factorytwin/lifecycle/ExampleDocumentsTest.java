package io.factorytwin.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.lifecycle.v1.CheckDesignRequest;
import io.factorytwin.lifecycle.v1.CheckDesignResponse;
import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.lifecycle.v1.Finding;
import io.factorytwin.lifecycle.v1.GetDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.GetPartRequest;
import io.factorytwin.lifecycle.v1.ImportDesignDocumentResponse;
import io.factorytwin.lifecycle.v1.LifecycleServiceGrpc;
import io.factorytwin.lifecycle.v1.ReleaseDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.RevisionState;
import io.factorytwin.lifecycle.v1.SubmitDesignRevisionRequest;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Imports the documents in the repository's examples folder and releases the reference hall. */
@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class ExampleDocumentsTest {

  private static final Path EXAMPLES = DocumentUploads.EXAMPLES;

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  private ManagedChannel channel;
  private LifecycleServiceGrpc.LifecycleServiceBlockingStub alice;
  private LifecycleServiceGrpc.LifecycleServiceStub uploader;

  @BeforeEach
  void connect() {
    channel = GrpcClients.channel(port);
    var credentials = GrpcClients.bearer(TestKeys.token("alice", "operator"));
    alice =
        LifecycleServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(credentials)
            .withDeadlineAfter(60, TimeUnit.SECONDS);
    uploader = LifecycleServiceGrpc.newStub(channel).withCallCredentials(credentials);
  }

  @AfterEach
  void disconnect() {
    GrpcClients.close(channel);
  }

  @Test
  void examples_importCheckAndRelease() throws Exception {
    ImportDesignDocumentResponse catalog =
        DocumentUploads.upload(uploader, EXAMPLES.resolve("catalog.yaml"));
    ImportDesignDocumentResponse hall =
        DocumentUploads.upload(uploader, EXAMPLES.resolve("reference-hall.yaml"));
    String revisionName = "designs/reference-hall/revisions/a";
    CheckDesignResponse check =
        alice.checkDesign(CheckDesignRequest.newBuilder().setName(revisionName).build());
    DesignRevision revision =
        alice.getDesignRevision(
            GetDesignRevisionRequest.newBuilder().setName(revisionName).build());
    DesignRevision submitted =
        alice.submitDesignRevision(
            SubmitDesignRevisionRequest.newBuilder()
                .setName(revisionName)
                .setEtag(revision.getEtag())
                .build());
    DesignRevision released =
        alice.releaseDesignRevision(
            ReleaseDesignRevisionRequest.newBuilder()
                .setName(revisionName)
                .setEtag(submitted.getEtag())
                .build());

    assertThat(catalog.getCreatedPartsList()).hasSize(11);
    for (String part : catalog.getCreatedPartsList()) {
      assertThat(
              alice
                  .getPart(GetPartRequest.newBuilder().setName(part).build())
                  .getReleasedRevision())
          .as("released revision of %s", part)
          .isEqualTo(part + "/revisions/a");
    }
    assertThat(hall.getCreatedAlternativesList())
        .containsExactly(
            "designs/reference-hall/alternatives/virginia",
            "designs/reference-hall/alternatives/texas",
            "designs/reference-hall/alternatives/pacific-northwest");
    assertThat(check.getFindingsList())
        .filteredOn(finding -> finding.getSeverity() == Finding.Severity.SEVERITY_ERROR)
        .isEmpty();
    assertThat(check.getPassed()).isTrue();
    assertThat(revision.getItDesignPowerKw()).isEqualTo(128 * 120.0);
    assertThat(revision.getPlacementCount()).isGreaterThan(128);
    assertThat(released.getState()).isEqualTo(RevisionState.REVISION_STATE_RELEASED);
  }
}
