package dev.tokensweep.scanner.read;

import static dev.tokensweep.scanner.read.ReaderFixture.noProblems;
import static dev.tokensweep.scanner.read.ReaderFixture.one;
import static dev.tokensweep.scanner.read.ReaderFixture.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.ByteArrayInputStream;
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

class JsonReaderTest {
  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(3));

  private String rnd() {
    return forge.random(TokenForge.ALNUM, 40);
  }

  private static void assertPath(Location l, String format, String jsonPath) {
    assertEquals(format, l.format(), "format");
    assertEquals(jsonPath, l.jsonPath(), "jsonPath");
  }

  @Test
  void har_headersCookiesQueryFormAndJsonBodies_foundWithTheirPaths() throws IOException {
    String bearer = rnd();
    String cookie = rnd();
    String query = rnd();
    String form = rnd();
    String body = forge.base62Crc32("gho_");
    String har = """
        {"log": {"version": "1.2", "creator": {"name": "test", "version": "1"},
          "entries": [
            {"request": {"method": "GET", "url": "https://api.example/x",
              "headers": [{"name": "Accept", "value": "*/*"}, {"value": "Bearer %s", "name": "Authorization"}],
              "cookies": [{"name": "session", "value": "%s"}],
              "queryString": [{"name": "a", "value": "b"}, {"name": "access_token", "value": "%s"}]},
             "response": {"status": 200, "content": {"mimeType": "text/plain", "text": "ok"}}},
            {"request": {"method": "POST", "url": "https://login.example/token", "headers": [],
              "postData": {"mimeType": "application/x-www-form-urlencoded",
                "text": "grant_type=device_code&access_token=%s&x=1"}},
             "response": {"status": 200, "content": {"mimeType": "application/json",
               "text": "{\\"token_type\\":\\"bearer\\",\\"access_token\\":\\"%s\\",\\"scope\\":\\"repo\\"}"}}}
          ]}}
        """.formatted(bearer, cookie, query, form, body);
    Path p = dir.resolve("session.har");
    Files.writeString(p, har);
    ScanResult r = scan(p);
    noProblems(r);
    assertPath(one(r, bearer, "header").location(), "har", "log.entries[0].request.headers[1].value");
    assertPath(one(r, cookie, "cookie").location(), "har", "log.entries[0].request.cookies[0].value");
    assertPath(one(r, query, "query").location(), "har", "log.entries[0].request.queryString[1].value");
    assertPath(one(r, form, "form").location(), "har", "log.entries[1].request.postData.text");
    assertPath(one(r, body, "json body").location(), "har", "log.entries[1].response.content.text.access_token");
    assertEquals(5, r.findings().size());
    Location h = one(r, bearer, "header").location();
    assertEquals(har.indexOf(bearer), h.offset());
    assertEquals(4L, h.line());
  }

  @Test
  void document_invalidUtf8AfterATokenInAString_tokenStillFound() throws IOException {
    // the parser fails inside the string; the text fallback used to start after the bad byte
    String token = forge.base62Crc32("ghp_");
    String head = "{\"log\": {\"entries\": [{\"text\": \"token " + token + " ";
    byte[] doc = concat(head.getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xFF},
        " end\"}]}}".getBytes(StandardCharsets.US_ASCII));
    Path p = dir.resolve("bad-utf8.har");
    Files.write(p, doc);
    Location l = one(scan(p), token, "token before the bad byte").location();
    assertEquals(head.indexOf(token), l.offset());
    assertEquals(1L, l.line());
  }

  @Test
  void document_stringLongerThanMaxString_tokenAtItsStartStillFound() throws IOException {
    // a string too long to hold ends JSON parsing; its first 16 MiB used to be dropped
    String token = forge.base62Crc32("ghp_");
    Path p = dir.resolve("big.har");
    try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(p))) {
      out.write(("{\"log\": {\"text\": \"abc " + token + " ").getBytes(StandardCharsets.US_ASCII));
      byte[] pad = new byte[1 << 16];
      java.util.Arrays.fill(pad, (byte) 'x');
      for (int i = 0; i <= JsonReader.MAX_STRING >> 16; i++) {
        out.write(pad);
      }
      out.write("\"}}".getBytes(StandardCharsets.US_ASCII));
    }
    one(scan(p), token, "token at the start of a huge string");
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      b.writeBytes(part);
    }
    return b.toByteArray();
  }

  @Test
  void jsonl_escapedJsonInMessage_andBadLineFallsBackToText() throws IOException {
    String nested = rnd();
    String plain = forge.base62Crc32("ghp_");
    String broken = forge.base62Crc32("ghu_");
    String log = "{\"level\":\"info\",\"msg\":\"login\"}\n"
        + "{\"level\":\"debug\",\"msg\":\"{\\\"access_token\\\":\\\"" + nested + "\\\",\\\"expires_in\\\":3600}\"}\n"
        + "{\"level\":\"debug\",\"ctx\":{\"env\":[\"PATH=/bin\",\"GH_TOKEN=" + plain + "\"]}}\n"
        + "{\"level\":\"debug\",\"msg\":\"truncated " + broken + "\n";
    Path p = dir.resolve("app.jsonl");
    Files.writeString(p, log);
    ScanResult r = scan(p);
    noProblems(r);
    Location n = one(r, nested, "nested").location();
    assertPath(n, "jsonl", "msg.access_token");
    assertEquals(2L, n.line());
    assertPath(one(r, plain, "array").location(), "jsonl", "ctx.env[1]");
    Location b = one(r, broken, "broken line").location();
    assertNull(b.jsonPath());
    assertEquals(4L, b.line());
    assertEquals(log.indexOf(broken), b.offset());
  }

  @Test
  void jsonLinesByContent_inALogFile() throws IOException {
    String t = forge.base62Crc32("ghp_");
    Path p = dir.resolve("service.log");
    Files.writeString(p, "{\"a\":1}\n{\"token\":\"" + t + "\"}\n");
    Location l = one(scan(p), t, "sniffed").location();
    assertPath(l, "jsonl", "token");
    assertEquals(2L, l.line());
  }

  @Test
  void jsonl_manyLines_eachSecretAtItsOwnLineColumnAndPath_acrossDetectorCalls() throws IOException {
    // lines are handed to the detector many at a time (JsonBatch): secrets on both sides of
    // a batch's edge, a secret in a key, and a line that is JSON up to a stray word near the end
    StringBuilder log = new StringBuilder();
    List<String> secrets = new java.util.ArrayList<>();
    java.util.Map<String, long[]> where = new java.util.HashMap<>(); // secret -> line, column
    int lines = 4000; // about 500 KB: several batches
    for (int i = 1; i <= lines; i++) {
      String prefix = "{\"ts\":\"2026-11-01T11:09:56.%03dZ\",\"level\":\"info\",\"msg\":\"session created id=%d\",".formatted(i % 1000, i);
      if (i % 397 == 0) {
        String t = forge.base62Crc32("ghp_");
        secrets.add(t);
        where.put(t, new long[] {i, prefix.length() + "\"auth\":\"".length() + 1});
        log.append(prefix).append("\"auth\":\"").append(t).append("\"}\n");
      } else {
        log.append(prefix).append("\"trace_id\":\"eb384229c07a34dfa2f1b29b4bc5bc6b\"}\n");
      }
    }
    String inKey = forge.base62Crc32("ghp_");
    log.append("{\"").append(inKey).append("\":\"x\"}\n");
    String broken = forge.base62Crc32("ghp_");
    log.append("{\"msg\":\"").append(broken).append("\"} trailing words\n");
    Path p = dir.resolve("app.jsonl");
    Files.writeString(p, log.toString());
    ScanResult r = scan(p);
    noProblems(r);
    assertEquals(secrets.size() + 2, r.findings().size(), "one finding per secret");
    for (String t : secrets) {
      Location l = one(r, t, "value").location();
      assertPath(l, "jsonl", "auth");
      assertEquals(where.get(t)[0], l.line(), "line");
      assertEquals(where.get(t)[1], l.column(), "column");
    }
    Location k = one(r, inKey, "key").location();
    assertEquals(Location.KEY, k.part());
    assertEquals((long) lines + 1, k.line());
    Location b = one(r, broken, "a line that is not JSON after all is text").location();
    assertNull(b.jsonPath());
    assertEquals((long) lines + 2, b.line());
  }

  @Test
  void otlp_headerAttribute_nameFeedsTheKeyAwareRule() throws IOException {
    String bearer = rnd();
    String otlp = """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},
         "scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
          "attributes":[{"key":"http.request.header.authorization","value":{"arrayValue":{"values":[{"stringValue":"Bearer %s"}]}}},
                        {"key":"url.full","value":{"stringValue":"https://api/x"}}]}]}]}]}
        """.formatted(bearer);
    Path p = dir.resolve("traces.json");
    Files.writeString(p, otlp);
    assertPath(one(scan(p), bearer, "otlp").location(), "otlp-json",
        "resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.arrayValue.values[0].stringValue");
  }

  @Test
  void sentryEnvelope_headerPairsAndBinaryItem() throws IOException {
    String bearer = rnd();
    String env = "{\"event_id\":\"9ec79c33ec9942ab8353589fcb2e04dc\",\"dsn\":\"https://k@o.ingest.sentry.io/1\"}\n"
        + "{\"type\":\"event\",\"length\":0}\n"
        + "{\"request\":{\"url\":\"https://api/x\",\"headers\":[[\"Accept\",\"*/*\"],[\"Authorization\",\"Bearer "
        + bearer + "\"]]}}\n";
    Path p = dir.resolve("event.envelope");
    Files.writeString(p, env);
    assertPath(one(scan(p), bearer, "sentry").location(), "sentry-envelope", "request.headers[1][1]");
  }

  @Test
  void truncatedDocument_restIsScannedAsText() throws IOException {
    String t1 = forge.base62Crc32("ghp_");
    String t2 = forge.base62Crc32("gho_");
    String doc = "{\"a\": \"" + t1 + "\", \"b\": [1, 2,, \"x\"], \"c\": \"" + t2 + "\"";
    Path p = dir.resolve("broken.json");
    Files.writeString(p, doc);
    ScanResult r = scan(p);
    assertPath(one(r, t1, "before").location(), "json", "a");
    Location l = one(r, t2, "after").location();
    assertEquals(doc.indexOf(t2), l.offset());
  }

  @Test
  void decoding_basicAuthBase64JsonAndUrlEncoding_sayTheirLayers() throws IOException {
    String basic = forge.base62Crc32("ghp_");
    String inB64Json = forge.base62Crc32("gho_");
    String urlKey = rnd();
    String urlPlain = forge.base62Crc32("ghu_");
    String twice = forge.base62Crc32("ghs_");
    Base64.Encoder b64 = Base64.getEncoder();
    String text = "curl -H 'Authorization: Basic " + b64.encodeToString(("user:" + basic).getBytes(StandardCharsets.UTF_8))
        + "'\nstate=" + b64.encodeToString(("{\"access_token\":\"" + inB64Json + "\"}").getBytes(StandardCharsets.UTF_8))
        + "\nGET /cb?redirect=https%3A%2F%2Fapp%2Fcb%3Faccess_token%3D" + urlKey + "%26t=" + urlPlain + " HTTP/1.1\n"
        + "x=" + b64.encodeToString(("q=1&next=%2Fhome%3Ftoken%3D" + twice).getBytes(StandardCharsets.UTF_8)) + "\n";
    Path p = dir.resolve("proxy.log");
    Files.writeString(p, text);
    ScanResult r = scan(p);
    noProblems(r);
    assertEquals(List.of("base64"), one(r, basic, "basic").location().decodings());
    assertEquals(List.of("base64"), one(r, inB64Json, "b64 json").location().decodings());
    Location u = one(r, urlKey, "url key").location();
    assertEquals(List.of("url"), u.decodings());
    assertEquals(text.indexOf(urlKey), u.offset());
    // found in the stored text already: the URL-decoded copy is not a second finding
    assertNull(one(r, urlPlain, "url plain").location().decodings());
    assertEquals(List.of("base64", "url"), one(r, twice, "twice").location().decodings());
    // the five tokens, plus the Basic credential itself (the password rule sees user:token)
    assertEquals(6, r.findings().size());
    assertEquals(1, r.findings().stream().filter(f -> f.evidence().kind() == dev.tokensweep.detectors.rule.Kind.PASSWORD).count());
  }

  /**
   * A document (or line) whose first bytes make Jackson read it as UTF-16: its offsets count code
   * units, and a value's UTF-8 is up to half as long again as its bytes, so offsets inside a value
   * ran past the end of the file (fuzzing: 333 of 294). The input is the fuzz case minimized: a
   * top-level string of six non-ASCII code units, UTF-16BE.
   */
  @Test
  void utf16Guess_valueOffsetsStayInTheInput() throws IOException {
    byte[] minimized = {0x00, 0x22, 0x3a, 0x22, 0x41, 0x75, 0x74, 0x68, 0x6f, 0x22, 0x3a, 0x0a, 0x7b, 0x00, 0x00, 0x22};
    String cjk = "\u4e00".repeat(40);
    assertOffsetsInInput(JsonReader.Mode.DOCUMENT, minimized);
    assertOffsetsInInput(JsonReader.Mode.DOCUMENT, ("{\"k\":\"" + cjk + "\"}").getBytes(StandardCharsets.UTF_16BE));
    assertOffsetsInInput(JsonReader.Mode.DOCUMENT, ("[\"" + cjk + "\"]").getBytes(StandardCharsets.UTF_16LE));
    assertOffsetsInInput(JsonReader.Mode.LINES, ("{\"k\":\"" + cjk + "\"}").getBytes(StandardCharsets.UTF_16LE));
  }

  /** Reads {@code input} and checks the location of every byte of every segment: in the input, and some located. */
  private static void assertOffsetsInInput(JsonReader.Mode mode, byte[] input) throws IOException {
    List<Long> offsets = new ArrayList<>();
    SegmentSink sink = new SegmentSink() {
      @Override
      public void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
        for (int q = ownFrom; q <= ownTo; q++) {
          Location l = locator.locate(q);
          if (l != null) {
            offsets.add(l.offset());
          }
        }
      }

      @Override
      public int overlap() {
        return 128;
      }

      @Override
      public void problem(dev.tokensweep.scanner.model.Problem p) {}
    };
    new JsonReader("json", mode, 512).read(new ByteArrayInputStream(input), "in.json", null, sink);
    assertTrue(!offsets.isEmpty(), mode + ": nothing located");
    for (long o : offsets) {
      assertTrue(o >= 0 && o <= input.length, mode + ": offset " + o + " outside the input of " + input.length);
    }
  }
}
