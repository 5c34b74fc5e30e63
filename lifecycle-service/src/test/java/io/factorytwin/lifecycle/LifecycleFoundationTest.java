package io.factorytwin.lifecycle;

import io.factorytwin.lifecycle.v1.LifecycleServiceGrpc;
import io.factorytwin.testing.AbstractServiceFoundationTest;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.grpc.ServiceDescriptor;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class LifecycleFoundationTest extends AbstractServiceFoundationTest {

  @Override
  protected ServiceDescriptor service() {
    return LifecycleServiceGrpc.getServiceDescriptor();
  }
}
