package io.factorytwin.support.grpc;

import com.google.protobuf.Descriptors;
import io.factorytwin.common.v1.AccessPolicy;
import io.factorytwin.common.v1.AccessProto;
import io.factorytwin.common.v1.Role;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The roles that may call each method, read from the contract's {@code
 * factorytwin.common.v1.access} method option. A method without the option admits no one.
 */
public final class AccessPolicies {

  /** Services any caller may use without a token, so probes and generic tools work. */
  static final Set<String> OPEN_SERVICES =
      Set.of(
          "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection",
          "grpc.reflection.v1alpha.ServerReflection");

  private final ConcurrentHashMap<String, Set<String>> rolesByMethod = new ConcurrentHashMap<>();

  public boolean isOpen(MethodDescriptor<?, ?> method) {
    return OPEN_SERVICES.contains(method.getServiceName());
  }

  /**
   * Returns the claim values of the roles admitted to the method, empty when the method declares
   * none.
   */
  public Set<String> rolesFor(MethodDescriptor<?, ?> method) {
    return rolesByMethod.computeIfAbsent(
        method.getFullMethodName(), name -> readRoles(method).orElse(Set.of()));
  }

  private static Optional<Set<String>> readRoles(MethodDescriptor<?, ?> method) {
    if (!(method.getSchemaDescriptor() instanceof ProtoMethodDescriptorSupplier supplier)) {
      return Optional.empty();
    }
    Descriptors.MethodDescriptor descriptor = supplier.getMethodDescriptor();
    if (!descriptor.getOptions().hasExtension(AccessProto.access)) {
      return Optional.empty();
    }
    AccessPolicy policy = descriptor.getOptions().getExtension(AccessProto.access);
    return Optional.of(
        policy.getRolesList().stream()
            .filter(role -> role != Role.ROLE_UNSPECIFIED && role != Role.UNRECOGNIZED)
            .map(AccessPolicies::claimValue)
            .collect(Collectors.toUnmodifiableSet()));
  }

  /** Returns the JWT claim value of a role: ROLE_SETPOINT_WRITER is "setpoint-writer". */
  public static String claimValue(Role role) {
    return role.name().substring("ROLE_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
