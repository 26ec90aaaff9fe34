package dev.tokensweep.scanner.pipeline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.FuzzLoop;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of the archive walker ({@code expand/ArchiveExpander}) through the scanner:
 * zip, tar, tar.gz, 7z (its header plain and encoded), gzip, bzip2, xz, ar, cpio, mozlz4 and brotli seeds (nested
 * too) with bytes flipped, cut and copied, read both as a stream (zip and 7z through the spool) and
 * from disk (in place). No internal error, every problem names the input, no secret in a problem,
 * the heap bounded, no spool or other file left behind.
 */
class ArchiveWalkerFuzzTest {
  private static final Detector DETECTOR = Detector.of(Rules.builtin());

  @TempDir
  Path dir;

  private static ScanLimits limits() {
    ScanLimits d = ScanLimits.defaults();
    // small enough that a mutated size field cannot make one run take long
    return new ScanLimits(4, 2_000, 64L << 20, 16L << 20, d.maxRatio(), 1 << 20, 16L << 20, d.maxLineBytes());
  }

  @Test
  void expansion_mutatedArchives_noInternalErrorAndNothingLeftBehind() throws Exception {
    String token = new TokenForge(new Random(41)).base62Crc32("ghp_");
    byte[] log = Archives.ascii("2026-11-22 INFO start\nAuthorization: Bearer " + token + "\nmore text here\n");
    Map<String, byte[]> members = new LinkedHashMap<>();
    members.put("logs/app.log", log);
    members.put("etc/conf.json", Archives.ascii("{\"token\":\"" + token + "\",\"n\":[1,2,3]}"));
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(Archives.zip(members));
    seeds.add(Archives.tar(members));
    seeds.add(Archives.gzip(Archives.tar(members)));
    seeds.add(Archives.gzip(log));
    seeds.add(Archives.bzip2(log));
    seeds.add(Archives.xz(log));
    seeds.add(Archives.ar(members));
    seeds.add(Archives.cpio(members));
    seeds.add(Archives.mozLz4(log)); // Firefox's session store
    Map<String, byte[]> nested = new LinkedHashMap<>();
    nested.put("inner.zip", Archives.zip(members));
    nested.put("inner.log.gz", Archives.gzip(log));
    seeds.add(Archives.gzip(Archives.tar(nested)));
    Path sevenZ = dir.resolve("seed.7z");
    Archives.sevenZ(sevenZ, members);
    byte[] seven = Files.readAllBytes(sevenZ);
    seeds.add(seven);
    Files.delete(sevenZ);
    // an encoded header, with bytes on either side of the packed header that no stream holds
    seeds.add(SevenZBytes.encodeHeader(seven, SevenZBytes.HeaderCoder.LZMA, log, Archives.ascii("junk\n")));
    String[] names = {"bundle.zip", "bundle.tar", "bundle.tar.gz", "app.log.gz", "app.log.bz2", "app.log.xz", "b.a",
        "b.cpio", "nested.tgz", "bundle.7z", "app.log.br"};
    Scanner scanner = scanner();
    int runs = FuzzLoop.run("archive walker", seeds, 14, 4_000, 512L << 20, 30,
        (bytes, run) -> scanOnce(scanner, bytes, run, names[run % names.length], token));
    assertTrue(runs >= 30);
  }

  /**
   * Brotli has no magic: only a {@code .br} whose head decodes is opened, so its seeds get that
   * name, alone and as a tar's member, for the mutants to reach the decoder.
   */
  @Test
  void expansion_mutatedBrotli_noInternalErrorAndNothingLeftBehind() throws Exception {
    String token = new TokenForge(new Random(43)).base62Crc32("ghp_");
    byte[] log = Archives.ascii(("2026-11-22 INFO start\nAuthorization: Bearer " + token + "\nmore text here\n").repeat(3));
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(Archives.brotli(log)); // uncompressed meta-blocks
    try (java.io.InputStream in = getClass().getResourceAsStream("/dev/tokensweep/scanner/expand/brotli/app.log.br")) {
      seeds.add(in.readAllBytes()); // compressed by the brotli tool: Huffman codes, context maps, a 4 MiB window
    }
    try (java.io.InputStream in = getClass().getResourceAsStream("/dev/tokensweep/scanner/expand/brotli/zeros-1g.br")) {
      seeds.add(in.readAllBytes()); // a bomb: 1 GiB of zeros
    }
    Scanner scanner = scanner();
    int runs = FuzzLoop.run("archive walker, brotli", seeds, 15, 2_000, 512L << 20, 30, (bytes, run) -> {
      if (run % 3 == 2) {
        scanOnce(scanner, Archives.tar(Map.of("logs/app.log.br", bytes)), run, "bundle.tar", token);
      } else {
        scanOnce(scanner, bytes, run, "app.log.br", token);
      }
    });
    assertTrue(runs >= 30);
  }

  private Scanner scanner() {
    return new Scanner(DETECTOR, Fingerprinter.withDefaultKey(), Scanner.Options.defaults().withThreads(1).withLimits(limits()));
  }

  /** Scans {@code bytes} named {@code name}, as a stream on even runs and from disk on odd ones, and checks its problems. */
  private void scanOnce(Scanner scanner, byte[] bytes, int run, String name, String token) throws Exception {
    ScanResult r;
    String path;
    if (run % 2 == 0) {
      path = "fuzz/" + name;
      r = scanner.matchStream(new ByteArrayInputStream(bytes), path, m -> { });
    } else {
      Path f = dir.resolve(name);
      Files.write(f, bytes);
      path = f.toString();
      r = scanner.scan(List.of(path), null);
      Files.delete(f);
    }
    for (Problem p : r.problems()) {
      if (p.type() == Problem.Type.INTERNAL) {
        fail("run " + run + " (" + name + "): internal error: " + p.message());
      }
      assertTrue(p.location().startsWith(path), "run " + run + ": a problem names another place");
      assertFalse(p.toString().contains(token.substring(4, 30)), "run " + run + ": a problem quotes the secret");
    }
  }
}
