package io.factorytwin.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * An RSA key pair for one module's tests, kept under {@code target/test-jwt/}, and tokens signed
 * with it. The service under test verifies with the public key, as a deployment would with its
 * configured key; a token signed by {@link #foreignToken} must fail that check.
 */
public class TestKeys implements QuarkusTestResourceLifecycleManager {

  /** The issuer that the services' test profile expects. */
  public static final String ISSUER = "https://factorytwin.io/test";

  private static final Path DIR = Path.of("target", "test-jwt").toAbsolutePath();
  private static final Path PUBLIC = DIR.resolve("public.pem");
  private static final Path PRIVATE = DIR.resolve("private.pem");

  @Override
  public Map<String, String> start() {
    ensureKeys();
    return Map.of(
        "mp.jwt.verify.publickey.location", PUBLIC.toString(), "mp.jwt.verify.issuer", ISSUER);
  }

  @Override
  public void stop() {}

  /** Returns a token for the subject with the given role claim values, valid for an hour. */
  public static String token(String subject, String... roles) {
    return sign(subject, Set.of(roles), ISSUER, privateKey(), Duration.ofHours(1));
  }

  /** Returns a token that expired a minute ago. */
  public static String expiredToken(String subject, String... roles) {
    return sign(subject, Set.of(roles), ISSUER, privateKey(), Duration.ofMinutes(-1));
  }

  /** Returns a well-formed token signed by a key the service does not trust. */
  public static String foreignToken(String subject, String... roles) {
    return sign(subject, Set.of(roles), ISSUER, generate().getPrivate(), Duration.ofHours(1));
  }

  private static String sign(
      String subject, Set<String> roles, String issuer, PrivateKey key, Duration lifetime) {
    long now = System.currentTimeMillis() / 1000;
    long expires = now + lifetime.toSeconds();
    return Jwt.issuer(issuer)
        .subject(subject)
        .upn(subject)
        .groups(roles)
        .issuedAt(Math.min(now, expires - 60))
        .expiresAt(expires)
        .sign(key);
  }

  static synchronized void ensureKeys() {
    if (Files.isRegularFile(PUBLIC) && Files.isRegularFile(PRIVATE)) {
      return;
    }
    KeyPair pair = generate();
    try {
      Files.createDirectories(DIR);
      Files.writeString(PRIVATE, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
      Files.writeString(PUBLIC, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static PrivateKey privateKey() {
    ensureKeys();
    try {
      String pem = Files.readString(PRIVATE, StandardCharsets.US_ASCII);
      String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      return KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("unreadable test key " + PRIVATE, e);
    }
  }

  private static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is not available", e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
