package dev.tokensweep.corpus.gen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.corpus.Label;
import dev.tokensweep.corpus.Labels;
import dev.tokensweep.corpus.SourceType;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {
  private static final Fingerprinter FP = Fingerprinter.withDefaultKey();

  private static Generator.Summary generate(Path out, long seed, int threads) throws Exception {
    return new Generator(new Generator.Options(seed, 2L << 20, Generator.Profile.FULL, 1, threads, 256L << 10, false))
        .generate(out, out.resolve("labels.jsonl"));
  }

  @Test
  void generate_sameSeed_sameBytesWhateverTheThreads(@TempDir Path tmp) throws Exception {
    generate(tmp.resolve("a"), 5, 1);
    generate(tmp.resolve("b"), 5, 2);
    List<Path> a = files(tmp.resolve("a"));
    List<Path> b = files(tmp.resolve("b"));
    assertEquals(a.stream().map(p -> tmp.resolve("a").relativize(p)).toList(), b.stream().map(p -> tmp.resolve("b").relativize(p)).toList());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(Files.readAllBytes(a.get(i)), Files.readAllBytes(b.get(i)), a.get(i).toString());
    }
  }

  @Test
  void generate_everySourceTypeIsPlanted(@TempDir Path tmp) throws Exception {
    List<Label> labels = generate(tmp, 9, 2).labels();
    Set<SourceType> seen = EnumSet.noneOf(SourceType.class);
    labels.forEach(l -> seen.add(l.source()));
    assertEquals(EnumSet.allOf(SourceType.class), seen);
    assertTrue(labels.stream().anyMatch(l -> l.path().contains(".zip!") && l.path().split("!").length >= 4),
        "an archive inside an archive inside an archive");
    assertTrue(labels.stream().anyMatch(l -> "live".equals(l.status())) && labels.stream().anyMatch(l -> "expired".equals(l.status())));
  }

  /** Each label's offset and line must point at bytes whose fingerprint is the label's: the labels are right. */
  @Test
  void labels_pointAtTheirSecrets(@TempDir Path tmp) throws Exception {
    List<Label> labels = generate(tmp, 11, 2).labels();
    int checked = 0;
    for (Label l : labels) {
      boolean topLevelGzip = l.path().indexOf('!') == l.path().length() - 1 && l.path().endsWith(".gz!");
      boolean compressed = l.context() != null && l.context().contains("compressed"); // a journal field stored compressed
      if (l.requires().contains("base64") || compressed || l.path().contains("!") && !topLevelGzip) {
        continue; // encoded or compressed in the file, or inside an archive: the bytes at the offset are not the secret's
      }
      String file = l.path().endsWith("!") ? l.path().substring(0, l.path().length() - 1) : l.path();
      byte[] all = Files.readAllBytes(tmp.resolve(file));
      if (l.path().endsWith(".gz!")) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tmp.resolve(file)))) {
          all = in.readAllBytes();
        }
      }
      Charset cs = "utf-16le".equals(l.encoding()) ? StandardCharsets.UTF_16LE
          : "utf-16be".equals(l.encoding()) ? StandardCharsets.UTF_16BE : StandardCharsets.US_ASCII;
      int width = cs == StandardCharsets.US_ASCII ? 1 : 2;
      String secret = new String(all, (int) l.offset(), l.length() * width, cs);
      assertEquals(l.fingerprint(), FP.fingerprint(secret.getBytes(StandardCharsets.UTF_8)), l.id() + " at " + l.where());
      if (l.line() != null) {
        long line = 1;
        long lineStart = 0;
        for (int i = 0; i < l.offset(); i++) {
          if (all[i] == '\n') {
            line++;
            lineStart = i + 1;
          }
        }
        assertEquals(l.line(), line, l.id() + " line");
        assertEquals(l.column(), l.offset() - lineStart + 1, l.id() + " column");
      }
      checked++;
    }
    assertTrue(checked > 50, "checked " + checked);
  }

  @Test
  void labelsFile_holdsNoSecret(@TempDir Path tmp) throws Exception {
    generate(tmp, 13, 2);
    String text = Files.readString(tmp.resolve("labels.jsonl"));
    for (String prefix : List.of("ghp_", "gho_", "ghs_", "ghr_", "eyJ", "xoxb-", "glpat-", "AKIA", "npm_", "IQoJ")) {
      assertTrue(!text.contains(prefix), "labels must not contain " + prefix);
    }
    for (Label l : Labels.read(tmp.resolve("labels.jsonl"))) {
      assertTrue(l.fingerprint().matches("[0-9a-f]{64}"), l.id());
    }
  }

  @Test
  void logsProfile_writesTheRequestedSizeInNFiles(@TempDir Path tmp) throws Exception {
    Generator.Summary s = new Generator(new Generator.Options(1, 3L << 20, Generator.Profile.LOGS, 3, 2, 1L << 20, false))
        .generate(tmp.resolve("logs"), tmp.resolve("labels.jsonl"));
    assertEquals(3, s.files());
    assertTrue(Math.abs(s.bytes() - (3L << 20)) < 3 * 8192, "bytes " + s.bytes());
  }

  @Test
  void logsProfile_requestsWithATokenPool_keywordsOnMostLinesAndTokensThatRepeat(@TempDir Path tmp) throws Exception {
    Generator.Summary s = new Generator(new Generator.Options(1, 2L << 20, Generator.Profile.LOGS, 1, 1, 4L << 10, false, true, 50))
        .generate(tmp.resolve("logs"), tmp.resolve("labels.jsonl"));
    List<String> lines = Files.readAllLines(files(tmp.resolve("logs")).get(0));
    long keyworded = lines.stream().filter(l -> l.contains("scope=") && l.contains("token")).count();
    assertTrue(keyworded > lines.size() * 9 / 10, keyworded + " of " + lines.size() + " lines hold the keywords");
    List<Label> labels = Labels.read(tmp.resolve("labels.jsonl"));
    long distinct = labels.stream().map(Label::fingerprint).distinct().count();
    assertTrue(labels.size() > 300, "about one token per 4 KiB: " + labels.size());
    assertTrue(distinct <= 50 && distinct > 20, "tokens drawn from a pool of 50: " + distinct + " distinct");
    assertEquals(labels.size(), s.labels().size());
  }

  @Test
  void metafy_escapesZshMetaBytes() {
    byte[] in = {'a', 0, (byte) 0x83, (byte) 0x97, (byte) 0xA2, (byte) 0xA3, (byte) 0xE6};
    byte[] want = {'a', (byte) 0x83, 0x20, (byte) 0x83, (byte) 0xA3, (byte) 0x83, (byte) 0xB7, (byte) 0x83, (byte) 0x82, (byte) 0xA3,
        (byte) 0xE6};
    assertArrayEquals(want, Homes.metafy(in));
  }

  private static List<Path> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }
}
