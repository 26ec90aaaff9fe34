package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensweep.detectors.rule.TokenForge;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entries without content of their own: an empty directory's name, a link's name and its target
 * are in the archive, and were not scanned (the names of members with content and of directories
 * on disk were): a token there gave 0 findings, exit 0.
 */
class ArchiveLinksCliTest {

  @TempDir
  Path tmp;

  private final TokenForge forge = new TokenForge(new Random(17));

  /** Each finding as "member-path part" (the path after the archive's file name). */
  private static List<String> found(Run r) throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonNode n : r.jsonlFindings()) {
      String p = n.get("location").get("path").asText();
      out.add(p.substring(p.indexOf('!') + 1).replaceAll("ghp_\\S*", "T") + " " + n.get("location").path("part").asText("content"));
    }
    return out.stream().sorted().toList();
  }

  @Test
  void tar_emptyDirectorySymlinkAndHardLink_namesAndTargetsScanned_andSanitized() throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bo)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      t.putArchiveEntry(new TarArchiveEntry("cache-" + forge.base62Crc32("ghp_") + "/"));
      t.closeArchiveEntry();
      TarArchiveEntry named = new TarArchiveEntry("link-" + forge.base62Crc32("ghp_"), TarConstants.LF_SYMLINK);
      named.setLinkName("plain-target");
      t.putArchiveEntry(named);
      t.closeArchiveEntry();
      TarArchiveEntry sym = new TarArchiveEntry("sym", TarConstants.LF_SYMLINK);
      sym.setLinkName("/run/secrets/GH_TOKEN=" + forge.base62Crc32("ghp_"));
      t.putArchiveEntry(sym);
      t.closeArchiveEntry();
      TarArchiveEntry hard = new TarArchiveEntry("hard", TarConstants.LF_LINK);
      hard.setLinkName("x/" + forge.base62Crc32("ghp_"));
      t.putArchiveEntry(hard);
      t.closeArchiveEntry();
    }
    Path in = tmp.resolve("links.tar");
    Files.write(in, bo.toByteArray());
    byte[] before = Files.readAllBytes(in);
    Run r = Run.run("scan", "--format", "jsonl", "--no-progress", in.toString());
    assertEquals(1, r.exit(), "found");
    assertEquals(List.of("cache-T name", "hard content", "link-T name", "sym content"), found(r));

    Path out = tmp.resolve("clean.tar");
    Run s = Run.run("sanitize", "-o", out.toString(), in.toString());
    assertEquals(0, s.exit(), "sanitized, and the verification (which now reads them) clean");
    assertArrayEquals(before, Files.readAllBytes(in), "input unchanged");
    assertEquals(0, Run.run("scan", "--quiet", "--no-progress", out.toString()).exit(), "nothing left in the copy");
  }

  @Test
  void zipAnd7z_emptyDirectory_nameScanned() throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bo)) {
      z.putArchiveEntry(new ZipArchiveEntry("empty-" + forge.base62Crc32("ghp_") + "/"));
      z.closeArchiveEntry();
    }
    Path zip = tmp.resolve("d.zip");
    Files.write(zip, bo.toByteArray());
    Path sevenZ = tmp.resolve("d.7z");
    try (SevenZOutputFile o = new SevenZOutputFile(sevenZ.toFile())) {
      SevenZArchiveEntry e = new SevenZArchiveEntry();
      e.setName("empty-" + forge.base62Crc32("ghp_"));
      e.setDirectory(true);
      o.putArchiveEntry(e);
      o.closeArchiveEntry();
    }
    for (Path p : List.of(zip, sevenZ)) {
      Run r = Run.run("scan", "--format", "jsonl", "--no-progress", p.toString());
      assertEquals(1, r.exit(), p.getFileName() + ": found");
      assertEquals(1, found(r).size(), p.getFileName() + ": " + found(r));
      assertTrue(found(r).get(0).startsWith("empty-T"), p.getFileName() + ": " + found(r));
    }
  }

  @Test
  void cpio_symlinkTarget_readAndTheMembersAfterIt() throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    byte[] target = ("/run/GH_TOKEN=" + forge.base62Crc32("ghp_")).getBytes(StandardCharsets.US_ASCII);
    byte[] after = ("token " + forge.base62Crc32("ghp_") + "\n").getBytes(StandardCharsets.US_ASCII);
    try (CpioArchiveOutputStream c = new CpioArchiveOutputStream(bo)) {
      CpioArchiveEntry link = new CpioArchiveEntry("link");
      link.setMode(CpioConstants.C_ISLNK | 0777);
      link.setSize(target.length);
      c.putArchiveEntry(link);
      c.write(target);
      c.closeArchiveEntry();
      CpioArchiveEntry file = new CpioArchiveEntry("after.log");
      file.setMode(CpioConstants.C_ISREG | 0644);
      file.setSize(after.length);
      c.putArchiveEntry(file);
      c.write(after);
      c.closeArchiveEntry();
    }
    Path in = tmp.resolve("l.cpio");
    Files.write(in, bo.toByteArray());
    Run r = Run.run("scan", "--format", "jsonl", "--no-progress", in.toString());
    assertEquals(1, r.exit(), "found");
    assertEquals(List.of("after.log content", "link content"), found(r));
    assertTrue(!r.out().contains("\"problems\":1"), "no problem");
  }
}
