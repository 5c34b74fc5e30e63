package io.factorytwin.cli;

import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Development helpers: a local key pair and tokens for every role. Never for production. */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = "Development key pair and tokens (never use them in production).",
    subcommands = {DevCommand.Init.class, DevCommand.Token.class})
final class DevCommand {

  /** The issuer the services accept by default, matching their mp.jwt.verify.issuer. */
  static final String DEV_ISSUER = "https://factorytwin.io/dev";

  /**
   * Subject and role of each development token. The two service identities carry the names of the
   * services that use them.
   */
  static final Map<String, String[]> TOKENS = new LinkedHashMap<>();

  static {
    TOKENS.put("operator", new String[] {"dev-operator", "operator"});
    TOKENS.put("reader", new String[] {"dev-reader", "reader"});
    TOKENS.put("agent", new String[] {"dev-agent", "agent"});
    TOKENS.put("publisher", new String[] {"lifecycle-service", "publisher"});
    TOKENS.put("setpoint-writer", new String[] {"control-service", "setpoint-writer"});
    TOKENS.put("telemetry-writer", new String[] {"dev-gateway", "telemetry-writer"});
  }

  /** Returns the run folder: {@code $FACTORYTWIN_HOME/run}, or {@code ./run}. */
  static Path runDir() {
    String home = System.getenv("FACTORYTWIN_HOME");
    return (home == null || home.isBlank() ? Path.of(".") : Path.of(home)).resolve("run");
  }

  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      description =
          "Create run/jwt/{private,public}.pem and run/tokens/<role>.jwt unless they exist.")
  static final class Init implements Callable<Integer> {

    @Option(names = "--dir", description = "Run folder (default: $FACTORYTWIN_HOME/run or ./run).")
    Path dir;

    @Option(names = "--force", description = "Replace existing keys and tokens.")
    boolean force;

    @Option(
        names = "--valid-days",
        defaultValue = "30",
        description = "Lifetime of the tokens in days (default ${DEFAULT-VALUE}).")
    int validDays;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, GeneralSecurityException {
      if (validDays < 1) {
        throw new CliException("invalid --valid-days " + validDays + ": expected at least 1");
      }
      Path run = dir != null ? dir : runDir();
      Path keys = run.resolve("jwt");
      Path tokens = run.resolve("tokens");
      Path privatePem = keys.resolve("private.pem");
      Path publicPem = keys.resolve("public.pem");
      Files.createDirectories(keys);
      Files.createDirectories(tokens);
      boolean newKeys =
          force || !Files.isRegularFile(privatePem) || !Files.isRegularFile(publicPem);
      if (newKeys) {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        writePrivate(privatePem, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.writeString(publicPem, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
      }
      PrivateKey key = readPrivate(privatePem);
      int written = 0;
      for (Map.Entry<String, String[]> entry : TOKENS.entrySet()) {
        Path file = tokens.resolve(entry.getKey() + ".jwt");
        // Tokens signed by an older key would fail verification, so new keys mean new tokens;
        // a token that expires within a day is renewed as well.
        if (newKeys || !Files.isRegularFile(file) || expiresWithinADay(file)) {
          String[] identity = entry.getValue();
          Duration lifetime = Duration.ofDays(validDays);
          writePrivate(file, sign(key, identity[0], Set.of(identity[1]), lifetime) + "\n");
          written++;
        }
      }
      if (!newKeys && written == 0) {
        spec.commandLine().getOut().println("development keys and tokens exist in " + run);
        return 0;
      }
      spec.commandLine()
          .getOut()
          .println("created development keys in " + keys + " and tokens in " + tokens);
      return 0;
    }
  }

  @Command(
      name = "token",
      mixinStandardHelpOptions = true,
      description =
          "Print a token signed with the development key in run/jwt/private.pem, such as one"
              + " for an agent whose id is not dev-agent.")
  static final class Token implements Callable<Integer> {

    @Option(
        names = "--subject",
        required = true,
        description = "The sub claim: for an agent, its agent id.")
    String subject;

    @Option(
        names = "--role",
        required = true,
        description =
            "The role in the groups claim: reader, operator, agent, publisher,"
                + " setpoint-writer or telemetry-writer.")
    String role;

    @Option(names = "--dir", description = "Run folder (default: $FACTORYTWIN_HOME/run or ./run).")
    Path dir;

    @Option(
        names = "--valid-hours",
        defaultValue = "24",
        description = "Lifetime of the token in hours (default ${DEFAULT-VALUE}).")
    int validHours;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, GeneralSecurityException {
      if (validHours < 1) {
        throw new CliException("invalid --valid-hours " + validHours + ": expected at least 1");
      }
      boolean knownRole = TOKENS.values().stream().anyMatch(identity -> identity[1].equals(role));
      if (!knownRole) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "unknown role '"
                + role
                + "': expected reader, operator, agent, publisher, setpoint-writer or"
                + " telemetry-writer");
      }
      Path privatePem = (dir != null ? dir : runDir()).resolve("jwt").resolve("private.pem");
      if (!Files.isRegularFile(privatePem)) {
        throw new CliException(
            "no development key at " + privatePem + ": run 'bin/factoryctl dev init' first");
      }
      String token =
          sign(readPrivate(privatePem), subject, Set.of(role), Duration.ofHours(validHours));
      spec.commandLine().getOut().println(token);
      return 0;
    }
  }

  /** Returns whether the token in the file is unreadable or expires within the next day. */
  static boolean expiresWithinADay(Path file) {
    try {
      String[] parts = Files.readString(file).trim().split("\\.");
      if (parts.length != 3) {
        return true;
      }
      String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
      java.util.regex.Matcher exp =
          java.util.regex.Pattern.compile("\"exp\"\\s*:\\s*(\\d+)").matcher(payload);
      long now = System.currentTimeMillis() / 1000;
      return !exp.find() || Long.parseLong(exp.group(1)) < now + Duration.ofDays(1).toSeconds();
    } catch (IOException | IllegalArgumentException e) {
      return true;
    }
  }

  static String sign(PrivateKey key, String subject, Set<String> roles, Duration lifetime) {
    long now = System.currentTimeMillis() / 1000;
    return Jwt.issuer(DEV_ISSUER)
        .subject(subject)
        .upn(subject)
        .groups(roles)
        .issuedAt(now)
        .expiresAt(now + lifetime.toSeconds())
        .sign(key);
  }

  private static PrivateKey readPrivate(Path file) throws IOException, GeneralSecurityException {
    String body =
        Files.readString(file, StandardCharsets.US_ASCII)
            .replaceAll("-----[A-Z ]+-----", "")
            .replaceAll("\\s", "");
    return KeyFactory.getInstance("RSA")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
  }

  private static void writePrivate(Path file, String content) {
    try {
      Files.writeString(file, content);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
