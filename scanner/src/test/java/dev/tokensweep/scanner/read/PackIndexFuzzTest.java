package dev.tokensweep.scanner.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokensweep.scanner.FuzzLoop;
import dev.tokensweep.scanner.GitCli;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of {@link PackIndex} and of the pack reader that consults it: indexes
 * git wrote (version 2 of a fetched thin pack, whose REF_DELTAs come before the bases git
 * appended, so the reader must ask the index; version 1 and 8-byte offsets of the same pack; a
 * SHA-256 pack), mutated and written beside their pack; and the other stores a thin pack's bases
 * are looked up in ({@link GitObjects}): another pack's index, the multi-pack-index, a loose
 * object, each mutated in turn. Nothing but {@link PackIndex.Bad} or an I/O error leaves an index;
 * every offset a pack's index gives lies in the pack; the reader lets nothing escape, names the
 * pack or the file mutated in every problem, reads one input in bounded time, and the heap stays
 * bounded.
 */
class PackIndexFuzzTest {
  private static final long MAX_MILLIS_ONE = 10_000;

  @TempDir
  Path dir;

  /** A pack, an index of it as git wrote it, and the ids it lists. */
  private record Seed(String name, Path pack, byte[] idx, int idSize, List<byte[]> ids) {}

  private void git(Path repo, String... args) throws Exception {
    GitCli.run(repo, dir, args);
  }

  private static String lines(int from, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < from + n; i++) {
      b.append("setting number ").append(i).append(" = value ").append(i * 7).append('\n');
    }
    return b.toString();
  }

  private static Path onlyPack(Path repo, List<Path> except) throws Exception {
    try (Stream<Path> s = Files.list(repo.resolve(".git/objects/pack"))) {
      List<Path> p = s.filter(x -> x.toString().endsWith(".pack") && !except.contains(x)).toList();
      assertEquals(1, p.size(), "one new pack");
      return p.get(0);
    }
  }

  private static List<Path> packs(Path repo) throws Exception {
    try (Stream<Path> s = Files.list(repo.resolve(".git/objects/pack"))) {
      return s.filter(x -> x.toString().endsWith(".pack")).toList();
    }
  }

  /** The ids a good index lists, read plainly: version 2 after its fan-out, version 1 in its 4+id entries. */
  private static List<byte[]> ids(byte[] idx, int idSize) {
    boolean v2 = idx[0] == (byte) 0xFF && idx[1] == 't' && idx[2] == 'O' && idx[3] == 'c';
    int fan = v2 ? 8 : 0;
    int n = ByteBuffer.wrap(idx).getInt(fan + 255 * 4);
    List<byte[]> ids = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      int at = v2 ? 1032 + k * idSize : 1024 + k * (4 + idSize) + 4;
      ids.add(Arrays.copyOfRange(idx, at, at + idSize));
    }
    return ids;
  }

  private Seed seed(String name, Path pack, Path idx, int idSize) throws Exception {
    byte[] b = Files.readAllBytes(idx);
    return new Seed(name, pack, b, idSize, ids(b, idSize));
  }

  @Test
  void packIndex_mutatedIndexes_onlyBadOrIoLeaves_offsetsInsideThePack_readerLetsNothingEscape() throws Exception {
    assumeTrue(Files.isExecutable(GitCli.GIT), "git is not installed");
    List<Seed> seeds = new ArrayList<>();
    // a fetched thin pack: its REF_DELTAs come first, the bases git appended to fix it at the end
    Path origin = Files.createDirectories(dir.resolve("origin"));
    git(origin, "init", "-q", ".");
    for (int i = 0; i < 3; i++) {
      Files.writeString(origin.resolve("f" + i + ".env"), lines(0, 200) + "GH_TOKEN=not-a-token-" + i + "\n");
    }
    git(origin, "add", ".");
    git(origin, "commit", "-q", "-m", "one");
    Path clone = dir.resolve("clone");
    git(dir, "clone", "-q", "--no-local", origin.toString(), clone.toString());
    for (int i = 0; i < 3; i++) {
      Files.writeString(origin.resolve("f" + i + ".env"), lines(0, 200) + "GH_TOKEN=rotated-" + i + "\n" + lines(500, 3));
    }
    git(origin, "commit", "-q", "-a", "-m", "two");
    List<Path> before = packs(clone);
    git(clone, "-c", "fetch.unpackLimit=1", "fetch", "-q", "origin");
    Path thin = onlyPack(clone, before);
    Path thinIdx = thin.resolveSibling(thin.getFileName().toString().replace(".pack", ".idx"));
    seeds.add(seed("thin v2", thin, thinIdx, 20));
    Path v1 = dir.resolve("v1.idx");
    git(dir, "index-pack", "--index-version=1", "-o", v1.toString(), thin.toString());
    seeds.add(seed("thin v1", thin, v1, 20));
    Path large = dir.resolve("large.idx");
    git(dir, "index-pack", "--index-version=2,0", "-o", large.toString(), thin.toString());
    seeds.add(seed("thin 8-byte offsets", thin, large, 20));
    // a SHA-256 repository repacked with REF_DELTAs
    Path sha = Files.createDirectories(dir.resolve("sha256"));
    git(sha, "init", "-q", "--object-format=sha256", ".");
    for (int i = 0; i < 3; i++) {
      Files.writeString(sha.resolve("a.env"), lines(0, 200) + "GH_TOKEN=version-" + i + "\n");
      git(sha, "add", ".");
      git(sha, "commit", "-q", "-m", "v" + i);
    }
    git(sha, "-c", "repack.useDeltaBaseOffset=false", "repack", "-q", "-adf");
    Path shaPack = onlyPack(sha, List.of());
    seeds.add(seed("sha256 v2", shaPack, shaPack.resolveSibling(shaPack.getFileName().toString().replace(".pack", ".idx")), 32));

    Path work = Files.createDirectories(dir.resolve("work/.git/objects/pack"));
    long seedNo = 40;
    for (Seed s : seeds) {
      // the pack copied once beside the index under test, so the originals stay as git wrote them
      Path pack = work.resolve("pack-f.pack");
      Path idx = work.resolve("pack-f.idx");
      Files.copy(s.pack(), pack, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      if (s.idSize() == 32) {
        Files.writeString(work.getParent().getParent().resolve("config"), "[extensions]\n\tobjectFormat = sha256\n");
      } else {
        Files.deleteIfExists(work.getParent().getParent().resolve("config"));
      }
      byte[] packBytes = Files.readAllBytes(pack);
      long packSize = packBytes.length;
      long count = Integer.toUnsignedLong(ByteBuffer.wrap(packBytes).getInt(8));
      byte[] sum = Arrays.copyOfRange(packBytes, packBytes.length - s.idSize(), packBytes.length);
      int runs = FuzzLoop.run("pack index " + s.name(), List.of(s.idx()), seedNo++, 1_500, 512L << 20, 40, (bytes, run) -> {
        Files.write(idx, bytes);
        try (PackIndex x = PackIndex.open(idx, s.idSize(), packSize, count, run % 2 == 0 ? sum : null)) {
          for (byte[] id : s.ids()) {
            long at = x.find(id);
            assertTrue(at == -1 || at >= 12 && at < packSize - s.idSize(), () -> s.name() + " run " + run + ": offset " + at);
          }
          byte[] other = s.ids().get(run % s.ids().size()).clone();
          other[other.length - 1] ^= 1;
          x.find(other);
        } catch (PackIndex.Bad | java.io.IOException e) {
          assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), s.name() + " run " + run + ": a problem says what");
        }
        readPack(s.name(), run, pack, List.of(pack, idx));
      });
      assertTrue(runs >= 40);
    }
  }

  /**
   * A repository whose first commit is packed ({@code packed}: with its index and a
   * multi-pack-index) or loose, and a thin pack of the second against it in {@code objects/pack},
   * as an interrupted fetch leaves it: its REF_DELTAs' bases are only in those other stores.
   */
  private Path thinBesideItsBases(String name, boolean packed) throws Exception {
    Path repo = Files.createDirectories(dir.resolve(name));
    git(repo, "init", "-q", ".");
    for (int i = 0; i < 3; i++) {
      Files.writeString(repo.resolve("f" + i + ".env"), lines(0, 200) + "GH_TOKEN=not-a-token-" + i + "\n");
    }
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "one");
    if (packed) {
      git(repo, "repack", "-q", "-a", "-d");
      git(repo, "multi-pack-index", "write");
    }
    for (int i = 0; i < 3; i++) {
      Files.writeString(repo.resolve("f" + i + ".env"), lines(0, 200) + "GH_TOKEN=rotated-" + i + "\n" + lines(500, 3));
    }
    git(repo, "commit", "-q", "-a", "-m", "two");
    Path revs = dir.resolve(name + ".revs");
    Files.writeString(revs, "HEAD\n^HEAD~1\n");
    Path thin = Files.createDirectories(repo.resolve(".git/objects/pack")).resolve("tmp_pack_fuzz");
    GitCli.run(repo, dir, revs, thin, "pack-objects", "-q", "--revs", "--thin", "--stdout");
    return thin;
  }

  @Test
  void otherStores_mutatedIndexMultiPackIndexAndLooseBase_readerLetsNothingEscape_problemsNameTheFile()
      throws Exception {
    assumeTrue(Files.isExecutable(GitCli.GIT), "git is not installed");
    Path thin = thinBesideItsBases("packed", true);
    Path packDir = thin.getParent();
    Path idx;
    try (Stream<Path> s = Files.list(packDir)) {
      idx = s.filter(x -> x.toString().endsWith(".idx")).findFirst().orElseThrow();
    }
    Path midx = packDir.resolve("multi-pack-index");
    byte[] goodIdx = Files.readAllBytes(idx);
    byte[] goodMidx = Files.readAllBytes(midx);
    Files.delete(midx); // only the index tells
    FuzzLoop.run("another pack's index", List.of(goodIdx), 50, 1_500, 512L << 20, 40, (bytes, run) -> {
      Files.write(idx, bytes);
      readPack("another pack's index", run, thin, List.of(thin, idx));
    });
    Files.delete(idx); // only the multi-pack-index tells
    List<byte[]> ids = ids(goodIdx, 20);
    FuzzLoop.run("multi-pack-index", List.of(goodMidx), 51, 1_500, 512L << 20, 40, (bytes, run) -> {
      Files.write(midx, bytes);
      try (PackIndex m = PackIndex.openMidx(midx, 20)) {
        for (byte[] id : ids) {
          long k = m.entry(id);
          if (k >= 0) {
            assertTrue(m.packOf(k) < m.packs().size(), "multi-pack-index run " + run + ": a pack it names");
            m.offsetOf(k);
          }
        }
      } catch (PackIndex.Bad | java.io.IOException e) {
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "multi-pack-index run " + run + ": says what");
      }
      readPack("multi-pack-index", run, thin, List.of(thin, midx));
    });

    Path looseThin = thinBesideItsBases("loose", false);
    List<Path> loose = new ArrayList<>();
    try (Stream<Path> s = Files.walk(looseThin.getParent().getParent())) {
      s.filter(x -> Files.isRegularFile(x) && x.getParent().getFileName().toString().length() == 2).forEach(loose::add);
    }
    loose.removeIf(l -> !firstCommitBlob(l)); // the bases: mutating the rest would test nothing
    List<byte[]> seeds = new ArrayList<>();
    for (Path l : loose) {
      l.toFile().setWritable(true);
      seeds.add(Files.readAllBytes(l));
    }
    FuzzLoop.run("loose base", seeds, 52, 1_500, 512L << 20, 40, (bytes, run) -> {
      Path l = loose.get(run % loose.size());
      byte[] before = Files.readAllBytes(l);
      Files.write(l, bytes);
      readPack("loose base", run, looseThin, List.of(looseThin));
      Files.write(l, before);
    });
  }

  /** Whether the loose object at {@code l} is a blob of the first commit. */
  private static boolean firstCommitBlob(Path l) {
    try (InputStream in = new java.util.zip.InflaterInputStream(Files.newInputStream(l))) {
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
      return text.startsWith("blob ") && text.contains("not-a-token");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The pack read with a mutated file at hand: nothing escapes, every problem names one of {@code named}. */
  private static void readPack(String name, int run, Path pack, List<Path> named) throws Exception {
    List<Problem> problems = new ArrayList<>();
    SegmentSink sink = new SegmentSink() {
      @Override
      public void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
        locator.locate(ownFrom);
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
    long t0 = System.currentTimeMillis();
    try (InputStream in = Files.newInputStream(pack)) {
      new GitPackReader(4096, ScanLimits.defaults()).read(in, pack.toString(), pack, sink);
    }
    long took = System.currentTimeMillis() - t0;
    assertTrue(took < MAX_MILLIS_ONE, name + " run " + run + " took " + took + " ms");
    if (run == 0) {
      assertEquals(List.of(), problems, name + ": git's own files resolve every delta");
    }
    for (Problem p : problems) {
      if (named.stream().noneMatch(f -> p.location().equals(f.toString()))) {
        fail(name + " run " + run + ": a problem names neither the pack nor the file mutated");
      }
      assertTrue(p.message() != null && !p.message().isBlank());
    }
  }
}
