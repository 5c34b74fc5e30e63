package io.factorytwin.dsx;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority and a server certificate for 127.0.0.1 made with the openssl command in a
 * temporary directory, PKCS#12 trust stores, and a PKCS#12 key store with a client certificate. The
 * files are world-readable because Mosquitto, started as root, reads them after it dropped to its
 * own user.
 */
final class TestCertificates {

  static final String TRUST_STORE_PASSWORD = "changeit";

  final Path dir;
  final Path caCertificate;
  final Path serverCertificate;
  final Path serverKey;

  private TestCertificates(Path dir) {
    this.dir = dir;
    this.caCertificate = dir.resolve("ca.pem");
    this.serverCertificate = dir.resolve("server.pem");
    this.serverKey = dir.resolve("server.key");
  }

  /** Creates a CA, named by commonName, and a server certificate for 127.0.0.1 that it signed. */
  static TestCertificates create(String commonName) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("dsx-tls");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    TestCertificates files = new TestCertificates(dir);
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=" + commonName,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    openssl(
        dir,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1");
    // Paho checks the host name against the subject alternative names.
    Files.writeString(
        dir.resolve("server.ext"),
        "basicConstraints=CA:FALSE\n"
            + "keyUsage=critical,digitalSignature,keyEncipherment\n"
            + "extendedKeyUsage=serverAuth\n"
            + "subjectAltName=IP:127.0.0.1\n");
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-set_serial",
        "2",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.pem");
    for (Path file : List.of(files.caCertificate, files.serverCertificate, files.serverKey)) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
    return files;
  }

  /** Writes a PKCS#12 trust store that contains this CA's certificate and returns its path. */
  Path trustStore() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caCertificate)) {
      Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
      store.setCertificateEntry("ca", ca);
    }
    Path path = dir.resolve("trust.p12");
    try (OutputStream out = Files.newOutputStream(path)) {
      store.store(out, TRUST_STORE_PASSWORD.toCharArray());
    }
    return path;
  }

  /**
   * Makes a client key and a certificate for it that this CA signed, for TLS client authentication,
   * and returns them as a PKCS#12 key store protected by {@link #TRUST_STORE_PASSWORD}.
   */
  Path clientKeyStore(String commonName) throws IOException, InterruptedException {
    openssl(
        dir,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "client.key",
        "-out",
        "client.csr",
        "-subj",
        "/CN=" + commonName);
    Files.writeString(
        dir.resolve("client.ext"),
        "basicConstraints=CA:FALSE\n"
            + "keyUsage=critical,digitalSignature,keyEncipherment\n"
            + "extendedKeyUsage=clientAuth\n");
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        "client.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-set_serial",
        "3",
        "-days",
        "2",
        "-extfile",
        "client.ext",
        "-out",
        "client.pem");
    openssl(
        dir,
        "pkcs12",
        "-export",
        "-inkey",
        "client.key",
        "-in",
        "client.pem",
        "-name",
        "client",
        "-out",
        "client.p12",
        "-passout",
        "pass:" + TRUST_STORE_PASSWORD);
    return dir.resolve("client.p12");
  }

  private static void openssl(Path dir, String... arguments)
      throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(arguments));
    Path log = dir.resolve("openssl.log");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "openssl " + arguments[0] + " failed: " + Files.readString(log));
    }
  }

  void delete() throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
