package dev.tokensweep.scanner.read;

import static dev.tokensweep.scanner.read.ReaderFixture.noProblems;
import static dev.tokensweep.scanner.read.ReaderFixture.one;
import static dev.tokensweep.scanner.read.ReaderFixture.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.StoreContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git packfiles: real ones written by {@code git gc} (a token in a full blob, another inserted by
 * a delta), and hand-made ones for exact locations, damage and limits.
 */
class GitPackReaderTest {
  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(1));

  // ---- hand-made packs

  /** An object header: type and size in 4 bits then 7-bit groups. */
  static byte[] header(int type, long size) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c = type << 4 | (int) (size & 15);
    size >>>= 4;
    while (size != 0) {
      b.write(c | 0x80);
      c = (int) (size & 0x7F);
      size >>>= 7;
    }
    b.write(c);
    return b.toByteArray();
  }

  static byte[] zlib(byte[] data) {
    Deflater d = new Deflater();
    d.setInput(data);
    d.finish();
    byte[] out = new byte[data.length + 64];
    int n = d.deflate(out);
    d.end();
    return Arrays.copyOf(out, n);
  }

  /** {@code PACK}, version 2, the count, the objects as given (headers and zlib data), and a trailer of zeros. */
  static byte[] pack(byte[]... objects) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes("PACK".getBytes(StandardCharsets.US_ASCII));
    b.writeBytes(new byte[] {0, 0, 0, 2, 0, 0, 0, (byte) objects.length});
    for (byte[] o : objects) {
      b.writeBytes(o);
    }
    b.writeBytes(new byte[20]);
    return b.toByteArray();
  }

  static byte[] object(int type, byte[] data) {
    return concat(header(type, data.length), zlib(data));
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Delta instructions: base and result sizes, a copy of {@code copy} base bytes, then {@code insert} as a literal. */
  static byte[] delta(int copy, byte[] insert) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(copy); // base size (< 128)
    b.write(copy + insert.length); // result size (< 128)
    b.write(0x90); // copy from offset 0, one size byte
    b.write(copy);
    b.write(insert.length); // insert (1..127 bytes)
    b.writeBytes(insert);
    return b.toByteArray();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  @Test
  void handMadePack_blobAfterAnother_exactObjectOffsetAndValueOffset() throws Exception {
    String token = forge.base62Crc32("ghp_");
    byte[] first = object(3, ascii("nothing to see\n".repeat(40)));
    String text = "export GH_TOKEN=" + token + "\n";
    byte[] second = object(3, ascii(text));
    Path p = write("pack-1.pack", pack(first, second));
    ScanResult r = scan(p);
    noProblems(r);
    Location l = one(r, token, "blob").location();
    assertEquals(GitPackReader.FORMAT, l.format());
    assertEquals(12L + first.length, l.offset(), "the second object's offset in the pack");
    assertEquals(StoreContext.GIT_PACK, l.store().store());
    assertEquals(Long.valueOf(text.indexOf("ghp_")), l.store().valueOffset());
  }

  @Test
  void handMadePack_tokenInsertedByDeltas_foundInTheInsertNotResolved() throws Exception {
    String a = forge.base62Crc32("ghp_");
    String b = forge.base62Crc32("ghp_");
    byte[] base = object(3, ascii("x".repeat(100)));
    byte[] insertA = ascii("GH_TOKEN=" + a + "\n");
    byte[] insertB = ascii("GH_TOKEN=" + b + "\n");
    // an OFS_DELTA (base offset as one byte) and a REF_DELTA (20-byte base id) against it
    byte[] ofs = concat(header(6, delta(100, insertA).length), new byte[] {(byte) 1}, zlib(delta(100, insertA)));
    byte[] ref = concat(header(7, delta(100, insertB).length), new byte[20], zlib(delta(100, insertB)));
    Path p = write("pack-2.pack", pack(base, ofs, ref));
    ScanResult r = scan(p);
    noProblems(r);
    Location la = one(r, a, "OFS_DELTA insert").location();
    assertEquals(12L + base.length, la.offset());
    assertEquals(Long.valueOf(5 + 9), la.store().valueOffset(), "after the sizes, the copy and the insert's length");
    Location lb = one(r, b, "REF_DELTA insert").location();
    assertEquals(12L + base.length + ofs.length, lb.offset());
  }

  @Test
  void deltaInsertCutAt127Bytes_tokenAcrossTheCut_foundAtItsOffsetInTheDelta() throws Exception {
    String token = forge.base62Crc32("ghp_");
    // git cuts an insert after 127 bytes: a long added line comes as two inserts, an opcode between
    byte[] line = ascii("x".repeat(100) + " GH_TOKEN=" + token + "\n");
    ByteArrayOutputStream d = new ByteArrayOutputStream();
    d.write(100); // base size
    d.write(0x80 | (100 + line.length) & 0x7F); // result size, two 7-bit groups
    d.write((100 + line.length) >> 7);
    d.write(0x90); // copy 100 bytes from offset 0
    d.write(100);
    d.write(127);
    d.write(line, 0, 127);
    d.write(line.length - 127);
    d.write(line, 127, line.length - 127);
    byte[] delta = d.toByteArray();
    byte[] base = object(3, ascii("y".repeat(100)));
    Path p = write("pack-7.pack", pack(base, concat(header(6, delta.length), new byte[] {1}, zlib(delta))));
    ScanResult r = scan(p);
    noProblems(r);
    Location l = one(r, token, "across two inserts").location();
    assertEquals(12L + base.length, l.offset());
    assertEquals(Long.valueOf(6 + 110), l.store().valueOffset(), "its offset in the inflated delta");
  }

  @Test
  void deltaInsertsWithACopyBetween_notJoined() throws Exception {
    String token = forge.base62Crc32("ghp_");
    byte[] head = ascii("GH_TOKEN=" + token.substring(0, 20));
    byte[] tail = ascii(token.substring(20) + "\n");
    ByteArrayOutputStream d = new ByteArrayOutputStream();
    d.write(100);
    d.write(head.length + 10 + tail.length);
    d.write(head.length);
    d.write(head, 0, head.length);
    d.write(0x90); // ten base bytes between the halves: in the result they are not adjacent
    d.write(10);
    d.write(tail.length);
    d.write(tail, 0, tail.length);
    byte[] delta = d.toByteArray();
    byte[] base = object(3, ascii("y".repeat(100)));
    ScanResult r = scan(write("pack-8.pack", pack(base, concat(header(6, delta.length), new byte[] {1}, zlib(delta)))));
    noProblems(r);
    assertFalse(r.findings().stream().anyMatch(f -> token.equals(f.revealed())), "two inserts a copy parts are not one token");
  }

  @Test
  void handMadePack_tree_notScanned_nextObjectStillRead() throws Exception {
    String inTree = forge.base62Crc32("ghp_");
    String after = forge.base62Crc32("ghp_");
    byte[] tree = object(2, concat(ascii("100644 GH_TOKEN=" + inTree), new byte[] {0}, new byte[20]));
    Path p = write("pack-3.pack", pack(tree, object(3, ascii("GH_TOKEN=" + after + "\n"))));
    ScanResult r = scan(p);
    noProblems(r);
    one(r, after, "blob after a tree");
    assertFalse(r.findings().stream().anyMatch(f -> inTree.equals(f.revealed())), "a tree's entry names are not scanned");
  }

  @Test
  void truncatedPack_corruptProblemWithOffset_tokenBeforeFound() throws Exception {
    String token = forge.base62Crc32("ghp_");
    byte[] first = object(3, ascii("GH_TOKEN=" + token + "\n"));
    byte[] second = object(3, ascii("more text ".repeat(200)));
    byte[] whole = pack(first, second);
    Path p = write("pack-4.pack", Arrays.copyOf(whole, 12 + first.length + second.length / 2));
    ScanResult r = scan(p);
    one(r, token, "before the cut");
    Problem c = onlyProblem(r, Problem.Type.CORRUPT);
    assertTrue(c.message().contains("offset " + (12 + first.length)), c.message());
  }

  @Test
  void corruptZlibStream_corruptProblemWithOffset_tokenBeforeFound() throws Exception {
    String token = forge.base62Crc32("ghp_");
    byte[] first = object(3, ascii("GH_TOKEN=" + token + "\n"));
    byte[] second = object(3, ascii("more text ".repeat(200)));
    int h = header(3, 2000).length;
    second[h] = 0x12; // not zlib's header (0x78 ..)
    Path p = write("pack-5.pack", pack(first, second));
    ScanResult r = scan(p);
    one(r, token, "before the damage");
    Problem c = onlyProblem(r, Problem.Type.CORRUPT);
    assertTrue(c.message().contains("offset " + (12 + first.length)), c.message());
  }

  @Test
  void hugeDeclaredSize_notScannedReportedAsLimit_nextObjectRead() throws Exception {
    String inHuge = forge.base62Crc32("ghp_");
    String after = forge.base62Crc32("ghp_");
    byte[] data = ascii("GH_TOKEN=" + inHuge + "\n");
    byte[] huge = concat(header(3, 1L << 40), zlib(data));
    Path p = write("pack-6.pack", pack(huge, object(3, ascii("GH_TOKEN=" + after + "\n"))));
    ScanResult r = scan(p);
    one(r, after, "after the huge object");
    assertFalse(r.findings().stream().anyMatch(f -> inHuge.equals(f.revealed())), "a cut object is not scanned");
    Problem l = onlyProblem(r, Problem.Type.LIMIT);
    assertTrue(l.message().contains("offset 12 ") && l.message().contains("max-entry-bytes"), l.message());
  }

  @Test
  void zlibBomb_cutAtTheRatio_reportedNoException() throws Exception {
    String token = forge.base62Crc32("ghp_");
    byte[] data = new byte[8 << 20];
    byte[] head = ascii("GH_TOKEN=" + token + "\n");
    System.arraycopy(head, 0, data, 0, head.length);
    byte[] pack = pack(object(3, data));
    ScanLimits d = ScanLimits.defaults();
    ScanLimits small = new ScanLimits(d.maxDepth(), d.maxEntries(), d.maxTotalBytes(), 64L << 20, 200, 1 << 20,
        d.maxSpoolBytes(), 4096);
    Collected c = read(pack, small, token);
    assertEquals(1, c.hits.size(), "the token before the cut is handed on");
    assertEquals(1, c.problems.size(), c.problems.toString());
    assertEquals(Problem.Type.LIMIT, c.problems.get(0).type());
    assertTrue(c.problems.get(0).message().contains("max-ratio") && c.problems.get(0).message().contains("offset 12 "),
        c.problems.get(0).message());
  }

  @Test
  void moreObjectsThanMaxEntries_readUpToTheLimit() throws Exception {
    String token = forge.base62Crc32("ghp_");
    byte[] o = object(3, ascii("GH_TOKEN=" + token + "\n"));
    ScanLimits d = ScanLimits.defaults();
    ScanLimits two = new ScanLimits(d.maxDepth(), 2, d.maxTotalBytes(), d.maxEntryBytes(), d.maxRatio(),
        d.ratioThreshold(), d.maxSpoolBytes(), 4096);
    Collected c = read(pack(o, o, o, o), two, token);
    assertEquals(2, c.hits.size());
    assertEquals(1, c.problems.size(), c.problems.toString());
    assertTrue(c.problems.get(0).message().startsWith("max-entries"), c.problems.get(0).message());
  }

  @Test
  void selector_packMagicChosenWhateverTheName_notReadInParts_indexLeftBinary() {
    byte[] p = pack(object(3, ascii("hello\n")));
    ReaderSelector s = new ReaderSelector(4096);
    assertInstanceOf(GitPackReader.class, s.select("repo/.git/objects/pack/pack-1.pack", p, p.length));
    assertInstanceOf(GitPackReader.class, s.select("renamed.bin", p, p.length));
    assertNull(s.partReader("repo/.git/objects/pack/pack-1.pack", p, p.length));
    assertEquals(Stores.Kind.GIT_PACK, Stores.of("pack-1.pack", p, p.length));
    byte[] v4 = p.clone();
    v4[7] = 4;
    assertFalse(s.select("pack-1.pack", v4, v4.length) instanceof GitPackReader, "only versions 2 and 3");
    byte[] idx = {(byte) 0xFF, 't', 'O', 'c', 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1};
    assertInstanceOf(BinaryReader.class, s.select("pack-1.idx", idx, idx.length));
  }

  private static Problem onlyProblem(ScanResult r, Problem.Type type) {
    List<Problem> ps = r.problems();
    if (ps.size() != 1 || ps.get(0).type() != type) {
      fail("expected one " + type + " problem, got " + ps);
    }
    return ps.get(0);
  }

  private record Collected(List<Location> hits, List<Problem> problems) {}

  /** Reads {@code pack} with the reader itself and collects where {@code token} starts in the values handed on. */
  private static Collected read(byte[] pack, ScanLimits limits, String token) throws IOException {
    byte[] t = ascii(token);
    List<Location> hits = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    SegmentSink sink = new SegmentSink() {
      @Override
      public void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
        for (int i = ownFrom; i < ownTo && i + t.length <= to; i++) {
          if (Arrays.equals(buf, i, i + t.length, t, 0, t.length)) {
            hits.add(locator.locate(i));
          }
        }
      }

      @Override
      public int overlap() {
        return 256;
      }

      @Override
      public void problem(Problem p) {
        problems.add(p);
      }
    };
    new GitPackReader(4096, limits).read(new ByteArrayInputStream(pack), "pack-x.pack", sink);
    return new Collected(hits, problems);
  }

  // ---- packs written by git

  private static final Path GIT = Path.of("/usr/bin/git");

  private void git(Path repo, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(GIT.toString(), "-c", "user.name=t", "-c", "user.email=t@example.com",
        "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true);
    pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
    pb.environment().put("HOME", dir.toString());
    Process proc = pb.start();
    byte[] out = proc.getInputStream().readAllBytes(); // git's own output names no token: none is passed on a command line
    assertTrue(proc.waitFor(60, TimeUnit.SECONDS), "git " + args[0] + " timed out");
    assertEquals(0, proc.exitValue(), "git " + args[0] + ": " + new String(out, StandardCharsets.UTF_8));
  }

  private static String lines(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append("setting number ").append(i).append(" = value ").append(i * 7).append('\n');
    }
    return b.toString();
  }

  @Test
  void gitGc_tokenCommittedThenRemoved_foundInThePack_oneInABlobOneInADelta() throws Exception {
    assumeTrue(Files.isExecutable(GIT), "git is not installed");
    String a = forge.base62Crc32("ghp_");
    String b = forge.base62Crc32("ghp_");
    Path repo = Files.createDirectories(dir.resolve("repo"));
    git(repo, "init", "-q", ".");
    String body = lines(3000);
    // the first version is the largest, so git keeps it whole and stores the later ones as deltas;
    // token C is deep in it, and the scan in small chunks must find all three where the whole scan does
    Files.writeString(repo.resolve("a.env"), "GH_TOKEN=" + a + "\n");
    String c = forge.base62Crc32("ghp_");
    Files.writeString(repo.resolve("big.txt"), body + "GH_TOKEN_C=" + c + "\n" + lines(400)); // ~100 KB in: many chunks on
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "one");
    int mid = body.indexOf("setting number 1500 ");
    Files.writeString(repo.resolve("big.txt"), body.substring(0, mid) + "GH_TOKEN_B=" + b + "\n" + body.substring(mid));
    git(repo, "commit", "-q", "-a", "-m", "two");
    git(repo, "rm", "-q", "a.env");
    Files.writeString(repo.resolve("big.txt"), body);
    git(repo, "commit", "-q", "-a", "-m", "three");
    git(repo, "gc", "-q", "--aggressive", "--prune=now");
    git(repo, "repack", "-q", "-adf", "--depth=50", "--window=50");

    ScanResult work = scan(repo.resolve("big.txt"));
    assertFalse(Files.exists(repo.resolve("a.env")));
    assertTrue(work.findings().isEmpty(), "the working tree is clean");

    Path packDir = repo.resolve(".git/objects/pack");
    Path pack;
    try (Stream<Path> s = Files.list(packDir)) {
      pack = s.filter(x -> x.toString().endsWith(".pack")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(pack);
    ScanResult r = scan(repo.resolve(".git"));
    for (String t : List.of(a, b)) {
      Finding f = one(r, t, t == a ? "token A" : "token B");
      Location l = f.location();
      assertEquals(GitPackReader.FORMAT, l.format());
      assertTrue(l.path().endsWith(pack.getFileName().toString()), "in the pack file");
      assertTrue(l.offset() >= 12 && l.offset() < bytes.length - 20, "an object's offset in the pack");
    }
    Location lc = one(r, c, "token C, deep in the whole first version").location();
    assertEquals(3, (bytes[(int) lc.offset()] >> 4) & 7, "token C is in a whole blob");
    assertTrue(lc.store().valueOffset() > 64_000, "and far into it");
    ScanResult small = scan(repo.resolve(".git"), 4096);
    for (String t : List.of(a, b, c)) {
      assertEquals(one(r, t, "whole").location(), one(small, t, "in 4 KiB chunks").location(), "the same place in chunks");
    }
    int typeA = (bytes[(int) one(r, a, "token A").location().offset()] >> 4) & 7;
    int typeB = (bytes[(int) one(r, b, "token B").location().offset()] >> 4) & 7;
    assertEquals(3, typeA, "token A is in a whole blob");
    assertTrue(typeB == 6 || typeB == 7, "token B is in a delta's insert (object type " + typeB + ")");
  }
}
