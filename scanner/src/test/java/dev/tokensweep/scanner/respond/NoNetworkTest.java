package dev.tokensweep.scanner.respond;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.scanner.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.SocketPermission;
import java.net.URLPermission;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Permission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scan without {@code --validate} opens no connection and resolves no host name, whatever it
 * reads: checked with a security manager that records (and refuses) every socket and URL
 * permission the JDK asks for, which covers plain sockets, NIO channels and the HTTP client. The
 * same guard around {@code --validate} (with the real endpoints) shows it does see requests: only
 * to the providers' documented hosts, and each refused one ends as an {@code unknown} answer.
 * Needs a JDK that still lets a test install a security manager (17, or 18 to 23 with
 * {@code -Djava.security.manager=allow}); skipped elsewhere.
 */
class NoNetworkTest {

  @TempDir
  Path tmp;

  /** Records every network permission asked for, and refuses it; allows everything else. */
  static final class Recorder extends SecurityManager {
    final List<String> asked = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void checkPermission(Permission p) {
      if (p instanceof SocketPermission || p instanceof URLPermission) {
        asked.add(p.getClass().getSimpleName() + " " + p.getName() + " " + p.getActions());
        throw new SecurityException("network access denied by the test");
      }
    }

    @Override
    public void checkPermission(Permission p, Object context) {
      checkPermission(p);
    }

    @Override
    public void checkConnect(String host, int port) {
      asked.add("connect " + host + ":" + port);
      throw new SecurityException("network access denied by the test");
    }

    @Override
    public void checkConnect(String host, int port, Object context) {
      checkConnect(host, port);
    }
  }

  @SuppressWarnings("removal")
  static List<String> networkAskedFor(String... args) {
    Recorder rec = new Recorder();
    try {
      System.setSecurityManager(rec);
    } catch (UnsupportedOperationException e) {
      Assumptions.abort("this JDK does not let a test install a security manager");
    }
    try {
      Main.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true));
    } finally {
      System.setSecurityManager(null);
    }
    return new ArrayList<>(rec.asked);
  }

  void plant(Path dir) throws IOException {
    Map<String, Samples.Sample> s = Samples.all(21);
    StringBuilder b = new StringBuilder();
    for (String p : ValidateCliTest.DETECTED) {
      b.append(p).append(": ").append(s.get(p).secret()).append('\n');
    }
    b.append("curl -H 'Authorization: Bearer ").append(s.get("github").secret()).append("' https://api.github.com/user\n");
    b.append(ValidateCliTest.whoamiEnv(s));
    Files.writeString(dir.resolve("tokens.log"), b);
  }

  @Test
  void scan_withoutValidate_opensNoConnection() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    plant(dir);
    Path index = tmp.resolve("index");
    // once without the guard first: class loading and the detector's first compile are slow under it
    Main.run(new String[] {"scan", "--format", "json", "--no-progress", dir.toString()}, new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()));
    for (String format : List.of("json", "ecs")) {
      List<String> asked = networkAskedFor("scan", "--format", format, "--host", "h", "--index", index.toString(),
          "--no-progress", dir.toString());
      assertEquals(List.of(), asked, format + ": a scan without --validate asked for the network");
    }
  }

  @Test
  void scan_validate_asksOnlyForTheProvidersDocumentedHosts() throws IOException {
    Endpoints.useForTests(null);
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    plant(dir);
    List<String> asked = networkAskedFor("scan", "--validate", "--format", "json", "--no-progress", dir.toString());
    assertFalse(asked.isEmpty(), "the guard saw no request: it would not catch one either");
    List<String> allowed = List.of("api.github.com", "gitlab.com", "slack.com", "oauth2.googleapis.com", "graph.microsoft.com",
        "dev-123456.okta.com", "registry.npmjs.org", "sts.amazonaws.com", "api.openai.com", "api.anthropic.com",
        "api.stripe.com", "api.cloudflare.com", "api.heroku.com", "api.vercel.com", "api.netlify.com", "api.notion.com",
        "circleci.com", "app.terraform.io", "api.dropboxapi.com", "api.datadoghq.com", "api.figma.com", "api.airtable.com",
        "api.snyk.io", "api.cohere.com", "openrouter.ai", "api.x.ai", "app.asana.com", "discord.com", "api.replicate.com",
        "api.groq.com", "api.mistral.ai", "api.deepseek.com", "api.together.xyz", "huggingface.co", "api.sendgrid.com",
        "api.digitalocean.com", "api.getpostman.com");
    for (String a : asked) {
      assertTrue(allowed.stream().anyMatch(h -> a.contains("https://" + h + "/") || a.contains(" " + h + ":")),
          "a request to a host that is not a provider's: " + a.replaceAll("[?].*", "?..."));
    }
  }
}
