package io.factorytwin.twin;

import io.factorytwin.testing.AbstractServiceFoundationTest;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.ServiceDescriptor;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class TwinFoundationTest extends AbstractServiceFoundationTest {

  @Override
  protected ServiceDescriptor service() {
    return TwinServiceGrpc.getServiceDescriptor();
  }
}
