package io.factorytwin.twin;

import io.factorytwin.testing.AbstractDatabaseOutageTest;
import io.factorytwin.testing.ProxiedPostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(ProxiedPostgresDatabase.class)
@WithTestResource(TestKeys.class)
class TwinDatabaseOutageTest extends AbstractDatabaseOutageTest {}
