package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JSON key that is a token in base64 or URL encoding: the decoding layers find it (a finding
 * in the key), and every json_path through that key, and every path through a file so named,
 * must show it redacted as a key that held the token plainly.
 */
class EncodedNamesLeakTest {
  private static final String[] FORMATS = {"text", "json", "jsonl", "csv", "sarif", "ecs"};

  private final TokenForge forge = new TokenForge(new Random(109));

  @TempDir
  Path dir;

  @Test
  void base64AndUrlEncodedKeys_redactedInEveryJsonPath() throws Exception {
    String inBase64 = forge.base62Crc32("ghp_");
    String inUrl = forge.base62Crc32("gho_");
    String nested = forge.base62Crc32("ghu_");
    String b64 = Base64.getEncoder().encodeToString(("token=" + inBase64).getBytes(StandardCharsets.US_ASCII));
    StringBuilder url = new StringBuilder();
    for (char c : ("token=" + inUrl).toCharArray()) {
      url.append(String.format("%%%02X", (int) c));
    }
    Path json = dir.resolve("state.json");
    Files.writeString(json, "{\"" + b64 + "\": {\"note\": \"" + nested + "\"}, \"" + url + "\": 1}\n");
    for (String format : FORMATS) {
      Run r = Run.run("scan", "-f", format, json.toString());
      assertEquals(Main.EXIT_FINDINGS, r.exit(), format);
      assertTrue(r.out().contains(nested.substring(nested.length() - 4)), format + ": the nested value's finding is reported");
      assertClean(format, r, b64.substring(8, 40), "base64");
      assertClean(format, r, url.substring(30, 90), "URL-encoded");
    }
  }

  @Test
  void fileNamedAfterABase64Token_pathOfItsFindingsRedacted() throws Exception {
    String inName = forge.base62Crc32("ghp_");
    String inContent = forge.base62Crc32("gho_");
    String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(inName.getBytes(StandardCharsets.US_ASCII));
    Path f = Files.writeString(dir.resolve(b64 + ".txt"), "using " + inContent + "\n");
    for (String format : FORMATS) {
      Run r = Run.run("scan", "-f", format, dir.toString());
      assertEquals(Main.EXIT_FINDINGS, r.exit(), format);
      assertTrue(r.out().contains(".txt"), format + ": the file's finding is reported at its path");
      assertClean(format, r, b64.substring(4, 36), "base64 file name");
    }
    assertTrue(Files.exists(f), "the input is left as it was");
  }

  private static void assertClean(String format, Run r, String encodedPiece, String what) {
    assertFalse(r.out().contains(encodedPiece), format + ": a " + what + " token is printed at " + r.out().indexOf(encodedPiece));
    assertFalse(r.err().contains(encodedPiece), format + ": a " + what + " token is printed on stderr");
  }
}
