package io.factorytwin.simulation;

import io.factorytwin.simulation.v1.SimulationServiceGrpc;
import io.factorytwin.testing.AbstractServiceFoundationTest;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.grpc.ServiceDescriptor;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class SimulationFoundationTest extends AbstractServiceFoundationTest {

  @Override
  protected ServiceDescriptor service() {
    return SimulationServiceGrpc.getServiceDescriptor();
  }
}
