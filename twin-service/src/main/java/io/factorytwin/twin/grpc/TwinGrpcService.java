package io.factorytwin.twin.grpc;

import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/**
 * The gRPC endpoint of twin-service. Methods not overridden here answer UNIMPLEMENTED, the
 * grpc-java default, with a message that names the method; each is built in its own change.
 * Blocking: every method runs on a worker thread, never on the event loop, because they read and
 * write the database.
 */
@GrpcService
@Blocking
public class TwinGrpcService extends TwinServiceGrpc.TwinServiceImplBase {}
