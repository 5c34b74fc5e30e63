package io.factorytwin.control;

import io.factorytwin.control.v1.ControlServiceGrpc;
import io.factorytwin.testing.AbstractServiceFoundationTest;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.grpc.ServiceDescriptor;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class ControlFoundationTest extends AbstractServiceFoundationTest {

  @Override
  protected ServiceDescriptor service() {
    return ControlServiceGrpc.getServiceDescriptor();
  }
}
