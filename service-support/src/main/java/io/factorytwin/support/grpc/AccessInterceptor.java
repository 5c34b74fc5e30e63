package io.factorytwin.support.grpc;

import io.factorytwin.support.config.ServiceConfig;
import io.factorytwin.support.error.ErrorTable;
import io.factorytwin.support.error.PermissionDeniedException;
import io.factorytwin.support.error.UnauthenticatedException;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GlobalInterceptor;
import io.quarkus.logging.Log;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Authenticates every gRPC call but health and reflection by its bearer JWT and admits it only with
 * a role that the method's access option lists. A missing or invalid token gets UNAUTHENTICATED; a
 * valid token without an admitted role gets PERMISSION_DENIED.
 */
@ApplicationScoped
@GlobalInterceptor
public class AccessInterceptor implements ServerInterceptor, Prioritized {

  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "Bearer ";

  /** Bounds the cache of verified tokens; past it, the cache starts over. */
  private static final int MAX_VERIFIED_TOKENS = 10_000;

  private final JWTParser parser;
  private final String domain;
  private final AccessPolicies policies = new AccessPolicies();

  /**
   * Tokens whose signature and claims were verified, by their exact text, until they expire. A
   * client sends the same token on every call, and verifying an RSA signature each time cost about
   * a fifth of a service's CPU in bench/control-proposals.sh. Any change to the text, the signature
   * included, misses the cache and is verified in full.
   */
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  /** The subject and roles of a verified token, and its expiry in seconds since the epoch. */
  private record Verified(String subject, Set<String> groups, long expiresAt) {}

  AccessInterceptor(JWTParser parser, ServiceConfig config) {
    this.parser = parser;
    this.domain = config.errorDomain();
  }

  @Override
  public int getPriority() {
    // Runs first, so no other interceptor or service code sees an unauthenticated call.
    return Integer.MAX_VALUE;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (policies.isOpen(call.getMethodDescriptor())) {
      return next.startCall(call, headers);
    }
    String method = call.getMethodDescriptor().getFullMethodName();
    Verified token;
    try {
      token = authenticate(headers.get(AUTHORIZATION));
    } catch (UnauthenticatedException e) {
      Log.debugf("rejected unauthenticated call to %s: %s", method, e.getMessage());
      return reject(call, e);
    }
    Set<String> granted = token.groups();
    Set<String> admitted = policies.rolesFor(call.getMethodDescriptor());
    if (Collections.disjoint(admitted, granted)) {
      Log.debugf("denied %s to %s with roles %s", method, token.subject(), granted);
      return reject(
          call,
          new PermissionDeniedException(
              "PERMISSION_DENIED",
              method
                  + " requires one of the roles "
                  + new TreeSet<>(admitted)
                  + "; the token grants "
                  + new TreeSet<>(granted)));
    }
    Caller caller = new Caller(token.subject(), Set.copyOf(granted));
    Context context = Context.current().withValue(Caller.CONTEXT_KEY, caller);
    return Contexts.interceptCall(context, call, headers, next);
  }

  private Verified authenticate(String authorization) {
    if (authorization == null
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw new UnauthenticatedException(
          "missing credentials: send a JWT as 'authorization: Bearer <token>' metadata");
    }
    String text = authorization.substring(BEARER.length()).trim();
    long now = Instant.now().getEpochSecond();
    Verified cached = verified.get(text);
    if (cached != null && now < cached.expiresAt()) {
      return cached;
    }
    try {
      JsonWebToken token = parser.parse(text);
      Verified result =
          new Verified(
              token.getSubject(),
              token.getGroups() == null ? Set.of() : Set.copyOf(token.getGroups()),
              token.getExpirationTime());
      if (verified.size() >= MAX_VERIFIED_TOKENS) {
        verified.clear();
      }
      verified.put(text, result);
      return result;
    } catch (ParseException e) {
      throw new UnauthenticatedException(
          "the bearer token is invalid or expired; obtain a new token signed by the configured key");
    }
  }

  private <ReqT, RespT> ServerCall.Listener<ReqT> reject(
      ServerCall<ReqT, RespT> call, RuntimeException failure) {
    StatusRuntimeException status = ErrorTable.toStatus(failure, domain);
    Metadata trailers = status.getTrailers() == null ? new Metadata() : status.getTrailers();
    // The Vert.x gRPC bridge attaches the returned listener only after this method returns, and
    // closing before that fails inside the bridge. So the call is closed on the next turn of the
    // event loop.
    io.vertx.core.Context eventLoop = Vertx.currentContext();
    if (eventLoop == null) {
      closeQuietly(call, status.getStatus(), trailers);
    } else {
      eventLoop.runOnContext(ignored -> closeQuietly(call, status.getStatus(), trailers));
    }
    return new ServerCall.Listener<>() {};
  }

  /**
   * Closes a rejected call unless the transport closed it first, as it does for a message over the
   * size limit; a second close would only fail with "trailers already sent".
   */
  private static void closeQuietly(
      ServerCall<?, ?> call, io.grpc.Status status, Metadata trailers) {
    try {
      call.close(status, trailers);
    } catch (IllegalStateException alreadyClosed) {
      Log.debugf("rejected call was already closed: %s", alreadyClosed.getMessage());
    }
  }
}
