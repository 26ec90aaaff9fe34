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
  void handMadePack_deltaWithItsBaseAtHand_resolved_deltaWithout_scannedByItsInserts() throws Exception {
    String a = forge.base62Crc32("ghp_");
    String b = forge.base62Crc32("ghp_");
    byte[] base = object(3, ascii("x".repeat(100)));
    byte[] insertA = ascii("GH_TOKEN=" + a + "\n");
    byte[] insertB = ascii("GH_TOKEN=" + b + "\n");
    // an OFS_DELTA whose base is the blob before it, and a REF_DELTA naming an id no object here has
    byte[] ofs = ofsDelta(base.length, keepAndAdd(100, 100, insertA));
    byte[] ref = concat(header(7, delta(100, insertB).length), new byte[20], zlib(delta(100, insertB)));
    Path p = write("pack-2.pack", pack(base, ofs, ref));
    ScanResult r = scan(p);
    Location la = one(r, a, "OFS_DELTA, resolved").location();
    assertEquals(12L + base.length, la.offset());
    assertEquals(Long.valueOf(100 + 9), la.store().valueOffset(), "its offset in the resolved object: after the copy");
    Location lb = one(r, b, "REF_DELTA insert").location();
    assertEquals(12L + base.length + ofs.length, lb.offset());
    assertEquals(Long.valueOf(5 + 9), lb.store().valueOffset(), "its offset in the inflated delta");
    Problem n = onlyProblem(r, Problem.Type.PARTIAL);
    assertTrue(n.message().contains("1 of 2 deltas, the first at offset " + lb.offset()), n.message());
    assertEquals("note", n.type().outcome());
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
    // the base offset (1 back) names no object: the delta is read by its inserts
    Path p = write("pack-7.pack", pack(base, concat(header(6, delta.length), new byte[] {1}, zlib(delta))));
    ScanResult r = scan(p);
    onlyProblem(r, Problem.Type.PARTIAL);
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
    onlyProblem(r, Problem.Type.PARTIAL); // base offset 1 back names no object: read by its inserts
    assertFalse(r.findings().stream().anyMatch(f -> token.equals(f.revealed())), "two inserts a copy parts are not one token");
  }

  /** A size in 7-bit groups, least significant first, as a delta's two sizes are written. */
  static byte[] varint(long v) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (v >= 0x80) {
      b.write((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b.write((int) v);
    return b.toByteArray();
  }

  /** A copy instruction: {@code len} bytes (1 to 0xFFFFFF) from {@code off} in the base. */
  static byte[] copy(long off, int len) {
    ByteArrayOutputStream args = new ByteArrayOutputStream();
    int op = 0x80;
    for (int i = 0; i < 4; i++) {
      int v = (int) (off >>> (8 * i)) & 0xFF;
      if (v != 0) {
        op |= 1 << i;
        args.write(v);
      }
    }
    for (int i = 0; i < 3; i++) {
      int v = (len >>> (8 * i)) & 0xFF;
      if (v != 0) {
        op |= 0x10 << i;
        args.write(v);
      }
    }
    return concat(new byte[] {(byte) op}, args.toByteArray());
  }

  /** Insert instructions for {@code text}, cut at 127 bytes as git cuts them. */
  static byte[] insert(byte[] text) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < text.length; i += 127) {
      int k = Math.min(127, text.length - i);
      b.write(k);
      b.write(text, i, k);
    }
    return b.toByteArray();
  }

  /** An OFS_DELTA's distance back to its base, as git writes it: big-endian 7-bit groups, each after the first less one. */
  static byte[] back(long distance) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write((int) (distance & 0x7F));
    distance >>>= 7;
    while (distance != 0) {
      distance--;
      b.write(0x80 | (int) (distance & 0x7F));
      distance >>>= 7;
    }
    byte[] r = b.toByteArray();
    for (int i = 0; i < r.length / 2; i++) {
      byte t = r[i];
      r[i] = r[r.length - 1 - i];
      r[r.length - 1 - i] = t;
    }
    return r;
  }

  static byte[] ofsDelta(long distance, byte[] delta) {
    return concat(header(6, delta.length), back(distance), zlib(delta));
  }

  /** A delta that copies {@code base}'s first {@code keep} bytes and inserts {@code added}. */
  static byte[] keepAndAdd(int baseSize, int keep, byte[] added) {
    return concat(varint(baseSize), varint(keep + added.length), copy(0, keep), insert(added));
  }

  /** Git's object id: the hash of {@code <type> <size>\0} and the content. */
  static byte[] gitId(String algorithm, String type, byte[] data) throws Exception {
    java.security.MessageDigest md = java.security.MessageDigest.getInstance(algorithm);
    md.update(ascii(type + " " + data.length + "\0"));
    return md.digest(data);
  }

  @Test
  void deltaChain_tokensMadeOfBaseAndInsertedBytes_foundOnceEach_copiedTokenNotReportedAgain() throws Exception {
    String t1 = forge.base62Crc32("ghp_");
    String t2 = forge.base62Crc32("ghp_");
    // the base holds token 1 whole and token 2's head; delta 1 inserts token 2's tail and token 3's head;
    // delta 2, against delta 1, inserts token 3's tail: token 3 is whole only in a chain of two resolved deltas
    String t3 = forge.base62Crc32("ghp_");
    String baseText = "OLD=" + t1 + "\nNEW=" + t2.substring(0, 24) + "-----\n";
    int keep1 = baseText.indexOf("-----");
    byte[] add1 = ascii(t2.substring(24) + "\nMORE=" + t3.substring(0, 20));
    byte[] add2 = ascii(t3.substring(20) + "\n");
    byte[] base = object(3, ascii(baseText));
    byte[] d1 = ofsDelta(base.length, keepAndAdd(baseText.length(), keep1, add1));
    byte[] d2 = ofsDelta(d1.length, keepAndAdd(keep1 + add1.length, keep1 + add1.length, add2));
    ScanResult r = scan(write("pack-9.pack", pack(base, d1, d2)));
    noProblems(r);
    Location l1 = one(r, t1, "token 1: in the base, and copied by both deltas").location();
    assertEquals(12L, l1.offset(), "reported where the base is, not again for the deltas that copy it");
    Location l2 = one(r, t2, "token 2: base bytes and delta 1's insert").location();
    assertEquals(12L + base.length, l2.offset(), "the delta's offset in the pack");
    assertEquals(Long.valueOf(baseText.indexOf("NEW=") + 4), l2.store().valueOffset(), "its offset in the resolved object");
    Location l3 = one(r, t3, "token 3: delta 1's result and delta 2's insert").location();
    assertEquals(12L + base.length + d1.length, l3.offset());
    assertEquals(3, r.findings().size(), "one finding per token, not one per stored version");
  }

  @Test
  void baseNoLongerKept_readAgainFromThePackFile_orNotedWhenThePackIsOnlyAStream() throws Exception {
    String t = forge.base62Crc32("ghp_");
    String baseText = "GH_TOKEN=" + t.substring(0, 22) + "\n";
    byte[] base = object(3, ascii(baseText));
    // more than the cache holds between the base and its delta: the base is dropped from it
    List<byte[]> objects = new ArrayList<>(List.of(base));
    long between = 0;
    for (int i = 0; between <= GitPackReader.CACHE_BYTES; i++) {
      byte[] text = ascii(("filler " + i + " line\n").repeat(GitPackReader.CACHE_ONE / 20));
      objects.add(object(3, text));
      between += text.length;
    }
    int distance = 0;
    for (byte[] o : objects) {
      distance += o.length;
    }
    objects.add(ofsDelta(distance, keepAndAdd(baseText.length(), baseText.length() - 1, ascii(t.substring(22) + "\n"))));
    byte[] pack = pack(objects.toArray(new byte[0][]));
    ScanResult r = scan(write("pack-13.pack", pack));
    noProblems(r);
    Location l = one(r, t, "made of the dropped base's bytes and the insert").location();
    assertEquals(12L + distance, l.offset());
    Collected c = read(pack, ScanLimits.defaults(), t);
    assertEquals(1, c.problems.size(), "read from a stream, the base cannot be read again");
    assertEquals(Problem.Type.PARTIAL, c.problems.get(0).type());
    assertTrue(c.problems.get(0).message().contains("the first at offset " + (12 + distance) + ","), c.problems.get(0).message());
  }

  @Test
  void deltaCopyingABase64EncodedToken_nextToItsInsert_tokenReportedOnceAtTheBase() throws Exception {
    String t = forge.base62Crc32("ghp_");
    String encoded = java.util.Base64.getEncoder().encodeToString(ascii("export GH_TOKEN=" + t + "\n"));
    String baseText = "config: " + encoded + "\n";
    byte[] base = object(3, ascii(baseText));
    // the delta keeps the encoded line and adds one after it: the decoded token is only copied
    byte[] d = ofsDelta(base.length, keepAndAdd(baseText.length(), baseText.length(), ascii("level: debug\n")));
    ScanResult r = scan(write("pack-14.pack", pack(base, d)));
    noProblems(r);
    Finding f = one(r, t, "decoded from the base, not again from the delta that copies it");
    assertEquals(12L, f.location().offset());
    assertEquals(List.of("base64"), f.location().decodings());
  }

  @Test
  void refDelta_baseNamedBySha1OrSha256Id_resolved() throws Exception {
    for (String alg : List.of("SHA-1", "SHA-256")) {
      String t = forge.base62Crc32("ghp_");
      String baseText = "GH_TOKEN=" + t.substring(0, 22) + "\n";
      byte[] id = gitId(alg, "blob", ascii(baseText));
      byte[] delta = keepAndAdd(baseText.length(), baseText.length() - 1, ascii(t.substring(22) + "\n"));
      // a SHA-256 pack tells its id size by its first commit's tree line (64 hex digits)
      String hex = alg.equals("SHA-1") ? "0".repeat(40) : "0".repeat(64);
      byte[] commit = object(1, ascii("tree " + hex + "\nauthor t <t@example.com> 0 +0000\n\nmessage\n"));
      byte[] base = object(3, ascii(baseText));
      byte[] ref = concat(header(7, delta.length), id, zlib(delta));
      ScanResult r = scan(write("pack-" + alg + ".pack", pack(commit, base, ref)));
      noProblems(r);
      Location l = one(r, t, alg + " REF_DELTA").location();
      assertEquals(12L + commit.length + base.length, l.offset(), alg);
      assertEquals(Long.valueOf(9), l.store().valueOffset(), alg);
    }
  }

  @Test
  void refDelta_idSizeNotTold_stopsThereWithTheOffset_notReadAsGarbage() throws Exception {
    String before = forge.base62Crc32("ghp_");
    String t = forge.base62Crc32("ghp_");
    byte[] base = object(3, ascii("GH_TOKEN=" + before + "\n"));
    byte[] delta = keepAndAdd(10, 10, ascii(t + "\n"));
    // a 32-byte id whose bytes 20 and 21 could start a zlib stream: either id size fits
    byte[] id = new byte[32];
    id[20] = 0x78;
    id[21] = (byte) 0x9C;
    byte[] ref = concat(header(7, delta.length), id, zlib(delta));
    ScanResult r = scan(write("pack-10.pack", pack(base, ref)));
    one(r, before, "the blob before it");
    Problem c = onlyProblem(r, Problem.Type.CORRUPT);
    assertTrue(c.message().contains("REF_DELTA at offset " + (12 + base.length) + " ") && c.message().contains("SHA-256"),
        c.message());
    assertEquals(1, r.findings().size(), "nothing read past it");
  }

  @Test
  void deltaThatLies_corruptWithItsOffset_insertsScanned_nextObjectRead() throws Exception {
    String inInsert = forge.base62Crc32("ghp_");
    String after = forge.base62Crc32("ghp_");
    byte[] base = object(3, ascii("y".repeat(50)));
    byte[] added = ascii("GH_TOKEN=" + inInsert + "\n");
    // a copy of 60 bytes from a 50-byte base
    byte[] lie = concat(varint(50), varint(60 + added.length), copy(0, 60), insert(added));
    byte[] bad = ofsDelta(base.length, lie);
    byte[] next = object(3, ascii("GH_TOKEN=" + after + "\n"));
    ScanResult r = scan(write("pack-11.pack", pack(base, bad, next)));
    Problem c = onlyProblem(r, Problem.Type.CORRUPT);
    assertTrue(c.message().contains("delta at offset " + (12 + base.length) + " ") && c.message().contains("outside its base"),
        c.message());
    assertEquals(12L + base.length, one(r, inInsert, "in the lying delta's insert").location().offset());
    one(r, after, "the object after it");
  }

  @Test
  void deltaDeclaringAResultOverTheCap_notResolved_noteWithItsOffset_insertsScanned() throws Exception {
    String t = forge.base62Crc32("ghp_");
    byte[] base = object(3, ascii("y".repeat(50)));
    byte[] added = ascii("GH_TOKEN=" + t + "\n");
    byte[] huge = concat(varint(50), varint(GitPackReader.CACHE_ONE + 1L), copy(0, 50), insert(added));
    ScanResult r = scan(write("pack-12.pack", pack(base, ofsDelta(base.length, huge))));
    Problem n = onlyProblem(r, Problem.Type.PARTIAL);
    assertTrue(n.message().contains("1 of 1 deltas, the first at offset " + (12 + base.length) + ","), n.message());
    assertEquals(12L + base.length, one(r, t, "in its insert").location().offset());
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

  private static final Path GIT = dev.tokensweep.scanner.GitCli.GIT;

  private void git(Path repo, String... args) throws Exception {
    dev.tokensweep.scanner.GitCli.run(repo, dir, args);
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

  /**
   * A repository whose config file holds a token that a later commit edits (its head kept, its
   * tail new), then two more commits that change other lines and keep the new token: packed with
   * deltas, whichever version git keeps whole, the other holds a token made of base and inserted
   * bytes, and the later versions copy the new one.
   */
  private String[] editedTokenRepo(Path repo, String objectFormat, boolean refDeltas) throws Exception {
    String t1 = forge.base62Crc32("ghp_");
    String t2 = forge.like(t1, 24, List.of("github-crc32"));
    git(repo, "init", "-q", "--object-format=" + objectFormat, ".");
    String head = lines(300);
    String tail = lines(600).substring(head.length());
    Path conf = repo.resolve("app.env");
    Files.writeString(conf, head + "GITHUB_TOKEN=" + t1 + "\n" + tail);
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "one");
    Files.writeString(conf, head + "GITHUB_TOKEN=" + t2 + "\n" + tail);
    git(repo, "commit", "-q", "-a", "-m", "two: the token rotated");
    Files.writeString(conf, head + "GITHUB_TOKEN=" + t2 + "\n" + tail + "LOG_LEVEL=debug\n");
    git(repo, "commit", "-q", "-a", "-m", "three");
    Files.writeString(conf, head.replace("setting number 7 ", "setting number seven ") + "GITHUB_TOKEN=" + t2 + "\n" + tail
        + "LOG_LEVEL=info\n");
    git(repo, "commit", "-q", "-a", "-m", "four");
    git(repo, "gc", "-q", "--prune=now");
    if (refDeltas) {
      git(repo, "-c", "repack.useDeltaBaseOffset=false", "repack", "-q", "-adf", "--depth=50", "--window=50");
    } else {
      git(repo, "repack", "-q", "-adf", "--depth=50", "--window=50");
    }
    return new String[] {t1, t2};
  }

  private static byte[] packOf(Path repo) throws IOException {
    try (Stream<Path> s = Files.list(repo.resolve(".git/objects/pack"))) {
      return Files.readAllBytes(s.filter(x -> x.toString().endsWith(".pack")).findFirst().orElseThrow());
    }
  }

  /** Both tokens once, one of them in a delta: the token made of base and inserted bytes is found, no copy again. */
  private static void assertEditedTokensOnce(ScanResult r, String[] t, byte[] pack, String what) {
    int inDelta = 0;
    for (String token : t) {
      Location l = one(r, token, what + (token == t[0] ? ": the first token" : ": the rotated token")).location();
      assertEquals(GitPackReader.FORMAT, l.format(), what);
      int type = (pack[(int) (long) l.offset()] >> 4) & 7;
      inDelta += type == 6 || type == 7 ? 1 : 0;
    }
    assertEquals(1, inDelta, what + ": one version is whole, the other a delta of it");
    assertEquals(2, r.findings().size(), what + ": one finding per token, not one per stored version");
  }

  @Test
  void gitRepack_tokenEditedSoItsHeadIsCopiedAndItsTailInserted_foundOnce_laterVersionsAddNone() throws Exception {
    assumeTrue(Files.isExecutable(GIT), "git is not installed");
    Path repo = Files.createDirectories(dir.resolve("edited"));
    String[] t = editedTokenRepo(repo, "sha1", false);
    byte[] pack = packOf(repo);
    ScanResult r = scan(repo.resolve(".git"));
    noProblems(r);
    assertEditedTokensOnce(r, t, pack, "OFS_DELTA pack");
    ScanResult small = scan(repo.resolve(".git"), 4096);
    for (String token : t) {
      assertEquals(one(r, token, "whole").location(), one(small, token, "in 4 KiB chunks").location(), "the same place");
    }
  }

  @Test
  void gitSha256Repository_refDeltas_32ByteBaseIdsRead_tokensFoundOnce() throws Exception {
    assumeTrue(Files.isExecutable(GIT), "git is not installed");
    Path repo = Files.createDirectories(dir.resolve("sha256"));
    String[] t = editedTokenRepo(repo, "sha256", true);
    byte[] pack = packOf(repo);
    ScanResult r = scan(repo.resolve(".git"));
    noProblems(r);
    assertEditedTokensOnce(r, t, pack, "SHA-256 REF_DELTA pack");
    boolean ref = false;
    for (String token : t) {
      ref |= ((pack[(int) (long) one(r, token, "token").location().offset()] >> 4) & 7) == 7;
    }
    assertTrue(ref, "a token is in a REF_DELTA, whose base id is 32 bytes");
  }
}
