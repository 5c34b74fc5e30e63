package io.factorytwin.support.grpc;

import io.grpc.Context;
import java.util.Set;

/**
 * The authenticated caller of the current gRPC call, set by {@link AccessInterceptor}.
 *
 * @param subject the JWT subject: a user name, a service name or an agent id
 * @param roles the roles from the JWT's {@code groups} claim, such as {@code operator}
 */
public record Caller(String subject, Set<String> roles) {

  static final Context.Key<Caller> CONTEXT_KEY = Context.key("factorytwin-caller");

  /** Returns the caller of the call in progress on this thread, or null outside a call. */
  public static Caller current() {
    return CONTEXT_KEY.get();
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }
}
