package dev.tokensweep.scanner.read;

import static dev.tokensweep.scanner.read.GitPackReaderTest.concat;
import static dev.tokensweep.scanner.read.GitPackReaderTest.gitId;
import static dev.tokensweep.scanner.read.GitPackReaderTest.header;
import static dev.tokensweep.scanner.read.GitPackReaderTest.keepAndAdd;
import static dev.tokensweep.scanner.read.GitPackReaderTest.object;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A REF_DELTA whose base is no longer kept is resolved through the pack's {@code .idx}: packs
 * indexed by git itself (versions 1 and 2, 64-bit offsets, a fetched thin pack whose bases git
 * appended at its end), and damaged indexes that are reported and set aside.
 */
class GitPackIndexTest {
  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(7));

  @BeforeEach
  void needsGit() {
    assumeTrue(Files.isExecutable(GitCli.GIT), "git is not installed");
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** A built pack: its file, its index beside it, the token an edit made of base and inserted bytes, and where things are. */
  private record Built(Path pack, Path idx, String token, long fillerAt, long deltaAt, byte[] baseId) {}

  /**
   * A SHA-1 repository whose one pack holds a blob with a token's head, more than the reader keeps
   * of other blobs, then a REF_DELTA naming that blob by id that keeps the head and inserts the
   * tail: the token is whole only in the resolved delta, and the base is long dropped when the
   * delta comes. Git writes the index ({@code git index-pack}, with {@code indexArgs}).
   */
  private Built refDeltaPack(String name, String... indexArgs) throws Exception {
    Path repo = Files.createDirectories(dir.resolve(name));
    GitCli.run(repo, dir, "init", "-q", ".");
    String t = forge.base62Crc32("ghp_");
    String baseText = "GH_TOKEN=" + t.substring(0, 22) + "\n";
    List<byte[]> objects = new ArrayList<>();
    objects.add(object(3, ascii(baseText)));
    long between = 0;
    for (int i = 0; between <= GitPackReader.CACHE_BYTES; i++) {
      byte[] text = ascii(("filler " + i + " line\n").repeat(GitPackReader.CACHE_ONE / 20));
      objects.add(object(3, text));
      between += text.length;
    }
    byte[] id = gitId("SHA-1", "blob", ascii(baseText));
    byte[] delta = keepAndAdd(baseText.length(), baseText.length() - 1, ascii(t.substring(22) + "\n"));
    objects.add(concat(header(7, delta.length), id, zlib(delta)));
    long deltaAt = 12;
    for (int i = 0; i < objects.size() - 1; i++) {
      deltaAt += objects.get(i).length;
    }
    Path pack = repo.resolve(".git/objects/pack/pack-test.pack");
    Files.write(pack, checksummed(GitPackReaderTest.pack(objects.toArray(new byte[0][]))));
    List<String> args = new ArrayList<>(List.of("index-pack"));
    args.addAll(List.of(indexArgs));
    args.add(pack.getFileName().toString());
    GitCli.run(pack.getParent(), dir, args.toArray(new String[0]));
    Path idx = pack.resolveSibling("pack-test.idx");
    assertTrue(Files.isRegularFile(idx), "git wrote the index");
    return new Built(pack, idx, t, 12 + objects.get(0).length, deltaAt, id);
  }

  /** The pack with git's trailer: the SHA-1 of everything before it, which index-pack checks. */
  static byte[] checksummed(byte[] pack) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-1");
    md.update(pack, 0, pack.length - 20);
    System.arraycopy(md.digest(), 0, pack, pack.length - 20, 20);
    return pack;
  }

  static Problem onlyPartial(ScanResult r) {
    List<Problem> partial = r.problems().stream().filter(p -> p.type() == Problem.Type.PARTIAL).toList();
    assertEquals(1, partial.size(), "one partial note: " + r.problems());
    return partial.get(0);
  }

  @Test
  void refDeltaWhoseBaseWasDropped_baseFoundThroughTheIdx_tokenOfCopiedAndInsertedBytesFound_withoutIdxPartial()
      throws Exception {
    Built b = refDeltaPack("v2");
    ScanResult r = scan(b.pack());
    noProblems(r);
    Location l = one(r, b.token(), "made of the dropped base's bytes and the delta's insert").location();
    assertEquals(b.deltaAt(), l.offset(), "the REF_DELTA's offset in the pack");
    assertEquals(Long.valueOf(9), l.store().valueOffset(), "its offset in the resolved object");

    // the same pack without its index: the delta is read by its inserts, and that is noted
    Files.delete(b.idx());
    ScanResult without = scan(b.pack());
    Problem n = onlyPartial(without);
    assertEquals(1, without.problems().size(), without.problems().toString());
    assertTrue(n.message().contains("1 of 1 deltas, the first at offset " + b.deltaAt() + ","), n.message());
    assertFalse(without.findings().stream().anyMatch(f -> b.token().equals(f.revealed())),
        "without the index the token's head is not at hand");
  }

  @Test
  void idxVersion1_and64BitOffsets_baseFound() throws Exception {
    Built v1 = refDeltaPack("v1", "--index-version=1");
    byte[] idx = Files.readAllBytes(v1.idx());
    assertFalse(idx[0] == (byte) 0xFF && idx[1] == 't', "git wrote a version 1 index");
    ScanResult r1 = scan(v1.pack());
    noProblems(r1);
    assertEquals(v1.deltaAt(), one(r1, v1.token(), "through a version 1 index").location().offset());

    // every object past offset 0 gets an 8-byte offset entry
    Built large = refDeltaPack("large", "--index-version=2,0");
    long n = Files.size(large.idx());
    long objects = ByteBuffer.wrap(Files.readAllBytes(large.idx())).getInt(8 + 255 * 4);
    assertEquals(8 + 1024 + objects * 28 + objects * 8 + 40, n, "git wrote every offset into the 8-byte table");
    ScanResult r2 = scan(large.pack());
    noProblems(r2);
    assertEquals(large.deltaAt(), one(r2, large.token(), "through 8-byte offsets").location().offset());
  }

  /** Which damage, done to git's index of the pack, and the words the problem must say. */
  private record Damage(String what, String says, Mutation edit) {}

  interface Mutation {
    byte[] apply(byte[] idx, Built b) throws Exception;
  }

  /** The position of {@code id}'s entry in a version 2 index, by a plain scan of its ids. */
  private static int entry(byte[] idx, byte[] id) {
    ByteBuffer bb = ByteBuffer.wrap(idx);
    int n = bb.getInt(8 + 255 * 4);
    for (int k = 0; k < n; k++) {
      if (java.util.Arrays.equals(idx, 1032 + 20 * k, 1032 + 20 * k + 20, id, 0, 20)) {
        return k;
      }
    }
    throw new AssertionError("the base is not in git's index");
  }

  @Test
  void damagedIdx_oneProblemNamingIt_refDeltaScannedByItsInsertsAsWithoutOne() throws Exception {
    List<Damage> damages = List.of(
        new Damage("bad magic version", "version 3", (x, b) -> {
          x[7] = 3;
          return x;
        }),
        new Damage("fan-out going down", "goes down at entry", (x, b) -> {
          ByteBuffer.wrap(x).putInt(8 + 4 * 100, 0x7FFF);
          return x;
        }),
        new Damage("cut short", "do not fit", (x, b) -> java.util.Arrays.copyOf(x, x.length - 7)),
        new Damage("count not the pack's", "not this pack's index", (x, b) -> {
          ByteBuffer bb = ByteBuffer.wrap(x);
          int n = bb.getInt(8 + 255 * 4);
          byte[] y = java.util.Arrays.copyOf(x, x.length + 28); // one more (empty) entry, sizes consistent
          ByteBuffer.wrap(y).putInt(8 + 255 * 4, n + 1);
          return y;
        }),
        new Damage("offset past the pack", "outside the pack", (x, b) -> {
          int n = ByteBuffer.wrap(x).getInt(8 + 255 * 4);
          ByteBuffer.wrap(x).putInt(1032 + 24 * n + 4 * entry(x, b.baseId()), 0x7000_0000);
          return x;
        }),
        new Damage("8-byte offset index past its table", "8-byte offset", (x, b) -> {
          int n = ByteBuffer.wrap(x).getInt(8 + 255 * 4);
          ByteBuffer.wrap(x).putInt(1032 + 24 * n + 4 * entry(x, b.baseId()), 0x8000_0005);
          return x;
        }),
        new Damage("an id placed at another object", "has another id", (x, b) -> {
          int n = ByteBuffer.wrap(x).getInt(8 + 255 * 4);
          ByteBuffer.wrap(x).putInt(1032 + 24 * n + 4 * entry(x, b.baseId()), (int) b.fillerAt()); // a whole blob, not the base
          return x;
        }),
        new Damage("the pack checksum of another pack", "not this pack's index", (x, b) -> {
          x[x.length - 40] ^= 1;
          return x;
        }));
    Built b = refDeltaPack("damaged");
    byte[] good = Files.readAllBytes(b.idx());
    for (Damage d : damages) {
      Files.write(b.idx(), d.edit().apply(good.clone(), b));
      ScanResult r = scan(b.pack());
      String idxLocation = b.idx().toString();
      List<Problem> corrupt = r.problems().stream().filter(p -> p.type() == Problem.Type.CORRUPT).toList();
      if (corrupt.size() != 1) {
        fail(d.what() + ": expected one problem about the index, got " + r.problems());
      }
      Problem p = corrupt.get(0);
      assertEquals(idxLocation, p.location(), d.what() + ": the problem names the index");
      assertTrue(p.message().contains(d.says()), d.what() + ": " + p.message());
      assertTrue(onlyPartial(r).message().contains("1 of 1 deltas"), d.what());
      assertEquals(2, r.problems().size(), d.what() + ": " + r.problems());
      assertFalse(r.findings().stream().anyMatch(f -> b.token().equals(f.revealed())), d.what() + ": fell back to the inserts");
    }
  }

  private static List<Path> packs(Path repo) throws java.io.IOException {
    try (Stream<Path> s = Files.list(repo.resolve(".git/objects/pack"))) {
      return new ArrayList<>(s.filter(p -> p.toString().endsWith(".pack")).toList());
    }
  }

  /** 300 lines of settings: enough text that git stores a later version of the file as a delta of this one. */
  static String settings() {
    StringBuilder head = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      head.append("setting number ").append(i).append(" = value ").append(i * 7).append('\n');
    }
    return head.toString();
  }

  @Test
  void fetchedThinPack_refDeltaBeforeItsBaseAppendedAtTheEnd_resolvedThroughTheIdx() throws Exception {
    Path origin = Files.createDirectories(dir.resolve("origin"));
    GitCli.run(origin, dir, "init", "-q", ".");
    String t1 = forge.base62Crc32("ghp_");
    String t2 = forge.like(t1, 24, List.of("github-crc32"));
    String head = settings();
    Path conf = origin.resolve("app.env");
    Files.writeString(conf, head + "GITHUB_TOKEN=" + t1 + "\n");
    GitCli.run(origin, dir, "add", ".");
    GitCli.run(origin, dir, "commit", "-q", "-m", "one");
    Path clone = dir.resolve("clone");
    GitCli.run(dir, dir, "clone", "-q", "--no-local", origin.toString(), clone.toString());
    Files.writeString(conf, head + "GITHUB_TOKEN=" + t2 + "\n");
    GitCli.run(origin, dir, "commit", "-q", "-a", "-m", "two: the token rotated");
    List<Path> before = packs(clone);
    // keep the fetched pack as git received it: a thin pack, its missing bases appended by index-pack --fix-thin
    GitCli.run(clone, dir, "-c", "fetch.unpackLimit=1", "fetch", "-q", "origin");
    List<Path> after = packs(clone);
    after.removeAll(before);
    assertEquals(1, after.size(), "the fetch kept one pack");
    Path pack = after.get(0);
    ScanResult r = scan(pack);
    noProblems(r);
    Location l = one(r, t2, "the rotated token: the old one's head and the fetched delta's insert").location();
    byte[] bytes = Files.readAllBytes(pack);
    assertEquals(7, (bytes[(int) (long) l.offset()] >> 4) & 7, "the token is in a REF_DELTA");
    long baseAt = one(r, t1, "the old token: in the base git appended").location().offset();
    assertTrue(baseAt > l.offset(), "the base comes after the delta in the pack");
  }

  @Test
  void noIdx_baseKeptAfterTheFirstRefDeltaThenDropped_readAgainWhereItWasSeen_fromAStreamStillPartial() throws Exception {
    String t = forge.base62Crc32("ghp_");
    byte[] commit = object(1, ascii("tree " + "0".repeat(40) + "\nauthor t <t@example.com> 0 +0000\n\nmessage\n"));
    byte[] small = ascii("hello\n");
    // a first REF_DELTA, whose base is kept: from here on the reader hashes the objects it keeps
    byte[] early = keepAndAdd(small.length, small.length, ascii("world\n"));
    String baseText = "GH_TOKEN=" + t.substring(0, 22) + "\n";
    List<byte[]> objects = new ArrayList<>(List.of(commit, object(3, small),
        concat(header(7, early.length), gitId("SHA-1", "blob", small), zlib(early)), object(3, ascii(baseText))));
    long between = 0;
    for (int i = 0; between <= GitPackReader.CACHE_BYTES; i++) {
      byte[] text = ascii(("filler " + i + " line\n").repeat(GitPackReader.CACHE_ONE / 20));
      objects.add(object(3, text));
      between += text.length;
    }
    byte[] delta = keepAndAdd(baseText.length(), baseText.length() - 1, ascii(t.substring(22) + "\n"));
    objects.add(concat(header(7, delta.length), gitId("SHA-1", "blob", ascii(baseText)), zlib(delta)));
    long deltaAt = 12;
    for (int i = 0; i < objects.size() - 1; i++) {
      deltaAt += objects.get(i).length;
    }
    byte[] bytes = GitPackReaderTest.pack(objects.toArray(new byte[0][]));
    Path pack = dir.resolve("pack-alone.pack"); // no index beside it
    Files.write(pack, bytes);
    ScanResult r = scan(pack);
    noProblems(r);
    assertEquals(deltaAt, one(r, t, "made of the dropped base's bytes and the insert").location().offset());

    // read as a stream (a pack in an archive), the base cannot be read again: as before
    List<Problem> problems = new ArrayList<>();
    SegmentSink sink = new SegmentSink() {
      @Override
      public void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {}

      @Override
      public int overlap() {
        return 256;
      }

      @Override
      public void problem(Problem p) {
        problems.add(p);
      }
    };
    new GitPackReader(4096, dev.tokensweep.scanner.model.ScanLimits.defaults())
        .read(new java.io.ByteArrayInputStream(bytes), "pack-alone.pack", sink);
    assertEquals(1, problems.size(), problems.toString());
    assertEquals(Problem.Type.PARTIAL, problems.get(0).type());
    assertTrue(problems.get(0).message().contains("1 of 2 deltas, the first at offset " + deltaAt + ","),
        problems.get(0).message());
  }

  @Test
  void refDeltaChain_bothBasesDropped_deltaBaseReadAgainThroughTheIdxAndItsOwnBaseToo() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("chain"));
    GitCli.run(repo, dir, "init", "-q", ".");
    String t = forge.base62Crc32("ghp_");
    // the blob holds the token's first part, a REF_DELTA of it adds the second, a REF_DELTA of that
    // result (named by the result's id) adds the rest: the token is whole only two deltas down
    String baseText = "GH_TOKEN=" + t.substring(0, 12) + "\n";
    byte[] add1 = ascii(t.substring(12, 26) + "\n");
    byte[] d1 = keepAndAdd(baseText.length(), baseText.length() - 1, add1);
    byte[] mid = concat(ascii(baseText.substring(0, baseText.length() - 1)), add1);
    byte[] d2 = keepAndAdd(mid.length, mid.length - 1, ascii(t.substring(26) + "\n"));
    List<byte[]> objects = new ArrayList<>();
    objects.add(object(3, ascii(baseText)));
    objects.add(concat(header(7, d1.length), gitId("SHA-1", "blob", ascii(baseText)), zlib(d1)));
    long between = 0;
    for (int i = 0; between <= GitPackReader.CACHE_BYTES; i++) {
      byte[] text = ascii(("filler " + i + " line\n").repeat(GitPackReader.CACHE_ONE / 20));
      objects.add(object(3, text));
      between += text.length;
    }
    objects.add(concat(header(7, d2.length), gitId("SHA-1", "blob", mid), zlib(d2)));
    long d2At = 12;
    for (int i = 0; i < objects.size() - 1; i++) {
      d2At += objects.get(i).length;
    }
    Path pack = repo.resolve(".git/objects/pack/pack-chain.pack");
    Files.write(pack, checksummed(GitPackReaderTest.pack(objects.toArray(new byte[0][]))));
    GitCli.run(pack.getParent(), dir, "index-pack", pack.getFileName().toString());
    ScanResult r = scan(pack);
    noProblems(r);
    Location l = one(r, t, "whole only in the second delta's result").location();
    assertEquals(d2At, l.offset());
    assertEquals(Long.valueOf(9), l.store().valueOffset());
  }
}
