package io.fleetpulse.collector.push;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A throw-away CA, a server certificate for 127.0.0.1 and device certificates, made with the real openssl. */
final class TestCertificates {

  private static final Path OPENSSL = Path.of("/usr/bin/openssl");
  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  static TestCertificates create(Path dir) throws Exception {
    assumeTrue(Files.isExecutable(OPENSSL), "needs openssl to make test certificates");
    TestCertificates certificates = new TestCertificates(dir);
    certificates.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=fleetpulse test CA");
    certificates.signed("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1");
    return certificates;
  }

  /** Makes {@code <name>.pem} and {@code <name>.key} for a device, CN = its uuid. */
  Path device(String name, String cn) throws Exception {
    signed(name, cn, "extendedKeyUsage=clientAuth");
    return dir.resolve(name + ".pem");
  }

  Path ca() {
    return dir.resolve("ca.pem");
  }

  Path cert(String name) {
    return dir.resolve(name + ".pem");
  }

  Path key(String name) {
    return dir.resolve(name + ".key");
  }

  PushTls serverTls(boolean requireDeviceCertificates) {
    return new PushTls(cert("server").toString(), key("server").toString(), requireDeviceCertificates ? ca().toString() : null);
  }

  private void signed(String name, String cn, String extension) throws Exception {
    Files.writeString(dir.resolve(name + ".ext"), extension + "\n");
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + cn);
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(OPENSSL.toString()));
    command.addAll(List.of(args));
    Path log = dir.resolve("openssl.log");
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + Files.readString(log));
    }
  }
}
