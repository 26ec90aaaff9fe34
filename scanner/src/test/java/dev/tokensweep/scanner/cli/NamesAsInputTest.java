package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.report.Reporter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names are input (issue 12, item 2): a token in a directory's or file's name, an archive member's
 * name or a JSON key is reported as a finding whose location says so ({@code part}), and is shown
 * redacted wherever a location is printed or stored: every report format, problems, stderr, the
 * sweep index and {@code search}.
 */
class NamesAsInputTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  private final TokenForge forge = new TokenForge(new Random(1212));

  private static Run run(String... args) {
    return Run.run(args);
  }

  /** The report's findings (a {@code --format json} report). */
  private static List<JsonNode> findings(Run r) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    JSON.readTree(r.out()).get("findings").forEach(out::add);
    return out;
  }

  /** The findings whose preview is the redacted form of {@code token} (its prefix and last four). */
  private static List<JsonNode> of(List<JsonNode> findings, String token) {
    String tail = token.substring(token.length() - 4);
    return findings.stream().filter(f -> f.get("preview").asText().endsWith("…" + tail)).toList();
  }

  private static void assertAbsent(String where, String text, String token) {
    assertFalse(text.contains(token), where + " holds the token of a name");
    // a part of it as long as a preview never shows would still leak most of it
    assertFalse(text.contains(token.substring(4, 24)), where + " holds most of the token of a name");
  }

  /** A directory named as the reproduction: {@code x?access_token=TOKEN.cache}, with a token file in it. */
  private Path tokenDirectory(String nameToken, String contentToken) throws IOException {
    Path root = Files.createDirectories(tmp.resolve("d"));
    Path dir = Files.createDirectories(root.resolve("x?access_token=" + nameToken + ".cache"));
    Files.writeString(dir.resolve("app.log"), "token=" + contentToken + "\n");
    Files.writeString(dir.resolve("other.log"), "nothing secret here\n");
    // a gzip cut short after its header: a problem whose location is under the directory
    Files.write(dir.resolve("cut.log.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x4b, 0x4c});
    return root;
  }

  @Test
  void scan_directoryNamedWithAToken_bothReportedAndNoFormatShowsTheName() throws IOException {
    String inName = forge.base62Crc32("ghp_");
    String inFile = forge.base62Crc32("ghp_");
    Path root = tokenDirectory(inName, inFile);

    Run json = run("scan", "--format", "json", "--no-progress", root.toString());
    assertEquals(1, json.exit(), json.err());
    List<JsonNode> all = findings(json);
    List<JsonNode> name = of(all, inName).stream().filter(f -> f.get("rule_id").asText().equals("ts.github.1")).toList();
    assertEquals(1, name.size(), "the directory's name is scanned once, not once per file in it: " + all);
    JsonNode where = name.get(0).get("location");
    assertEquals("name", where.get("part").asText());
    // the access_token= rule reads the token as its secret, up to the name's extension (which it once took in)
    String shown = "/d/x?access_token=…" + inName.substring(36) + ".cache";
    assertTrue(where.get("path").asText().endsWith(shown), where.toString());
    List<JsonNode> content = of(all, inFile);
    assertEquals(1, content.size(), all.toString());
    assertFalse(content.get(0).get("location").has("part"), "content has no part");
    assertTrue(content.get(0).get("location").get("path").asText().endsWith(shown + "/app.log"),
        content.toString());
    JsonNode problems = JSON.readTree(json.out()).get("problems");
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).get("location").asText().contains(shown + "/cut.log.gz"), problems.toString());

    for (String format : Reporter.FORMATS) {
      Run r = run("scan", "--format", format, "--no-progress", root.toString());
      assertEquals(1, r.exit(), format + ": " + r.err());
      assertAbsent(format + " report", r.out(), inName);
      assertAbsent(format + " stderr", r.err(), inName);
      assertTrue(r.out().contains("access_token="), format + " still names the directory around the token");
    }
    Path sarif = tmp.resolve("out.sarif");
    run("scan", "--format", "sarif", "-o", sarif.toString(), "--no-progress", root.toString());
    assertAbsent("SARIF file", Files.readString(sarif), inName);

    // the same names give the same report: fingerprints and redacted paths are stable run to run
    Run again = run("scan", "--format", "json", "--no-progress", root.toString());
    assertEquals(JSON.readTree(json.out()).get("findings"), JSON.readTree(again.out()).get("findings"));
  }

  @Test
  void scanWithIndex_directoryNamedWithAToken_indexAndSearchHoldOnlyTheRedactedName() throws IOException {
    String inName = forge.base62Crc32("ghp_");
    String inFile = forge.base62Crc32("gho_");
    Path root = tokenDirectory(inName, inFile);
    Path index = tmp.resolve("index");
    Run scan = run("scan", "--index", index.toString(), "--host", "build-7", "--no-progress",
        root.toString());
    assertEquals(1, scan.exit(), scan.err());
    assertAbsent("scan with --index", scan.out() + scan.err(), inName);
    for (String format : List.of("text", "json")) {
      Run search = run("search", "--index", index.toString(), "--format", format, "host:build-7");
      assertEquals(0, search.exit(), search.err());
      assertTrue(search.out().contains("access_token="), search.out());
      assertAbsent("search " + format, search.out() + search.err(), inName);
    }
    assertAbsent("the sweep index", indexText(index), inName);
  }

  /** Every stored field and every indexed term of every document, as text. */
  private static String indexText(Path index) throws IOException {
    StringBuilder b = new StringBuilder();
    try (FSDirectory dir = FSDirectory.open(index); DirectoryReader reader = DirectoryReader.open(dir)) {
      for (LeafReaderContext leaf : reader.leaves()) {
        StoredFields stored = leaf.reader().storedFields();
        for (int d = 0; d < leaf.reader().maxDoc(); d++) {
          for (IndexableField f : stored.document(d)) {
            b.append(f.name()).append('=').append(f.stringValue()).append('\n');
          }
        }
        for (FieldInfo fi : leaf.reader().getFieldInfos()) {
          Terms terms = leaf.reader().terms(fi.name);
          if (terms == null) {
            continue;
          }
          TermsEnum te = terms.iterator();
          for (BytesRef t = te.next(); t != null; t = te.next()) {
            b.append(fi.name).append(':').append(t.utf8ToString()).append('\n');
          }
        }
      }
    }
    assertTrue(b.indexOf("access_token=") >= 0, "the index names the directory: " + b);
    return b.toString();
  }

  @Test
  void scan_zipMembersNamedWithTokens_eachNameReportedOnceAndRedacted() throws IOException {
    String dirToken = forge.base62Crc32("ghp_");
    String fileToken = forge.base62Crc32("ghp_");
    Path zip = tmp.resolve("bundle.zip");
    try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os)) {
      for (String member : List.of(dirToken + "/a.log", dirToken + "/b.log", "cache/" + fileToken + ".json")) {
        z.putNextEntry(new ZipEntry(member));
        z.write("nothing secret here\n".getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
    Run r = run("scan", "--format", "json", "--no-progress", zip.toString());
    assertEquals(1, r.exit(), r.err());
    List<JsonNode> all = findings(r);
    List<JsonNode> dir = of(all, dirToken);
    assertEquals(1, dir.size(), "a directory in an archive is one name, whatever number of members it holds: " + all);
    assertEquals("name", dir.get(0).get("location").get("part").asText());
    assertTrue(dir.get(0).get("location").get("path").asText().matches("\\Q" + zip + "\\E!ghp_…\\w{4}/"), all.toString());
    List<JsonNode> file = of(all, fileToken);
    assertEquals(1, file.size(), all.toString());
    assertEquals("name", file.get(0).get("location").get("part").asText());
    assertTrue(file.get(0).get("location").get("path").asText().endsWith("!cache/ghp_…" + fileToken.substring(36) + ".json"),
        all.toString());
    for (String format : Reporter.FORMATS) {
      Run f = run("scan", "--format", format, "--no-progress", zip.toString());
      assertAbsent(format, f.out() + f.err(), dirToken);
      assertAbsent(format, f.out() + f.err(), fileToken);
    }
  }

  @Test
  void scan_jsonWhoseKeyIsAJwt_keyReportedWithPartKeyAndJsonPathRedacted() throws IOException {
    String jwt = forge.accessJwt("https://issuer.example", "api://default", "read write", 1_790_000_000L, 3600);
    String value = forge.base62Crc32("ghp_");
    Path file = tmp.resolve("sessions.json");
    Files.writeString(file, "{\"sessions\": {\"" + jwt + "\": {\"user\": \"alice\", \"token\": \"" + value + "\"}},\n"
        + " \"" + jwt + "\": \"also a string value\"}\n");
    Run r = run("scan", "--format", "json", "--no-progress", file.toString());
    assertEquals(1, r.exit(), r.err());
    List<JsonNode> all = findings(r);
    List<JsonNode> keys = all.stream().filter(f -> f.get("preview").asText().startsWith("eyJ")).toList();
    assertEquals(2, keys.size(), "each key once, whether its value is an object or a string: " + all);
    for (JsonNode k : keys) {
      JsonNode where = k.get("location");
      assertEquals("key", where.get("part").asText(), where.toString());
    }
    assertEquals(1, keys.get(0).get("location").get("line").asInt(), keys.toString());
    assertEquals(2, keys.get(1).get("location").get("line").asInt(), keys.toString());
    assertTrue(keys.get(0).get("location").get("json_path").asText().startsWith("sessions['eyJ…"), keys.toString());
    JsonNode inside = of(all, value).get(0).get("location");
    assertFalse(inside.has("part"));
    assertTrue(inside.get("json_path").asText().matches("sessions\\['eyJ….{4}'\\]\\.token"), inside.toString());
    for (String format : Reporter.FORMATS) {
      Run f = run("scan", "--format", format, "--no-progress", file.toString());
      assertAbsent(format, f.out() + f.err(), jwt);
    }
  }

  @Test
  void scan_harWhoseHeaderNameHoldsAToken_reportedOnceAsAKey() throws IOException {
    String token = forge.base62Crc32("ghp_");
    Path har = tmp.resolve("capture.har");
    Files.writeString(har, """
        {"log": {"version": "1.2", "entries": [{"request": {"method": "GET", "url": "https://api.example/",
          "headers": [{"name": "Accept", "value": "*/*"}, {"name": "X-%s", "value": "1"}]},
          "response": {"status": 200, "headers": []}}]}}
        """.formatted(token));
    Run r = run("scan", "--format", "json", "--no-progress", har.toString());
    assertEquals(1, r.exit(), r.err());
    List<JsonNode> found = of(findings(r), token);
    assertEquals(1, found.size(), "the name is reported where it stands, not again as its value's label: " + r.out());
    JsonNode where = found.get(0).get("location");
    assertEquals("key", where.get("part").asText(), where.toString());
    assertEquals("log.entries[0].request.headers[1].name", where.get("json_path").asText());
    for (String format : Reporter.FORMATS) {
      Run f = run("scan", "--format", format, "--no-progress", har.toString());
      assertAbsent(format, f.out() + f.err(), token);
    }
  }

  @Test
  void scanReveal_directoryNamedWithAToken_namesShownInClear() throws IOException {
    String inName = forge.base62Crc32("ghp_");
    Path root = tokenDirectory(inName, forge.base62Crc32("ghp_"));
    Run r = run("scan", "--format", "json", "--reveal", "--no-progress", root.toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.out().contains("x?access_token=" + inName + ".cache/app.log"), r.out());
  }
}
