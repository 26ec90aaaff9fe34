package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.report.Reporter;
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
    for (String format : Reporter.FORMATS) {
      Run r = Run.run("scan", "-f", format, json.toString());
      assertEquals(Main.EXIT_FINDINGS, r.exit(), format);
      assertTrue(r.out().contains(nested.substring(nested.length() - 4)), format + ": the nested value's finding is reported");
      r.assertNotPrinted(b64.substring(8, 40), format + ": a base64 token");
      r.assertNotPrinted(url.substring(30, 90), format + ": a URL-encoded token");
    }
  }

  @Test
  void fileNamedAfterABase64Token_pathOfItsFindingsRedacted() throws Exception {
    String inName = forge.base62Crc32("ghp_");
    String inContent = forge.base62Crc32("gho_");
    String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(inName.getBytes(StandardCharsets.US_ASCII));
    Path f = Files.writeString(dir.resolve(b64 + ".txt"), "using " + inContent + "\n");
    for (String format : Reporter.FORMATS) {
      Run r = Run.run("scan", "-f", format, dir.toString());
      assertEquals(Main.EXIT_FINDINGS, r.exit(), format);
      assertTrue(r.out().contains(".txt"), format + ": the file's finding is reported at its path");
      r.assertNotPrinted(b64.substring(4, 36), format + ": a base64 file name token");
    }
    assertTrue(Files.exists(f), "the input is left as it was");
  }
}
