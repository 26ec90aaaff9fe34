package dev.tokensweep.scanner.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON-lines reader skips lines whose raw bytes hold no keyword stem ({@link KeywordStems});
 * here it must find exactly what it finds walking every line, on random JSON lines made to trip
 * the skip: keywords formed only by the labels the batch adds, split across a pair's name and
 * value, made by escapes, hidden in base64 next to {@code =}, secrets in keys, text lines,
 * rsyslog and URL escapes, bytes of 0x80 and up, long lines, CRLF.
 */
class JsonLinesSkipTest {
  @TempDir
  Path dir;

  private static final String[] WORDS = {"order", "gateway", "auth", "jdbc", "session", "created", "cache", "miss",
      "latency_ms=12", "user=42", "o.h.engine.jdbc.spi", "c.a.auth.SessionManager", "token", "refresh", "scope",
      "Completed", "200", "OK", "EwAlt", "secret", "password", "key", "bearer", "cookie", "x-api-key", "config",
      "GET", "/api/v1/orders", "id=aa9776da-db1d-4584-a1b5-8f7e47e3cb4d", "ghp", "npm", "akia", "https://h.example/p"};

  private static String pick(Random r, String... xs) {
    return xs[r.nextInt(xs.length)];
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A secret some rule finds, in one of the forms that rule needs. */
  private static String secret(Random r, TokenForge f) {
    return switch (r.nextInt(9)) {
      case 0 -> f.base62Crc32(pick(r, "ghp_", "GHP_"));
      case 1 -> f.base62Crc32("gho_");
      case 2 -> "Authorization: Bearer " + f.random(TokenForge.ALNUM, 40);
      case 3 -> "access_token=" + f.random(TokenForge.ALNUM, 32);
      case 4 -> "session=" + f.random(TokenForge.ALNUM, 30);
      case 5 -> f.base62Crc32("npm_");
      case 6 -> "jdbc:postgresql://app:" + f.random(TokenForge.ALNUM, 20) + "@db.example:5432/orders";
      case 7 -> f.awsKeyId("AKIA", f.awsAccount());
      default -> "Ew" + pick(r, "A", "B", "a") + f.random(TokenForge.ALNUM + "+/", 320); // wanted in one case
    };
  }

  private static String words(Random r, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
    }
    return b.toString();
  }

  /** A message: words, and sometimes a secret, raw or base64-encoded. */
  private static String msg(Random r, TokenForge f) {
    String w = words(r, 1 + r.nextInt(8));
    return switch (r.nextInt(6)) {
      case 0 -> w + " " + secret(r, f);
      case 1 -> w + " " + b64(secret(r, f));
      default -> w;
    };
  }

  private static String line(Random r, TokenForge f) {
    String trace = f.random(TokenForge.HEX, 32);
    String span = f.random(TokenForge.HEX, 16);
    return switch (r.nextInt(18)) {
      case 0, 1, 2, 3 -> "{\"ts\":\"2026-11-01T11:09:56.373Z\",\"level\":\"" + pick(r, "info", "debug") + "\",\"logger\":\""
          + pick(r, "c.a.auth.SessionManager", "o.h.engine.jdbc.spi.SqlExceptionHelper", "c.a.http.AccessFilter")
          + "\",\"msg\":\"" + msg(r, f) + "\",\"trace_id\":\"" + trace + "\",\"span_id\":\"" + span + "\"}";
      case 4 -> "{\"request\":{\"headers\":[{\"name\":\"" + pick(r, "Authorization", "Accept", "X-Trace", "authorization")
          + "\",\"value\":\"" + pick(r, "Bearer ", "Bot ", "", "Basic ") + pick(r, f.random(TokenForge.ALNUM, 40),
          b64("app:" + f.random(TokenForge.ALNUM, 24)), "*/*") + "\"}],\"cookies\":[{\"name\":\""
          + pick(r, "session", "sid", "theme") + "\",\"value\":\"" + f.random(TokenForge.ALNUM, 30)
          + "\"}],\"queryString\":[{\"name\":\"" + pick(r, "access_token", "page", "q") + "\",\"value\":\""
          + pick(r, f.random(TokenForge.ALNUM, 32), b64(secret(r, f)), "1") + "\"}]}}";
      case 5 -> "{\"resourceSpans\":[{\"attributes\":[{\"key\":\"" + pick(r, "http.request.header.authorization",
          "service.name", "db.connection_string", "token") + "\",\"value\":{\"stringValue\":\"" + pick(r, "Bearer ", "")
          + pick(r, f.random(TokenForge.ALNUM, 40), secret(r, f), "orders") + "\"}}]}]}";
      case 6 -> "{\"msg\":\"response\",\"body\":\"{\\\"" + pick(r, "access_token", "token", "data") + "\\\":\\\""
          + pick(r, f.random(TokenForge.ALNUM, 40), f.base62Crc32("ghp_")) + "\\\"}\"}";
      case 7 -> "{\"url\":\"https:\\/\\/h.example\\/cb?" + pick(r, "acc\\u0065ss_token=", "to\\u006ben=", "x=")
          + f.random(TokenForge.ALNUM, 32) + "\",\"" + pick(r, "acc\\u0065ss_token", "n\\u00e9") + "\":\""
          + f.random(TokenForge.ALNUM, 32) + "\"}";
      case 8 -> "{\"params\":[{\"name\":\"" + pick(r, "x", "data", "auth") + "\",\"value\":\""
          + b64(pick(r, "access_token=", "Authorization: Bearer ", "{\"token\":\"") + f.random(TokenForge.ALNUM, 32))
          + "\"}],\"" + pick(r, "blob", "q") + "\":\"" + pick(r, "k=", "") + b64(secret(r, f)) + "\"}";
      case 9 -> "{\"" + pick(r, f.base62Crc32("ghp_"), "data") + "\":{\"" + f.base62Crc32("gho_") + "\":1,\"n\":2}}";
      case 10 -> pick(r, "2026-11-01 INFO ", "{broken ", "[1,2", "plain ") + msg(r, f);
      case 11 -> "{\"msg\":\"" + pick(r, "#012", "#011", "#0") + secret(r, f) + "\",\"q\":\""
          + pick(r, "a%3Db", "access_token%3D" + f.random(TokenForge.ALNUM, 32), "100%") + "\"}";
      case 12 -> "{\"msg\":\"" + words(r, 2) + " " + "x".repeat(70_000 + r.nextInt(30_000)) + " " + secret(r, f) + "\"}";
      case 13 -> "{\"msg\":\"" + msg(r, f) + "\",\"trace_id\":\"" + trace + "\"}\r";
      case 14 -> "{\"msg\":\"caf\u00e9 " + msg(r, f) + "\"}";
      case 15 -> "   " + pick(r, "", "\t") + "{\"" + pick(r, "auth", "token", "password", "api_key") + "\":\""
          + pick(r, f.random(TokenForge.ALNUM, 32), secret(r, f)) + "\",\"n\":" + r.nextInt(100) + "}";
      case 16 -> pick(r, "", "   ", "{}", "[]", "\"just a string\"", "{\"a\":[1,2,{\"b\":null}]}",
          // the keyword session= only in the text the batch makes of the pair: the raw line says "session"
          "{\"params\":[{\"name\":\"session\",\"value\":\"" + f.random(TokenForge.ALNUM, 30) + "\"}]}");
      default -> "{\"msg\":\"" + pick(r, "[1, 2]", "{}", " [ ] ") + "\",\"level\":\"info\",\"x\":\"" + secret(r, f) + "\"}";
    };
  }

  /** Random JSON lines, with an invalid overlong UTF-8 byte pair now and then. */
  private static byte[] file(long seed, int lines) {
    Random r = new Random(seed);
    TokenForge f = new TokenForge(new Random(seed + 1));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < lines; i++) {
      byte[] l = line(r, f).getBytes(StandardCharsets.UTF_8);
      if (r.nextInt(40) == 0 && l.length > 10) {
        int at = 2 + r.nextInt(l.length - 4);
        out.write(l, 0, at);
        out.write(0xC1); // an overlong 'A', which a decoder could read as ASCII
        out.write(0x81);
        out.write(l, at, l.length - at);
      } else {
        out.writeBytes(l);
      }
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static List<String> findings(Path p, boolean walkEveryLine) {
    JsonReader.walkEveryLine = walkEveryLine;
    try {
      ScanResult r = ReaderFixture.scan(p);
      List<String> out = new ArrayList<>();
      for (Finding x : r.findings()) {
        // the rule, the secret, and the whole location (line, column, offset, JSON path, decodings, part)
        out.add(x.evidence().ruleId() + " " + x.location() + " " + x.revealed().hashCode());
      }
      out.sort(null);
      out.add("problems " + r.problems());
      return out;
    } finally {
      JsonReader.walkEveryLine = false;
    }
  }

  @Test
  void randomJsonLines_skippingFindsWhatTheFullWalkFinds() throws IOException {
    int skippedLines = 0;
    int allLines = 0;
    int findings = 0;
    KeywordStems stems = KeywordStems.of(ReaderFixture.DETECTOR);
    for (long seed = 1; seed <= 4; seed++) {
      byte[] bytes = file(seed, 2500);
      Path p = dir.resolve("t" + seed + ".jsonl");
      Files.write(p, bytes);
      List<String> full = findings(p, true);
      List<String> skipping = findings(p, false);
      assertEquals(full, skipping, "seed " + seed);
      findings += full.size() - 1;
      for (int s = 0, e; s < bytes.length; s = e + 1) {
        e = s;
        while (e < bytes.length && bytes[e] != '\n') {
          e++;
        }
        allLines++;
        skippedLines += stems.lines().mayHold(bytes, s, e) ? 0 : 1;
      }
    }
    // the comparison means something only when both kinds of line are many
    assertTrue(findings > 1000, "findings: " + findings);
    assertTrue(skippedLines > allLines / 10 && skippedLines < allLines * 9 / 10,
        "skipped " + skippedLines + " of " + allLines);
  }

  /** Pieces of raw lines around the edges the skip looks at: stems, escapes, base64 runs, high bytes. */
  private static final String[] PIECES = {"auth", "\"auth\"", "jdbc:", "jdbc\"", "ghp_", "#", "%", "\\", "x", "  ", "\"",
      ":", "=", "ew", "a", "QXV0aG9yaXphdGlvbjogQmVhcmVy", "eb384229c07a34dfa2f1b29b4bc5bc6b", "QUJDREVGR0hJSktMTU5P",
      "QUJDREVGR0hJSktMTU5", "QUJDREVGR0hJSktM", "\u00e9", "\u007f", "cookie", "//"};

  @Test
  void lines_aBlockOfLinesAnswersAsEachLineAlone() {
    // the block path (stems and runs noted over many lines at once, then looked up per line)
    // against the line-at-a-time path, on lines whose stems and runs sit at their very edges
    KeywordStems stems = KeywordStems.of(ReaderFixture.DETECTOR);
    Random r = new Random(11);
    int held = 0;
    int lines = 0;
    for (int round = 0; round < 300; round++) {
      StringBuilder text = new StringBuilder();
      int n = 1 + r.nextInt(30);
      for (int i = 0; i < n; i++) {
        int pieces = r.nextInt(4);
        for (int k = 0; k < pieces; k++) {
          text.append(PIECES[r.nextInt(PIECES.length)]);
        }
        text.append('\n');
      }
      byte[] b = ("pad" + text).getBytes(StandardCharsets.UTF_8);
      int from = 3;
      int to = b.length - 1; // the last newline
      KeywordStems.Lines block = stems.lines();
      block.lines(b, from, to);
      for (int s = from, e; s <= to; s = e + 1) {
        e = s;
        while (b[e] != '\n') {
          e++;
        }
        boolean alone = stems.lines().mayHold(java.util.Arrays.copyOfRange(b, s, e), 0, e - s);
        assertEquals(alone, block.mayHold(b, s, e), "round " + round + " line at " + s);
        held += alone ? 1 : 0;
        lines++;
      }
    }
    assertTrue(held > lines / 5 && held < lines * 4 / 5, held + " of " + lines);
  }

  @Test
  void requiredLiterals_exactCaseWhereThePatternWantsIt() {
    assertEquals(java.util.Set.of("EwA", "EwB"), RequiredLiterals.of("\\b(Ew[AB][A-Za-z0-9+/]{300,}={0,2})"));
    assertEquals(java.util.Set.of("ghp_"), RequiredLiterals.of("\\b(ghp_[A-Za-z0-9]{36})\\b"));
    assertEquals(java.util.Set.of("xoxb-", "xoxp-"), RequiredLiterals.of("(xox[bp]-[0-9]{10,13})"));
    assertEquals(java.util.Set.of("sk_live_", "rk_live_"), RequiredLiterals.of("(?:sk|rk)_live_[0-9a-zA-Z]{24}"));
    // case-folded letters, an optional literal, or a choice with an open branch: nothing required
    assertEquals(null, RequiredLiterals.of("(?i)bearer\\s+([a-z0-9]{24,})"));
    assertEquals(null, RequiredLiterals.of("(?:ghp_)?[A-Za-z0-9]{36}"));
    assertEquals(null, RequiredLiterals.of("(?:ghp_|[0-9]+)[a-z]{4}"));
  }

  @Test
  void stems_keepTheQuoteOrSeparatorNextToThePiece() {
    assertEquals(List.of("cookie", "\\", "%", "#", "jdbc:", "jdbc\"", "\"auth\"", "authorization:", "authorization\"",
        "ewa"), KeywordStems.stems(List.of("jdbc:", "\"auth\"", "Authorization: Bot ", "EwA")));
    assertEquals(null, KeywordStems.stems(List.of("token", ": ")));
  }

  @Test
  void mayHold_plainTelemetryLineWithoutKeyword_isSkipped() {
    KeywordStems stems = KeywordStems.of(ReaderFixture.DETECTOR);
    byte[] plain = ("{\"ts\":\"2026-11-01T11:09:56.373Z\",\"logger\":\"o.h.engine.jdbc.spi.SqlExceptionHelper\","
        + "\"msg\":\"order moved\",\"trace_id\":\"eb384229c07a34dfa2f1b29b4bc5bc6b\"}").getBytes(StandardCharsets.UTF_8);
    assertFalse(stems.lines().mayHold(plain, 0, plain.length));
    for (String held : List.of("\"msg\":\"jdbc:postgresql://x\"", "\"jdbc\":\"x\"", "\"m\":\"a\\u0041\"", "\"m\":\"#012\"",
        "\"m\":\"%41\"", "\"m\":\"caf\u00e9\"", "\"m\":\"" + b64("Authorization: Bearer abcdefghijklmnop") + "\"")) {
      byte[] b = ("{\"ts\":\"2026\"," + held + "}").getBytes(StandardCharsets.UTF_8);
      assertTrue(stems.lines().mayHold(b, 0, b.length), held);
    }
  }
}
