package dev.tokensweep.scanner.respond;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tokensweep.scanner.FuzzLoop;
import dev.tokensweep.scanner.model.Validation;
import java.io.ByteArrayInputStream;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Provider answers and report files are hostile input: seeded random mutations of documented
 * answers (and of a report), fed to every reader for a bounded time, must never throw, must give an
 * answer, and what they print must stay short and free of control characters.
 */
class ResponseFuzzTest {
  static final long MILLIS = FuzzLoop.budgetMillis(1500);
  /** Runs of the answers' loop in the build's short budget; a longer one (-Pfuzz) runs on for its time. */
  static final int MAX_RUNS = System.getProperty(FuzzLoop.SECONDS, "").isBlank() ? 3000 : Integer.MAX_VALUE;

  static final List<String> SEEDS = List.of(
      "{\"login\":\"octo\",\"id\":1}",
      "{\"total_count\":3,\"repositories\":[]}",
      "{\"id\":4,\"name\":\"t\",\"revoked\":false,\"scopes\":[\"api\"],\"user_id\":24,\"active\":true,\"expires_at\":\"2026-12-31\"}",
      "{\"ok\":true,\"team\":\"T\",\"user\":\"u\",\"team_id\":\"T1\",\"user_id\":\"U1\"}",
      "{\"ok\":false,\"error\":\"invalid_auth\"}",
      "{\"scope\":\"a b\",\"exp\":\"1893456000\",\"expires_in\":\"3599\",\"email\":\"e@x\",\"azp\":\"c\"}",
      "{\"userPrincipalName\":\"a@b\",\"displayName\":\"A\"}",
      "{\"active\":true,\"scope\":\"openid\",\"username\":\"u\",\"exp\":1893456000}",
      "{\"username\":\"npm-test\"}",
      "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::1:user/a</Arn><Account>1</Account>"
          + "</GetCallerIdentityResult></GetCallerIdentityResponse>",
      "<ErrorResponse><Error><Code>InvalidClientTokenId</Code></Error></ErrorResponse>",
      "{\"object\":\"list\",\"data\":[]}",
      "{\"error\":{\"code\":\"insufficient_quota\"}}",
      "{\"id\":\"acct_1\",\"email\":\"x@y\"}",
      "{\"name\":\"n\",\"type\":\"user\",\"auth\":{\"accessToken\":{\"role\":\"write\"}}}",
      "{\"scopes\":[\"mail.send\"]}",
      "{\"account\":{\"email\":\"s@x\",\"team\":{\"name\":\"T\"}}}",
      "{\"user\":{\"username\":\"u\",\"teamName\":\"T\"}}");

  static final int[] STATUSES = {200, 200, 200, 400, 401, 403, 404, 429, 500, 302};

  static byte[] mutate(Random r, byte[] seed) {
    byte[] b = seed.clone();
    int n = 1 + r.nextInt(8);
    for (int i = 0; i < n && b.length > 0; i++) {
      switch (r.nextInt(5)) {
        case 0 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
        case 2 -> {
          int at = r.nextInt(b.length);
          byte[] c = new byte[b.length + 1];
          System.arraycopy(b, 0, c, 0, at);
          c[at] = (byte) "{}[]\",:<>\n\u0000".charAt(r.nextInt(11));
          System.arraycopy(b, at, c, at + 1, b.length - at);
          b = c;
        }
        case 3 -> {
          byte[] c = new byte[Math.min(Http.MAX_BODY, b.length * 2)];
          for (int k = 0; k < c.length; k++) {
            c[k] = b[k % b.length];
          }
          b = c;
        }
        default -> b = ("{\"login\":\"" + "\u0007\u001b[31m".repeat(r.nextInt(300)) + "\"}").getBytes(StandardCharsets.UTF_8);
      }
    }
    return b;
  }

  @Test
  void read_mutatedAnswers_neverThrowAndStayPrintable() {
    Random r = new Random(19);
    Map<String, Samples.Sample> samples = Samples.all(1);
    long t0 = System.nanoTime();
    long end = t0 + 4 * MILLIS * 1_000_000;
    int runs = 0;
    Http http = new Http(null, java.time.Duration.ofSeconds(1), 1, java.time.Duration.ZERO);
    while (runs < MAX_RUNS && System.nanoTime() < end) {
      for (Provider p : Providers.ALL) {
        Samples.Sample s = samples.get(p.id());
        Credential c = new Credential(p, "k", s.ruleId(), s.secret(), "AKIA" + "A".repeat(16), null,
            JwtInfo.of(s.secret()), Set.of("k"));
        byte[] body = mutate(r, SEEDS.get(r.nextInt(SEEDS.size())).getBytes(StandardCharsets.UTF_8));
        HttpHeaders h = HttpHeaders.of(Map.of("X-OAuth-Scopes", List.of(new String(mutate(r, "repo, gist".getBytes()),
            StandardCharsets.ISO_8859_1)), "Retry-After", List.of(r.nextBoolean() ? "12" : "Wed, 21 Oct 2015 07:28:00 GMT"),
            "Location", List.of("https://x\u0000y/")), (a, b) -> true);
        Answer a = new Answer(STATUSES[r.nextInt(STATUSES.length)], h, body);
        Validation v;
        try {
          v = Validator.read(p, c, new Http.Exchange(a, null), new Provider.Reply(p.id(), "k", Instant.now()), http);
          p.readRevocation(a);
        } catch (RuntimeException e) {
          fail(p.id() + " threw " + e.getClass().getName() + " on a mutated answer (seed 19, run " + runs + ")");
          return;
        }
        assertNotNull(v);
        for (String t : new String[] {v.identity(), v.account(), v.reason()}) {
          if (t != null) {
            assertTrue(t.length() <= 400, p.id() + ": printed value of " + t.length() + " chars");
            assertTrue(t.chars().noneMatch(ch -> ch < 0x20), p.id() + ": control character in a printed value");
          }
        }
        runs++;
      }
    }
    assertTrue(runs >= 300, "only " + runs + " runs in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
  }

  @Test
  void xml_mutatedAnswers_neverThrow() {
    Random r = new Random(23);
    byte[] seed = SEEDS.get(9).getBytes(StandardCharsets.UTF_8);
    long end = System.nanoTime() + MILLIS * 1_000_000 / 2;
    while (System.nanoTime() < end) {
      Xml.fields(mutate(r, seed), Set.of("Arn", "Account", "Code"));
    }
    // an external entity is not resolved
    Map<String, String> x = Xml.fields(("<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
        + "<a><Arn>&e;</Arn></a>").getBytes(StandardCharsets.UTF_8), Set.of("Arn"));
    assertTrue(x.getOrDefault("Arn", "").isEmpty(), "an external entity was read");
  }

  @Test
  void xml_undecodableBytes_printNothingOnStderr() throws Exception {
    // an answer whose declaration holds a broken UTF-8 sequence: the JDK's reader printed
    // "[Fatal Error] :-1:-1: Invalid byte 2 of 3-byte UTF-8 sequence." on the user's terminal
    byte[] broken = "<?xml\u00e7cCDATA x=\"1\"?><a><Arn>x</Arn></a>".getBytes(StandardCharsets.UTF_8);
    broken[6] = 'c';
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(seen, true, StandardCharsets.UTF_8));
    try {
      Xml.fields(broken, Set.of("Arn"));
    } finally {
      System.setErr(err);
    }
    assertTrue(seen.size() == 0, "the XML reader wrote " + seen.size() + " bytes on stderr");
    byte[] good = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><r><Arn>arn:aws:iam::1:user/b\u00e9</Arn></r>"
        .getBytes(StandardCharsets.UTF_8);
    assertTrue(Xml.fields(good, Set.of("Arn")).get("Arn").equals("arn:aws:iam::1:user/b\u00e9"), "a UTF-8 answer no longer read");
  }

  @Test
  void reportTargets_mutatedReports_areReadOrRefused() throws Exception {
    String report = "{\"schema\":\"x\",\"version\":1,\"findings\":[{\"rule_id\":\"ts.github.1\",\"fingerprint\":\""
        + "a".repeat(64) + "\",\"location\":{\"path\":\"/h/.bash_history\",\"line\":2,\"column\":7,\"offset\":20},"
        + "\"preview\":\"ghp_…abcd\"}],\"problems\":[]}\n{\"type\":\"finding\",\"rule_id\":\"ts.npm.1\",\"fingerprint\":\""
        + "b".repeat(64) + "\",\"location\":{\"path\":\"x\",\"offset\":1}}\n";
    Random r = new Random(29);
    long end = System.nanoTime() + MILLIS * 1_000_000 / 2;
    int read = 0;
    while (System.nanoTime() < end) {
      try {
        List<Revoker.Target> t = ReportTargets.read(new ByteArrayInputStream(mutate(r, report.getBytes(StandardCharsets.UTF_8))));
        read += t.isEmpty() ? 0 : 1;
      } catch (ReportTargets.BadReportException e) {
        assertTrue(e.getMessage().length() < 200);
      } catch (java.io.IOException e) {
        // a read error of the stream itself: reported as such by the command
      } catch (RuntimeException e) {
        fail("ReportTargets threw " + e.getClass().getName());
      }
    }
    assertTrue(read > 0, "no mutation was still readable: the seed is not a report");
  }
}
