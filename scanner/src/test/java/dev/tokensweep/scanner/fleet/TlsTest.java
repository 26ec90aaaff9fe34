package dev.tokensweep.scanner.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** https:// with a certificate the system does not trust: refused clearly, and accepted with --ca-file. */
class TlsTest {

  @TempDir
  Path tmp;

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed: " + out);
  }

  @Test
  void connect_selfSignedNode_failsWithoutCaFileAndWorksWithIt() throws Exception {
    Path ks = tmp.resolve("node.p12");
    Path pem = tmp.resolve("ca.pem");
    keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", ks.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit", "-keypass", "changeit");
    keytool("-exportcert", "-rfc", "-alias", "node", "-keystore", ks.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit", "-file", pem.toString());
    KeyStore k = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      k.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(k, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx));
    server.createContext("/", ex -> {
      byte[] b = "{\"status\":\"green\"}".getBytes();
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    });
    server.start();
    try {
      String url = "https://127.0.0.1:" + server.getAddress().getPort();
      Cluster untrusted = Cluster.connect(url, Credentials.NONE, null, Duration.ofSeconds(10));
      Cluster.ClusterException e = assertThrows(Cluster.ClusterException.class,
          () -> untrusted.send("GET", "/_cluster/health", null, null));
      assertEquals(Cluster.Failure.TLS, e.failure());
      assertTrue(e.getMessage().contains("--ca-file"), e.getMessage());

      Cluster trusted = Cluster.connect(url, Credentials.NONE, pem, Duration.ofSeconds(10));
      Cluster.Response r = trusted.send("GET", "/_cluster/health", null, null);
      assertEquals(200, r.status());
      assertEquals("green", r.json().path("status").asText());

      Files.writeString(tmp.resolve("not.pem"), "not a certificate");
      assertThrows(IllegalArgumentException.class,
          () -> Cluster.connect(url, Credentials.NONE, tmp.resolve("not.pem"), Duration.ofSeconds(10)));
    } finally {
      server.stop(0);
    }
  }
}
