package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.model.Problem;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Where else a repository keeps objects, for a REF_DELTA whose base is not in the pack being read
 * (a thin pack left by an interrupted fetch, one written by another tool): the other packs in
 * {@code objects/pack} through their {@code .idx} (checked against their pack as {@link PackIndex}
 * checks), then the {@code multi-pack-index} there, then the loose object {@code objects/ab/cdef...}.
 * The first place that lists an id is the only one asked, so a lookup reads at most one object
 * there: with the reader's depth limit, a chain of bases across packs, even one that comes back on
 * itself, stays linear and bounded. Everything here is hostile input: an index or multi-pack-index
 * that is damaged or cannot be read is reported once, at its path, and set aside; a place that
 * turns out to hold another object than the one asked for is reported the same way by
 * {@link #lied}. A damaged pack or loose object is not reported here: it is a file of the scan too,
 * and its own reading reports it. Memory: per pack searched, its index's fan-out and window of
 * ids (about 66 KiB; at most {@link #MAX_PACKS} packs), the multi-pack-index's and its pack names,
 * and a loose object's bytes while read. Not thread-safe.
 */
final class GitObjects implements Closeable {
  /** Other packs searched, at most (by name); a repository that {@code git gc --auto} keeps has under 50. */
  static final int MAX_PACKS = 128;
  /** The number that stands for loose objects in {@link Pack#no}'s place. */
  static final int LOOSE = 0xFFFF;
  private static final int PIECE = 1 << 16;
  private static final int PACK_HEADER = 12;

  /** Another pack of the repository: its number (1 up), its file and index, both opened when first needed. */
  static final class Pack {
    final int no;
    final Path file;
    final Path idx;
    private PackIndex index;
    private boolean noIndex;
    private FileChannel channel;
    private boolean dead;

    Pack(int no, Path file, Path idx) {
      this.no = no;
      this.file = file;
      this.idx = idx;
    }
  }

  /** Where an object is: at {@code at} in {@code pack} (null: the pack being read), or loose in {@code loose}; and the file that said so. */
  record Where(Pack pack, long at, Path loose, Path source) {}

  /** A loose object: its pack type number (1 to 4) and its bytes. */
  record Loose(int type, byte[] data) {}

  private final Path own;
  private final String shownOwn;
  private final Path packDir;
  private final int idSize;
  private final SegmentSink sink;
  private List<Pack> packs;
  private PackIndex midx;
  private boolean noMidx;
  private Inflater inflater;

  private GitObjects(Path own, String shownOwn, Path packDir, int idSize, SegmentSink sink) {
    this.own = own;
    this.shownOwn = shownOwn;
    this.packDir = packDir;
    this.idSize = idSize;
    this.sink = sink;
  }

  /**
   * The stores beside {@code pack} when it lies in a repository's {@code objects/pack}, shown in
   * problems as {@code shown} is; null when it does not.
   */
  static GitObjects of(Path pack, String shown, int idSize, SegmentSink sink) {
    Path abs = pack.toAbsolutePath();
    Path packDir = abs.getParent();
    Path objects = packDir == null ? null : packDir.getParent();
    if (objects == null || !"pack".equals(String.valueOf(packDir.getFileName()))
        || !"objects".equals(String.valueOf(objects.getFileName())) || (idSize != 20 && idSize != 32)) {
      return null;
    }
    return new GitObjects(abs, shown, packDir, idSize, sink);
  }

  /** Where the object {@code id} is, or null when no other store lists it. */
  Where find(byte[] id) {
    for (Pack p : packs()) {
      PackIndex x = index(p);
      if (x == null) {
        continue;
      }
      try {
        long at = x.find(id);
        if (at >= 0) {
          return new Where(p, at, null, p.idx);
        }
      } catch (PackIndex.Bad e) {
        badIndex(p, Problem.Type.CORRUPT, "is damaged: " + e.getMessage());
      } catch (IOException | RuntimeException e) {
        badIndex(p, Problem.Type.UNREADABLE, "could not be read (" + e.getClass().getSimpleName() + ")");
      }
    }
    Where w = inMidx(id);
    if (w != null) {
      return w;
    }
    String hex = HexFormat.of().formatHex(id);
    Path loose = packDir.getParent().resolve(hex.substring(0, 2)).resolve(hex.substring(2));
    return Files.isRegularFile(loose) ? new Where(null, -1, loose, loose) : null;
  }

  /** The multi-pack-index's answer: a pack it names (this one, or another with or without its index) and an offset in it. */
  private Where inMidx(byte[] id) {
    PackIndex m = midx();
    if (m == null) {
      return null;
    }
    try {
      long k = m.entry(id);
      if (k < 0) {
        return null;
      }
      String name = m.packs().get(m.packOf(k));
      long at = m.offsetOf(k);
      Path file = packDir.resolve(name.substring(0, name.length() - 4) + ".pack");
      Pack p = null;
      if (!file.equals(own)) {
        p = packs().stream().filter(q -> q.file.equals(file)).findFirst().orElse(null);
        if (p == null || p.dead) {
          return null; // a pack it names is gone (repacked since it was written), past the packs searched, or unreadable
        }
      }
      long size = p == null ? Files.size(own) : channel(p).size();
      if (at < PACK_HEADER || at >= size - idSize) {
        throw new PackIndex.Bad("object " + k + " lies at offset " + at + ", outside the " + size + " bytes of " + name
            .substring(0, name.length() - 4) + ".pack");
      }
      return new Where(p, at, null, packDir.resolve("multi-pack-index"));
    } catch (PackIndex.Bad e) {
      badMidx(Problem.Type.CORRUPT, "is damaged: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      badMidx(Problem.Type.UNREADABLE, "could not be read (" + e.getClass().getSimpleName() + ")");
    }
    return null;
  }

  /** The object at {@code w} has another id than the one asked for: the file that placed it there lies, and is set aside. */
  void lied(Where w) {
    String what = "is damaged: it places an object where another object is";
    if (w.source().getFileName().toString().equals("multi-pack-index")) {
      badMidx(Problem.Type.CORRUPT, what);
    } else if (w.pack() != null && w.source().equals(w.pack().idx)) {
      badIndex(w.pack(), Problem.Type.CORRUPT, what);
    } // else a loose object whose bytes are not its name's: its own reading decides what it is
  }

  /** The other packs ({@code *.pack}), by name, at most {@link #MAX_PACKS}; listed once. */
  private List<Pack> packs() {
    if (packs != null) {
      return packs;
    }
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(packDir, "*.pack")) {
      for (Path p : ds) {
        if (!p.equals(own) && Files.isRegularFile(p)) {
          found.add(p);
        }
      }
    } catch (IOException | RuntimeException e) {
      sink.problem(new Problem(shown(packDir), Problem.Type.UNREADABLE, GitPackReader.FORMAT
          + ": the pack directory could not be listed (" + e.getClass().getSimpleName() + "), so the bases of "
          + shownOwn + "'s REF_DELTAs were not looked for in its other packs"));
    }
    found.sort(null);
    if (found.size() > MAX_PACKS) {
      sink.problem(new Problem(shown(packDir), Problem.Type.LIMIT, GitPackReader.FORMAT + ": " + found.size()
          + " other packs; the first " + MAX_PACKS + " by name were searched for the bases of " + shownOwn
          + "'s REF_DELTAs"));
      found = found.subList(0, MAX_PACKS);
    }
    packs = new ArrayList<>();
    for (Path file : found) {
      String name = file.getFileName().toString();
      packs.add(new Pack(packs.size() + 1, file, file.resolveSibling(name.substring(0, name.length() - 5) + ".idx")));
    }
    return packs;
  }

  /** The pack's index, opened and checked against the pack at the first ask; null when bad (reported) or the pack's header is. */
  private PackIndex index(Pack p) {
    if (p.index != null || p.noIndex || p.dead) {
      return p.index;
    }
    p.noIndex = true;
    if (!Files.isRegularFile(p.idx)) {
      return null; // git does not use a pack without its index; a multi-pack-index may still name it
    }
    try {
      FileChannel ch = channel(p);
      long size = ch.size();
      ByteBuffer head = ByteBuffer.allocate(PACK_HEADER);
      ByteBuffer sum = ByteBuffer.allocate(idSize);
      if (size < PACK_HEADER + idSize || !readFully(ch, head, 0) || !readFully(ch, sum, size - idSize)
          || !GitPackReader.looksLike(head.array(), PACK_HEADER)) {
        return null; // not a pack: its own reading says so
      }
      p.index = PackIndex.open(p.idx, idSize, size, Integer.toUnsignedLong(head.getInt(8)), sum.array());
      p.noIndex = false;
    } catch (PackIndex.Bad e) {
      badIndex(p, Problem.Type.CORRUPT, "is damaged: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      badIndex(p, Problem.Type.UNREADABLE, "could not be read (" + e.getClass().getSimpleName() + ")");
    }
    return p.index;
  }

  private PackIndex midx() {
    if (midx != null || noMidx) {
      return midx;
    }
    noMidx = true;
    Path m = packDir.resolve("multi-pack-index");
    if (!Files.isRegularFile(m)) {
      return null;
    }
    try {
      midx = PackIndex.openMidx(m, idSize);
      noMidx = false;
    } catch (PackIndex.Bad e) {
      badMidx(Problem.Type.CORRUPT, "is damaged: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      badMidx(Problem.Type.UNREADABLE, "could not be read (" + e.getClass().getSimpleName() + ")");
    }
    return midx;
  }

  /** The pack file, open for reading by position. */
  FileChannel channel(Pack p) throws IOException {
    if (p.channel == null) {
      p.channel = FileChannel.open(p.file, StandardOpenOption.READ);
    }
    return p.channel;
  }

  /** Reading {@code p} failed: it is not asked again (its own reading reports what is wrong with it). */
  void unreadable(Pack p) {
    p.dead = true;
    closeQuietly(p.channel);
    closeQuietly(p.index);
    p.index = null;
  }

  /**
   * The loose object in {@code file} when it inflates to a header ({@code <type> <size>\0}) of one
   * of the four types and a size of at most {@code max}, then exactly that many bytes; else null.
   */
  Loose loose(Path file, int max) {
    if (inflater == null) {
      inflater = new Inflater();
    }
    inflater.reset();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() > 2L * max + PIECE) { // zlib grows incompressible bytes by a fraction of a percent
        return null;
      }
      InputStream in = new InflaterInputStream(Channels.newInputStream(ch), inflater, PIECE);
      StringBuilder head = new StringBuilder();
      for (int c = in.read(); c != 0; c = in.read()) {
        if (c < 0 || head.length() == 32) {
          return null;
        }
        head.append((char) c);
      }
      String[] ts = head.toString().split(" ", -1);
      int type = ts.length != 2 ? 0 : switch (ts[0]) {
        case "commit" -> 1;
        case "tree" -> 2;
        case "blob" -> 3;
        case "tag" -> 4;
        default -> 0;
      };
      if (type == 0 || !ts[1].matches("[0-9]{1,9}") || Integer.parseInt(ts[1]) > max) {
        return null;
      }
      byte[] data = in.readNBytes(Integer.parseInt(ts[1]));
      return data.length == Integer.parseInt(ts[1]) && in.read() < 0 ? new Loose(type, data) : null;
    } catch (IOException | RuntimeException e) {
      return null; // cut short, not zlib, a dictionary: not this object
    }
  }

  private void badIndex(Pack p, Problem.Type type, String what) {
    closeQuietly(p.index);
    p.index = null;
    p.noIndex = true;
    report(p.idx, type, "the index of another pack, searched for a base of " + shownOwn + ", " + what);
  }

  private void badMidx(Problem.Type type, String what) {
    closeQuietly(midx);
    midx = null;
    noMidx = true;
    report(packDir.resolve("multi-pack-index"), type, "the multi-pack-index, searched for a base of " + shownOwn + ", "
        + what);
  }

  private void report(Path file, Problem.Type type, String what) {
    sink.problem(new Problem(shown(file), type, GitPackReader.FORMAT + ": " + what
        + "; it was set aside, so a REF_DELTA whose base is only there is scanned as its inserted text"));
  }

  /** {@code file} (beside the pack being read, or its directory) named as the pack is: relative, absolute, or as given. */
  private String shown(Path file) {
    String ownName = own.getFileName().toString();
    if (!shownOwn.endsWith(ownName)) {
      return file.toString();
    }
    String dir = shownOwn.substring(0, shownOwn.length() - ownName.length());
    if (file.equals(packDir)) {
      return dir.isEmpty() ? "." : dir.substring(0, dir.length() - 1);
    }
    return dir + file.getFileName();
  }

  private static boolean readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b, at + b.position()) < 0) {
        return false;
      }
    }
    return true;
  }

  private static void closeQuietly(Closeable c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // read only: nothing is lost
      }
    }
  }

  @Override
  public void close() {
    if (packs != null) {
      for (Pack p : packs) {
        closeQuietly(p.channel);
        closeQuietly(p.index);
      }
    }
    closeQuietly(midx);
    if (inflater != null) {
      inflater.end();
    }
  }
}
