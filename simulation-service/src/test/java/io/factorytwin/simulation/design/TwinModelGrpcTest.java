package io.factorytwin.simulation.design;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.model.ModelLoader;
import io.factorytwin.simulation.v1.ModelSource;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** A model built from a twin revision that a real twin-service process serves over gRPC. */
@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
@WithTestResource(TwinServiceProcess.class)
class TwinModelGrpcTest {

  @ConfigProperty(name = "test.twin.revision")
  String revision;

  @Inject ModelLoader loader;

  @Test
  void load_twinRevision_buildsTheModel() {
    FacilityModel model =
        loader.load("model", ModelSource.newBuilder().setTwinRevision(revision).build());

    assertThat(model.name()).isEqualTo(revision);
    assertThat(model.racks()).hasSize(3);
    assertThat(model.cdus()).hasSize(1);
    assertThat(model.racksWithoutCdu()).isEmpty();
    assertThat(model.plant().heatRejectionUnits()).isEqualTo(2);
    assertThat(model.setpoints().tcsSupplyC()).isEqualTo(32);
    assertThat(model.site().weatherDataSet()).isEqualTo("USA_WA_Seattle-Tacoma.epw");
    assertThat(model.site().carbonDataSet()).isEqualTo("BPAT.csv");
  }
}
