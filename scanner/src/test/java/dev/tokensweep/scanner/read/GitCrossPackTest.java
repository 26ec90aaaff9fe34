package dev.tokensweep.scanner.read;

import static dev.tokensweep.scanner.read.GitPackIndexTest.ascii;
import static dev.tokensweep.scanner.read.GitPackIndexTest.checksummed;
import static dev.tokensweep.scanner.read.GitPackIndexTest.onlyPartial;
import static dev.tokensweep.scanner.read.GitPackIndexTest.settings;
import static dev.tokensweep.scanner.read.GitPackReaderTest.concat;
import static dev.tokensweep.scanner.read.GitPackReaderTest.gitId;
import static dev.tokensweep.scanner.read.GitPackReaderTest.header;
import static dev.tokensweep.scanner.read.GitPackReaderTest.keepAndAdd;
import static dev.tokensweep.scanner.read.GitPackReaderTest.object;
import static dev.tokensweep.scanner.read.GitPackReaderTest.ofsDelta;
import static dev.tokensweep.scanner.read.GitPackReaderTest.zlib;
import static dev.tokensweep.scanner.read.ReaderFixture.noProblems;
import static dev.tokensweep.scanner.read.ReaderFixture.one;
import static dev.tokensweep.scanner.read.ReaderFixture.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.GitCli;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanResult;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A REF_DELTA whose base is not in its own pack (a thin pack as a fetch sends it, left in
 * {@code objects/pack} by an interrupted fetch) has its base read from the repository's other
 * packs, its multi-pack-index or its loose objects; damaged indexes there are reported once and
 * set aside, and bases that name each other across packs end within the depth limit.
 */
class GitCrossPackTest {
  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(11));

  @BeforeEach
  void needsGit() {
    assumeTrue(Files.isExecutable(GitCli.GIT), "git is not installed");
  }

  /** A repository with a thin pack in it: the pack, the token only its REF_DELTA's result holds, the delta's offset, the old blob's id. */
  private record Thin(Path repo, Path pack, String rotated, long deltaAt, byte[] baseId) {
    Path packDir() {
      return pack.getParent();
    }
  }

  /**
   * A repository whose first commit holds a config ending in a token, packed by {@code git repack}
   * ({@code packed}) or left loose, and whose second rotates the token (the new one keeps the old
   * one's head); git's thin pack of the second commit against the first ({@code pack-objects
   * --thin}, as a fetch sends it) lies in {@code objects/pack} as an interrupted fetch leaves it
   * ({@code tmp_pack_*}, no index). Its blob is a REF_DELTA against the first commit's blob.
   */
  private Thin thin(String name, boolean packed) throws Exception {
    Path repo = Files.createDirectories(dir.resolve(name));
    GitCli.run(repo, dir, "init", "-q", ".");
    String t1 = forge.base62Crc32("ghp_");
    String t2 = forge.like(t1, 24, List.of("github-crc32"));
    String head = settings();
    Path conf = repo.resolve("app.env");
    Files.writeString(conf, head + "GITHUB_TOKEN=" + t1 + "\n");
    GitCli.run(repo, dir, "add", ".");
    GitCli.run(repo, dir, "commit", "-q", "-m", "one");
    if (packed) {
      GitCli.run(repo, dir, "repack", "-q", "-a", "-d");
    }
    Files.writeString(conf, head + "GITHUB_TOKEN=" + t2 + "\n");
    GitCli.run(repo, dir, "commit", "-q", "-a", "-m", "two: the token rotated");
    Path revs = dir.resolve(name + ".revs");
    Files.writeString(revs, "HEAD\n^HEAD~1\n");
    Path packDir = Files.createDirectories(repo.resolve(".git/objects/pack"));
    Path pack = packDir.resolve("tmp_pack_Rx2v1Q");
    GitCli.run(repo, dir, revs, pack, "pack-objects", "-q", "--revs", "--thin", "--stdout");
    byte[] bytes = Files.readAllBytes(pack);
    long deltaAt = -1;
    for (long at : offsets(bytes)) {
      if ((bytes[(int) at] >> 4 & 7) == 7) {
        deltaAt = at;
      }
    }
    assertTrue(deltaAt > 0, "git sent the blob as a REF_DELTA");
    byte[] baseId = gitId("SHA-1", "blob", ascii(head + "GITHUB_TOKEN=" + t1 + "\n"));
    return new Thin(repo, pack, t2, deltaAt, baseId);
  }

  /** The offsets of a pack's objects, found by walking their headers and inflating each in turn. */
  private static List<Long> offsets(byte[] pack) throws Exception {
    List<Long> at = new ArrayList<>();
    int n = ByteBuffer.wrap(pack).getInt(8);
    int p = 12;
    for (int k = 0; k < n; k++) {
      at.add((long) p);
      int c = pack[p++] & 0xFF;
      int type = c >> 4 & 7;
      while ((c & 0x80) != 0) {
        c = pack[p++] & 0xFF;
      }
      if (type == 7) {
        p += 20;
      } else if (type == 6) {
        while ((pack[p++] & 0x80) != 0) {
          // the base's distance back
        }
      }
      java.util.zip.Inflater inf = new java.util.zip.Inflater();
      inf.setInput(pack, p, pack.length - p);
      byte[] sink = new byte[4096];
      while (!inf.finished()) {
        inf.inflate(sink);
      }
      p += (int) inf.getBytesRead();
      inf.end();
    }
    return at;
  }

  private static List<Path> files(Path packDir, String suffix) throws Exception {
    try (Stream<Path> s = Files.list(packDir)) {
      return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
    }
  }

  private static boolean found(ScanResult r, String token) {
    return r.findings().stream().anyMatch(f -> token.equals(f.revealed()));
  }

  @Test
  void thinPackInTheRepository_baseInAnotherPack_rotatedTokenFound_copiedOutOfItPartialAsBefore() throws Exception {
    Thin t = thin("packed", true);
    assertEquals(1, files(t.packDir(), ".idx").size(), "the first commit is in one pack with its index");
    ScanResult r = scan(t.pack());
    noProblems(r);
    Location l = one(r, t.rotated(), "the old token's head, in another pack, and the delta's insert").location();
    assertEquals(t.deltaAt(), l.offset(), "reported at the REF_DELTA");

    // the same pack outside any repository: its base is nowhere at hand, as before
    Path alone = Files.copy(t.pack(), dir.resolve("tmp_pack_Rx2v1Q"));
    ScanResult without = scan(alone);
    assertTrue(onlyPartial(without).message().contains("1 of 1 deltas"), without.problems().toString());
    assertEquals(1, without.problems().size(), without.problems().toString());
    assertFalse(found(without, t.rotated()), "without its base the token's head is not at hand");
  }

  @Test
  void thinPackInTheRepository_baseLoose_rotatedTokenFound() throws Exception {
    Thin t = thin("loose", false);
    assertEquals(List.of(), files(t.packDir(), ".idx"), "no pack but the thin one");
    ScanResult r = scan(t.pack());
    noProblems(r);
    assertEquals(t.deltaAt(), one(r, t.rotated(), "the base is a loose object").location().offset());

    // a loose object whose bytes are not its name's is not taken as the base
    String hex = java.util.HexFormat.of().formatHex(t.baseId());
    Path loose = t.repo().resolve(".git/objects/" + hex.substring(0, 2) + "/" + hex.substring(2));
    byte[] other = zlib(ascii("blob 5\0hello"));
    loose.toFile().setWritable(true);
    Files.write(loose, other);
    ScanResult lied = scan(t.pack());
    assertTrue(onlyPartial(lied).message().contains("1 of 1 deltas"), lied.problems().toString());
    assertFalse(found(lied, t.rotated()));
  }

  @Test
  void multiPackIndex_theOtherPacksIdxGone_baseFoundThroughIt_itsIdxDamaged_reportedAndBaseStillFound()
      throws Exception {
    Thin t = thin("midx", true);
    GitCli.run(t.repo(), dir, "multi-pack-index", "write");
    Path midx = t.packDir().resolve("multi-pack-index");
    assertTrue(Files.isRegularFile(midx), "git wrote the multi-pack-index");
    Path idx = files(t.packDir(), ".idx").get(0);
    byte[] good = Files.readAllBytes(idx);

    Files.delete(idx);
    ScanResult r = scan(t.pack());
    noProblems(r);
    assertEquals(t.deltaAt(), one(r, t.rotated(), "through the multi-pack-index").location().offset());

    byte[] bad = good.clone();
    bad[8 + 4 * 100] = 0x7F; // its fan-out goes down
    Files.write(idx, bad);
    ScanResult damaged = scan(t.pack());
    assertEquals(1, damaged.problems().size(), damaged.problems().toString());
    Problem p = damaged.problems().get(0);
    assertEquals(Problem.Type.CORRUPT, p.type());
    assertEquals(idx.toString(), p.location(), "the problem names the other pack's index");
    assertTrue(p.message().contains("goes down at entry"), p.message());
    assertEquals(t.deltaAt(), one(damaged, t.rotated(), "through the multi-pack-index").location().offset());
  }

  @Test
  void otherPacksIdxDamaged_oneProblemNamingIt_deltaScannedByItsInserts() throws Exception {
    Thin t = thin("badidx", true);
    Path idx = files(t.packDir(), ".idx").get(0);
    byte[] b = Files.readAllBytes(idx);
    b[b.length - 40] ^= 1; // the pack checksum it copies is another pack's
    Files.write(idx, b);
    ScanResult r = scan(t.pack());
    List<Problem> corrupt = r.problems().stream().filter(p -> p.type() == Problem.Type.CORRUPT).toList();
    assertEquals(1, corrupt.size(), r.problems().toString());
    assertEquals(idx.toString(), corrupt.get(0).location());
    assertTrue(corrupt.get(0).message().contains("not this pack's index"), corrupt.get(0).message());
    assertTrue(onlyPartial(r).message().contains("1 of 1 deltas"));
    assertEquals(2, r.problems().size(), r.problems().toString());
    assertFalse(found(r, t.rotated()));
  }

  /** Which damage, done to git's multi-pack-index, and the words the problem must say. */
  private record Damage(String what, String says, Mutation edit) {}

  interface Mutation {
    void apply(byte[] midx, int entry, long otherObjectAt);
  }

  /** The offset of chunk {@code id} in a multi-pack-index, from its table of chunks. */
  private static int chunk(byte[] midx, String id) {
    ByteBuffer b = ByteBuffer.wrap(midx);
    int chunks = midx[6] & 0xFF;
    for (int i = 0; i < chunks; i++) {
      if (b.getInt(12 + 12 * i) == ByteBuffer.wrap(ascii(id)).getInt()) {
        return (int) b.getLong(12 + 12 * i + 4);
      }
    }
    throw new AssertionError("no chunk " + id);
  }

  /** The position of {@code id} among a multi-pack-index's ids. */
  private static int entry(byte[] midx, byte[] id) {
    int ids = chunk(midx, "OIDL");
    int n = ByteBuffer.wrap(midx).getInt(chunk(midx, "OIDF") + 255 * 4);
    for (int k = 0; k < n; k++) {
      if (Arrays.equals(midx, ids + 20 * k, ids + 20 * k + 20, id, 0, 20)) {
        return k;
      }
    }
    throw new AssertionError("the base is not in git's multi-pack-index");
  }

  @Test
  void damagedMultiPackIndex_oneProblemNamingIt_deltaScannedByItsInserts() throws Exception {
    List<Damage> damages = List.of(
        new Damage("not MIDX", "does not start with MIDX", (m, k, other) -> m[0] = 'X'),
        new Damage("version 9", "version 9", (m, k, other) -> m[4] = 9),
        new Damage("SHA-256 in a SHA-1 repository", "hash (2)", (m, k, other) -> m[5] = 2),
        new Damage("base files", "base multi-pack-index", (m, k, other) -> m[7] = 1),
        new Damage("a chunk before the table ends", "out of order", (m, k, other) ->
            ByteBuffer.wrap(m).putLong(12 + 4, 3)),
        new Damage("a chunk past the end", "out of order", (m, k, other) ->
            ByteBuffer.wrap(m).putLong(12 + 12 * (m[6] & 0xFF) + 4, m.length + 100L)),
        new Damage("no offsets chunk", "lacks the offsets", (m, k, other) -> {
          for (int i = 0; i < (m[6] & 0xFF); i++) {
            if (ByteBuffer.wrap(m).getInt(12 + 12 * i) == 0x4F4F4646) {
              ByteBuffer.wrap(m).putInt(12 + 12 * i, 0x58585858);
            }
          }
        }),
        new Damage("fan-out going down", "goes down", (m, k, other) ->
            ByteBuffer.wrap(m).putInt(chunk(m, "OIDF") + 4 * 200, 0x7FFF)),
        new Damage("more packs than names", "pack name 1 is not", (m, k, other) ->
            ByteBuffer.wrap(m).putInt(8, 2)),
        new Damage("a pack name with a slash", "not the name of an index", (m, k, other) ->
            m[chunk(m, "PNAM") + 2] = '/'),
        new Damage("the base in a pack it does not name", "of the 1 it names", (m, k, other) ->
            ByteBuffer.wrap(m).putInt(chunk(m, "OOFF") + 8 * k, 5)),
        new Damage("the base past its pack's end", "outside the", (m, k, other) ->
            ByteBuffer.wrap(m).putInt(chunk(m, "OOFF") + 8 * k + 4, 0x7000_0000)),
        new Damage("the base placed at another object", "another object", (m, k, other) ->
            ByteBuffer.wrap(m).putInt(chunk(m, "OOFF") + 8 * k + 4, (int) other)));
    Thin t = thin("badmidx", true);
    GitCli.run(t.repo(), dir, "multi-pack-index", "write");
    Path midx = t.packDir().resolve("multi-pack-index");
    Path idx = files(t.packDir(), ".idx").get(0);
    Path otherPack = files(t.packDir(), ".pack").get(0);
    long otherObject = offsets(Files.readAllBytes(otherPack)).get(0); // the commit: an object, not the base
    Files.delete(idx); // only the multi-pack-index tells where the base is
    byte[] good = Files.readAllBytes(midx);
    int k = entry(good, t.baseId());
    for (Damage d : damages) {
      byte[] m = good.clone();
      d.edit().apply(m, k, otherObject);
      Files.write(midx, m);
      ScanResult r = scan(t.pack());
      List<Problem> corrupt = r.problems().stream().filter(p -> p.type() == Problem.Type.CORRUPT).toList();
      if (corrupt.size() != 1) {
        fail(d.what() + ": expected one problem about the multi-pack-index, got " + r.problems());
      }
      assertEquals(midx.toString(), corrupt.get(0).location(), d.what());
      assertTrue(corrupt.get(0).message().contains(d.says()), d.what() + ": " + corrupt.get(0).message());
      assertTrue(onlyPartial(r).message().contains("1 of 1 deltas"), d.what());
      assertEquals(2, r.problems().size(), d.what() + ": " + r.problems());
      assertFalse(found(r, t.rotated()), d.what() + ": fell back to the inserts");
    }
  }

  // ---- hand-made packs beside git's, with indexes written here (git's index-pack refuses a pack whose bases are elsewhere)

  /** Writes a pack of {@code objects} with git's trailer at {@code file}; returns each object's offset. */
  private static long[] writePack(Path file, byte[]... objects) throws Exception {
    byte[] pack = checksummed(GitPackReaderTest.pack(objects));
    Files.write(file, pack);
    long[] at = new long[objects.length];
    long p = 12;
    for (int i = 0; i < objects.length; i++) {
      at[i] = p;
      p += objects[i].length;
    }
    return at;
  }

  /** A version 2 index of the pack at {@code pack}, listing {@code ids[i]} at {@code offsets[i]}, written beside it. */
  private static void writeIdx(Path pack, byte[][] ids, long[] offsets) throws Exception {
    byte[] bytes = Files.readAllBytes(pack);
    int n = ids.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparing((Integer i) -> ids[i], Arrays::compareUnsigned));
    ByteBuffer b = ByteBuffer.allocate(8 + 1024 + n * 28 + 40);
    b.putInt(0xFF744F63).putInt(2);
    for (int f = 0; f < 256; f++) {
      int c = 0;
      for (byte[] id : ids) {
        c += (id[0] & 0xFF) <= f ? 1 : 0;
      }
      b.putInt(c);
    }
    for (int i : order) {
      b.put(ids[i]);
    }
    b.put(new byte[4 * n]); // CRCs: not read
    for (int i : order) {
      b.putInt((int) offsets[i]);
    }
    b.put(bytes, bytes.length - 20, 20);
    MessageDigest md = MessageDigest.getInstance("SHA-1");
    md.update(b.array(), 0, b.position());
    b.put(md.digest());
    String name = pack.getFileName().toString();
    Files.write(pack.resolveSibling(name.substring(0, name.length() - 5) + ".idx"), b.array());
  }

  private static byte[] refDelta(byte[] baseId, byte[] delta) {
    return concat(header(7, delta.length), baseId, zlib(delta));
  }

  @Test
  void baseChainAcrossStores_looseThenRefDeltaInOnePackThenRefAndOfsDeltasInAnother_tokenWholeOnlyAtTheEnd()
      throws Exception {
    Path repo = Files.createDirectories(dir.resolve("chain"));
    GitCli.run(repo, dir, "init", "-q", ".");
    Path packDir = Files.createDirectories(repo.resolve(".git/objects/pack"));
    String t = forge.base62Crc32("ghp_");
    // a: loose, the token's first part; b (pack 1) adds a part to a; c (pack 2) adds one to b;
    // d (pack 2, OFS_DELTA) adds one to c; e, in the thin pack read, adds the rest to d
    String[] parts = {"GH_TOKEN=" + t.substring(0, 8), t.substring(8, 16), t.substring(16, 24), t.substring(24, 32),
        t.substring(32) + "\n"};
    byte[][] text = new byte[5][];
    text[0] = ascii(parts[0]);
    for (int i = 1; i < 5; i++) {
      text[i] = concat(text[i - 1], ascii(parts[i]));
    }
    byte[][] id = new byte[5][];
    for (int i = 0; i < 5; i++) {
      id[i] = gitId("SHA-1", "blob", text[i]);
    }
    String hex = java.util.HexFormat.of().formatHex(id[0]);
    Path loose = Files.createDirectories(repo.resolve(".git/objects/" + hex.substring(0, 2))).resolve(hex.substring(2));
    Files.write(loose, zlib(concat(ascii("blob " + text[0].length + "\0"), text[0])));
    byte[][] d = new byte[5][];
    for (int i = 1; i < 5; i++) {
      d[i] = keepAndAdd(text[i - 1].length, text[i - 1].length, ascii(parts[i]));
    }
    Path p1 = packDir.resolve("pack-1.pack");
    writeIdx(p1, new byte[][] {id[1]}, writePack(p1, refDelta(id[0], d[1])));
    Path p2 = packDir.resolve("pack-2.pack");
    byte[] c = refDelta(id[1], d[2]);
    writeIdx(p2, new byte[][] {id[2], id[3]}, writePack(p2, c, ofsDelta(c.length, d[3])));
    Path thin = packDir.resolve("tmp_pack_chain");
    long eAt = writePack(thin, object(3, ascii("unrelated\n")), refDelta(id[3], d[4]))[1];
    ScanResult r = scan(thin);
    noProblems(r);
    Location l = one(r, t, "whole only after four bases in three other stores").location();
    assertEquals(eAt, l.offset());
    assertEquals(Long.valueOf(9), l.store().valueOffset(), "its offset in the resolved object");
  }

  @Test
  void basesNamingEachOtherAcrossPacks_endWithinTheDepthLimit_deltaScannedByItsInserts() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("cycle"));
    GitCli.run(repo, dir, "init", "-q", ".");
    Path packDir = Files.createDirectories(repo.resolve(".git/objects/pack"));
    byte[] x = gitId("SHA-1", "blob", ascii("x\n"));
    byte[] y = gitId("SHA-1", "blob", ascii("y\n"));
    byte[] z = gitId("SHA-1", "blob", ascii("z\n"));
    byte[] grow = keepAndAdd(2, 2, ascii("more\n"));
    // x in pack 1 is a delta of y, y in pack 2 a delta of x; z in pack 3 a delta of itself
    Path p1 = packDir.resolve("pack-1.pack");
    writeIdx(p1, new byte[][] {x}, writePack(p1, refDelta(y, grow)));
    Path p2 = packDir.resolve("pack-2.pack");
    writeIdx(p2, new byte[][] {y}, writePack(p2, refDelta(x, grow)));
    Path p3 = packDir.resolve("pack-3.pack");
    writeIdx(p3, new byte[][] {z}, writePack(p3, refDelta(z, grow)));
    Path thin = packDir.resolve("tmp_pack_cycle");
    writePack(thin, object(3, ascii("unrelated\n")), refDelta(x, grow), refDelta(z, grow));
    long t0 = System.nanoTime();
    ScanResult r = scan(thin);
    assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "bounded");
    assertTrue(onlyPartial(r).message().contains("2 of 2 deltas"), r.problems().toString());
    assertEquals(1, r.problems().size(), r.problems().toString());
  }
}
