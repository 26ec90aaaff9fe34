package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.report.Reporter;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret right after a control character in a name: the name is shown with the character
 * escaped ("\x01"), which puts word characters before the secret, and every report, the sanitize
 * report and the messages must still redact it.
 */
class EscapedNamesLeakTest {
  private static final String TOKEN = new TokenForge(new Random(53)).base62Crc32("ghp_");
  /** A piece of the secret no preview holds: its middle. */
  private static final String MIDDLE = TOKEN.substring(6, 26);

  @TempDir
  Path dir;

  @Test
  void aSecretAfterAnEscapedControlCharacterIsRedactedEverywhere() throws Exception {
    Path zip = dir.resolve("names.zip");
    try (OutputStream f = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(f, StandardCharsets.UTF_8)) {
      for (String name : new String[] {"a\u0001" + TOKEN + ".txt", "b\t" + TOKEN + "/c.txt", "d\u001b" + TOKEN}) {
        z.putNextEntry(new ZipEntry(name));
        z.write("nothing secret here\n".getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
    for (String format : Reporter.FORMATS) {
      Run r = Run.run("scan", "-f", format, zip.toString());
      assertEquals(Main.EXIT_FINDINGS, r.exit(), format + ": the names' secrets are findings");
      r.assertNotPrinted(MIDDLE, format + ": a secret in a name");
    }
    Path report = dir.resolve("report.json");
    Run s = Run.run("sanitize", zip.toString(), "-o", dir.resolve("copy.zip").toString(), "--report", report.toString());
    assertTrue(Files.exists(report), "the sanitize report is written");
    String text = Files.readString(report);
    assertTrue(text.contains("\\\\x01") || text.contains("\\u0001"), "the report names the member with its control character shown");
    assertFalse(text.contains(MIDDLE), "the sanitize report prints a secret in a member name in clear");
    assertFalse(s.err().contains(MIDDLE) || s.out().contains(MIDDLE), "sanitize prints a secret in a member name in clear");
  }
}
