package dev.mirrorgate.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A CA and a server certificate made with openssl for the ITs. */
public record TestPki(Path caCert, Path serverCert, Path serverKey) {

  public static TestPki create(Processes procs, Path dir, String serverName)
      throws IOException, InterruptedException {
    return create(procs, dir, serverName, List.of());
  }

  /** A server certificate naming {@code serverName} and, as IP SANs, {@code ipAddresses}. */
  public static TestPki create(
      Processes procs, Path dir, String serverName, List<String> ipAddresses)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path caKey = dir.resolve("ca.key");
    Path caCert = dir.resolve("ca.crt");
    Path key = dir.resolve("server.key");
    Path csr = dir.resolve("server.csr");
    Path cert = dir.resolve("server.crt");
    Path ext = dir.resolve("server.ext");
    procs.ok(
        List.of(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            caKey.toString(),
            "-out",
            caCert.toString(),
            "-days",
            "2",
            "-subj",
            "/CN=mirrorgate test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign"));
    procs.ok(
        List.of(
            "openssl",
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            key.toString(),
            "-out",
            csr.toString(),
            "-subj",
            "/CN=" + serverName));
    Files.writeString(
        ext,
        "subjectAltName=DNS:"
            + serverName
            + ipAddresses.stream().map(ip -> ",IP:" + ip).reduce("", String::concat)
            + "\nbasicConstraints=CA:FALSE\n"
            + "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
    procs.ok(
        List.of(
            "openssl",
            "x509",
            "-req",
            "-in",
            csr.toString(),
            "-CA",
            caCert.toString(),
            "-CAkey",
            caKey.toString(),
            "-CAcreateserial",
            "-out",
            cert.toString(),
            "-days",
            "2",
            "-extfile",
            ext.toString()));
    return new TestPki(caCert, cert, key);
  }
}
