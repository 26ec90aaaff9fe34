package dev.tokensweep.corpus.gen;

import dev.tokensweep.corpus.Capability;
import dev.tokensweep.corpus.SourceType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

/**
 * Packs leaves into gzip streams, tar.gz, zip and tar.xz, and moves their labels one level down
 * the location chain. A tar.gz or tar.xz is one level ({@code bundle.tar.gz!member}), a gzip
 * stream's content is the empty member ({@code app.log.2.gz!}), as the scanner names them.
 */
final class Archives {
  private Archives() {}

  /** Fixed mtime so that archives are byte-identical for a seed. */
  static final long MTIME = Forge.NOW * 1000L - 3_600_000L;

  /** Gzip of one leaf; {@code members > 1} writes a multi-member stream, as appending rotations do. */
  static Leaf gzip(Leaf leaf, String name, int members) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] b = leaf.bytes();
    int parts = Math.max(1, members);
    try {
      for (int i = 0; i < parts; i++) {
        int from = (int) ((long) b.length * i / parts);
        int to = (int) ((long) b.length * (i + 1) / parts);
        try (GZIPOutputStream gz = new GZIPOutputStream(new NoClose(bytes), 8192)) {
          gz.write(b, from, to - from);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Planted> p = new ArrayList<>();
    for (Planted x : leaf.planted()) {
      p.add(x.within("", Capability.GZIP, null));
    }
    return new Leaf(name, bytes.toByteArray(), p);
  }

  static Leaf tarGz(String name, List<Leaf> members) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 8192)) {
      tar(members, gz);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Leaf(name, bytes.toByteArray(), down(members, Capability.TAR_GZ));
  }

  static Leaf tarXz(String name, List<Leaf> members) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (XZCompressorOutputStream xz = new XZCompressorOutputStream(bytes, 1)) {
      tar(members, xz);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Leaf(name, bytes.toByteArray(), down(members, Capability.TAR_XZ));
  }

  static Leaf zip(String name, List<Leaf> members) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
      for (Leaf m : members) {
        ZipArchiveEntry e = new ZipArchiveEntry(m.name());
        e.setTime(MTIME);
        zip.putArchiveEntry(e);
        zip.write(m.bytes());
        zip.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Leaf(name, bytes.toByteArray(), down(members, Capability.ZIP));
  }

  private static void tar(List<Leaf> members, OutputStream os) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(os);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    for (Leaf m : members) {
      TarArchiveEntry e = new TarArchiveEntry(m.name());
      e.setSize(m.bytes().length);
      e.setModTime(MTIME);
      e.setMode(0100644);
      tar.putArchiveEntry(e);
      tar.write(m.bytes());
      tar.closeArchiveEntry();
    }
    tar.finish();
  }

  private static List<Planted> down(List<Leaf> members, Capability cap) {
    List<Planted> p = new ArrayList<>();
    for (Leaf m : members) {
      for (Planted x : m.planted()) {
        p.add(x.within(m.name(), cap, SourceType.BUNDLE));
      }
    }
    return p;
  }

  /** Lets several gzip members share one output. */
  private static final class NoClose extends java.io.FilterOutputStream {
    NoClose(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
