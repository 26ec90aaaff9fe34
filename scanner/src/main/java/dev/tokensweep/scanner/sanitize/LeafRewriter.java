package dev.tokensweep.scanner.sanitize;

import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.expand.Spool;
import dev.tokensweep.scanner.expand.Expansion;
import dev.tokensweep.scanner.expand.Format;
import dev.tokensweep.scanner.expand.Names;
import dev.tokensweep.scanner.expand.Sniffer;
import dev.tokensweep.scanner.expand.ZipDirectory;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.ArchiveOutputStream;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.deflate.DeflateCompressorOutputStream;
import org.apache.commons.compress.compressors.deflate.DeflateParameters;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorOutputStream;
import org.apache.commons.compress.compressors.snappy.FramedSnappyCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/**
 * Rewrites one stream in its own format. A plain leaf goes to the {@link Sanitizer}. A compressed
 * stream is decoded, its content rewritten recursively and encoded again in the same format (gzip
 * keeps its header name and time). An archive is rewritten entry by entry in its own format, same
 * order, names, modes and times; entries with nothing to redact are copied as they were (zip
 * entries raw, byte for byte). A container in which nothing was redacted is copied unchanged, so
 * a clean bundle comes out byte-identical. Every intermediate copy lives in an encrypted
 * {@link Spool}.
 */
final class LeafRewriter {

  /** Returned for a stream that was left out of the copy (binary policy, or unreadable). */
  static final long DROPPED = -1;

  private final Sanitizer sanitizer;
  private final ScanLimits limits;

  LeafRewriter(Sanitizer sanitizer, ScanLimits limits) {
    this.sanitizer = sanitizer;
    this.limits = limits;
  }

  /**
   * Writes the sanitized form of what {@code source} opens to {@code out}. Returns how many
   * occurrences were replaced, or {@link #DROPPED} when the stream must be left out; in that case
   * whatever was written to {@code out} must be discarded.
   */
  long rewrite(Sanitizer.Source source, String path, OutputStream out, int depth, List<Sanitizer.LeafReport> reports,
      List<Problem> problems) throws IOException {
    byte[] head;
    try (InputStream in = source.open()) {
      head = in.readNBytes(Sniffer.HEAD);
    }
    Format f = Sniffer.sniff(Names.baseName(path), head, head.length);
    if (f == null) {
      Sanitizer.LeafReport r = sanitizer.sanitizeLeaf(source, path, out);
      reports.add(r);
      problems.addAll(r.problems());
      return r.dropped() ? DROPPED : r.replacements();
    }
    if (depth >= limits.maxDepth()) {
      problems.add(new Problem(path, Problem.Type.LIMIT, "max-depth: " + f.id() + " nested deeper than " + limits.maxDepth()
          + "; left out of the copy (raise --max-depth)"));
      return DROPPED;
    }
    try {
      return switch (f.kind()) {
        case COMPRESSED -> compressed(f, source, path, out, depth, reports, problems);
        case STREAM_ARCHIVE -> streamArchive(f, source, path, out, depth, reports, problems);
        case RANDOM_ACCESS_ARCHIVE -> f == Format.ZIP ? zip(source, path, out, depth, reports, problems)
            : sevenZ(source, path, out, depth, reports, problems);
      };
    } catch (Spool.TooLargeException e) {
      problems.add(new Problem(path, Problem.Type.LIMIT, "max-spool-bytes: " + e.getMessage() + "; left out of the copy"));
      return DROPPED;
    } catch (IOException | RuntimeException e) {
      problems.add(new Problem(path, Problem.Type.CORRUPT, f.id() + " could not be rewritten (" + e.getClass().getSimpleName()
          + "); left out of the copy"));
      return DROPPED;
    } catch (OutOfMemoryError e) {
      problems.add(new Problem(path, Problem.Type.LIMIT, f.id() + " did not fit in memory to be rewritten; left out of the copy"
          + " (a larger -Xmx, or lower --max-entries)"));
      return DROPPED;
    }
  }

  private long cap() {
    return Math.min(sanitizer.options().spoolCap(), limits.maxEntryBytes());
  }

  // ---- compressed streams

  private long compressed(Format f, Sanitizer.Source source, String path, OutputStream out, int depth,
      List<Sanitizer.LeafReport> reports, List<Problem> problems) throws IOException {
    GzipParameters gzip = null;
    try (Spool inner = new Spool(cap()); Spool rewritten = new Spool(cap())) {
      try (InputStream in = Expansion.decoder(f, source.open())) {
        if (in instanceof GzipCompressorInputStream gz) {
          gzip = gz.getMetaData();
        }
        inner.fill(in);
      }
      // as the scanner names it: a compressed layer that holds an archive is not named again
      // (bundle.tgz!var/log/app.log), one that holds a leaf is (app.log.gz!)
      byte[] innerHead;
      try (InputStream in = inner.input()) {
        innerHead = in.readNBytes(Sniffer.HEAD);
      }
      Format innerFormat = Sniffer.sniff(Names.baseName(path + "!"), innerHead, innerHead.length);
      String child = innerFormat != null && innerFormat.kind() != Format.Kind.COMPRESSED ? path : path + "!";
      long n;
      try (OutputStream o = rewritten.output()) {
        n = rewrite(inner::input, child, o, depth + 1, reports, problems);
      }
      if (n == DROPPED) {
        return DROPPED;
      }
      if (n == 0) {
        copy(source, out);
        return 0;
      }
      if (f == Format.Z) {
        problems.add(new Problem(path, Problem.Type.UNSUPPORTED, "Z (compress) cannot be written; left out of the copy"));
        return DROPPED;
      }
      try (OutputStream enc = encoder(f, shield(out), gzip); InputStream in = rewritten.input()) {
        in.transferTo(enc);
      }
      return n;
    }
  }

  private static OutputStream encoder(Format f, OutputStream out, GzipParameters gzip) throws IOException {
    return switch (f) {
      case GZIP -> {
        GzipParameters p = new GzipParameters();
        if (gzip != null) {
          p.setFileName(gzip.getFileName());
          p.setModificationTime(gzip.getModificationTime());
          p.setOperatingSystem(gzip.getOperatingSystem());
          p.setComment(gzip.getComment());
        }
        yield new GzipCompressorOutputStream(out, p);
      }
      case BZIP2 -> new BZip2CompressorOutputStream(out);
      case XZ -> new XZCompressorOutputStream(out);
      case LZMA -> new LZMACompressorOutputStream(out);
      case ZSTD -> new ZstdCompressorOutputStream(out);
      case LZ4 -> new FramedLZ4CompressorOutputStream(out);
      case SNAPPY -> new FramedSnappyCompressorOutputStream(out);
      case DEFLATE -> {
        DeflateParameters p = new DeflateParameters();
        p.setWithZlibHeader(true);
        yield new DeflateCompressorOutputStream(out, p);
      }
      default -> throw new IllegalArgumentException("not a writable compressor: " + f);
    };
  }

  // ---- tar, ar, cpio

  private long streamArchive(Format f, Sanitizer.Source source, String path, OutputStream out, int depth,
      List<Sanitizer.LeafReport> reports, List<Problem> problems) throws IOException {
    long total = 0;
    boolean changed = false;
    try (Spool result = new Spool(Long.MAX_VALUE); InputStream raw = source.open();
         ArchiveInputStream<? extends ArchiveEntry> ais = switch (f) {
           case TAR -> new TarArchiveInputStream(raw);
           case AR -> new ArArchiveInputStream(raw);
           default -> new CpioArchiveInputStream(raw);
         }) {
      OutputStream resultOut = result.output();
      CpioArchiveOutputStream cpioOut = null;
      ArchiveOutputStream<? extends ArchiveEntry> aos;
      if (f == Format.TAR) {
        TarArchiveOutputStream t = new TarArchiveOutputStream(resultOut);
        t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        t.setAddPaxHeadersForNonAsciiNames(true);
        aos = t;
      } else if (f == Format.AR) {
        ArArchiveOutputStream a = new ArArchiveOutputStream(resultOut);
        a.setLongFileMode(ArArchiveOutputStream.LONGFILE_BSD);
        aos = a;
      } else {
        aos = null;
      }
      ArchiveEntry e;
      while ((e = ais.getNextEntry()) != null) {
        String child = path + "!" + Names.display(e.getName());
        if (f == Format.CPIO && cpioOut == null) {
          cpioOut = new CpioArchiveOutputStream(resultOut, ((CpioArchiveEntry) e).getFormat());
          aos = cpioOut;
        }
        if (e.isDirectory() || !isRegular(e)) {
          put(aos, e, -1);
          aos.closeArchiveEntry();
          continue;
        }
        try (Member m = member(ais, child, depth, reports, problems)) {
          long n = m.replaced();
          if (n == DROPPED) {
            changed = true;
            continue;
          }
          Spool content = m.content();
          put(aos, e, content.size());
          try (InputStream in = content.input()) {
            in.transferTo(aos);
          }
          aos.closeArchiveEntry();
          total += n;
          changed |= n > 0;
        }
      }
      if (aos != null) {
        aos.finish();
      }
      resultOut.close();
      if (!changed) {
        copy(source, out);
        return 0;
      }
      try (InputStream in = result.input()) {
        in.transferTo(out);
      }
      return total;
    }
  }

  private static boolean isRegular(ArchiveEntry e) {
    if (e instanceof TarArchiveEntry t) {
      return t.isFile();
    }
    if (e instanceof CpioArchiveEntry c) {
      return c.isRegularFile();
    }
    return true;
  }

  /** Writes {@code e}'s header with its metadata and a new size ({@code -1}: unchanged). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void put(ArchiveOutputStream aos, ArchiveEntry e, long size) throws IOException {
    if (e instanceof TarArchiveEntry t) {
      if (size >= 0) {
        t.setSize(size);
      }
      aos.putArchiveEntry(t);
    } else if (e instanceof ArArchiveEntry a) {
      aos.putArchiveEntry(new ArArchiveEntry(a.getName(), size >= 0 ? size : a.getLength(), a.getUserId(), a.getGroupId(),
          a.getMode(), a.getLastModified()));
    } else if (e instanceof CpioArchiveEntry c) {
      if (size >= 0) {
        c.setSize(size);
      }
      aos.putArchiveEntry(c);
    } else {
      throw new IOException("unexpected entry type " + e.getClass().getSimpleName());
    }
  }

  // ---- zip and 7z: need seeking; read through a spool unless the source is a file

  private static SeekableByteChannel channel(Sanitizer.Source source, Spool spool) throws IOException {
    SeekableByteChannel ch = source.channel();
    if (ch != null) {
      return ch;
    }
    try (InputStream in = source.open()) {
      spool.fill(in);
    }
    return spool.channel();
  }

  private long zip(Sanitizer.Source source, String path, OutputStream out, int depth,
      List<Sanitizer.LeafReport> reports, List<Problem> problems) throws IOException {
    try (Spool copy = new Spool(cap()); Spool result = new Spool(Long.MAX_VALUE);
         SeekableByteChannel ch = channel(source, copy)) {
      // both the zip read and the zip written hold every member's header in memory: a zip with
      // more members than the limit is left out, as the scan reads no more than that many
      long entries = ZipDirectory.count(ch, limits.maxEntries());
      if (entries > limits.maxEntries()) {
        problems.add(new Problem(path, Problem.Type.LIMIT, "max-entries: more than " + limits.maxEntries()
            + " members; left out of the copy (raise --max-entries)"));
        return DROPPED;
      }
      if (entries == 0 && ZipDirectory.startsWithLocalHeader(ch)) {
        // ZipFile would list no member, and the zip would be copied unchanged, secrets and all
        problems.add(new Problem(path, Problem.Type.CORRUPT, "zip central directory lists no members but the zip holds some;"
            + " left out of the copy"));
        return DROPPED;
      }
      return zip(ch, source, path, out, depth, reports, problems, result);
    }
  }

  private long zip(SeekableByteChannel ch, Sanitizer.Source source, String path, OutputStream out, int depth,
      List<Sanitizer.LeafReport> reports, List<Problem> problems, Spool result) throws IOException {
    long total = 0;
    boolean changed = false;
    try (ZipFile zf = ZipFile.builder().setSeekableByteChannel(ch).get()) {
      try (ZipArchiveOutputStream zos = new ZipArchiveOutputStream(result.output())) {
        Enumeration<ZipArchiveEntry> all = zf.getEntriesInPhysicalOrder();
        while (all.hasMoreElements()) {
          ZipArchiveEntry e = all.nextElement();
          String child = path + "!" + Names.display(e.getName());
          if (e.isDirectory() || e.isUnixSymlink()) {
            zos.addRawArchiveEntry(e, zf.getRawInputStream(e));
            continue;
          }
          if (e.getGeneralPurposeBit().usesEncryption() || !zf.canReadEntryData(e)) {
            problems.add(new Problem(child, Problem.Type.ENCRYPTED, "zip entry cannot be read (encrypted or unsupported method);"
                + " copied unchanged, not checked"));
            zos.addRawArchiveEntry(e, zf.getRawInputStream(e));
            continue;
          }
          Member m;
          try (InputStream in = zf.getInputStream(e)) {
            m = member(in, child, depth, reports, problems);
          }
          try (m) {
            long n = m.replaced();
            Spool clean = m.content();
            if (n == DROPPED) {
              changed = true;
              continue;
            }
            if (n == 0) {
              zos.addRawArchiveEntry(e, zf.getRawInputStream(e));
              continue;
            }
            ZipArchiveEntry ne = new ZipArchiveEntry(e);
            ne.setSize(clean.size());
            ne.setCrc(crc(clean));
            ne.setCompressedSize(e.getMethod() == ZipArchiveEntry.STORED ? clean.size() : ArchiveEntry.SIZE_UNKNOWN);
            zos.putArchiveEntry(ne);
            try (InputStream in = clean.input()) {
              in.transferTo(zos);
            }
            zos.closeArchiveEntry();
            total += n;
            changed = true;
          }
        }
        zos.finish();
      }
      if (!changed) {
        copy(source, out);
        return 0;
      }
      try (InputStream in = result.input()) {
        in.transferTo(out);
      }
      return total;
    }
  }

  private static long crc(Spool s) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = s.input()) {
      for (int n; (n = in.read(buf)) > 0; ) {
        crc.update(buf, 0, n);
      }
    }
    return crc.getValue();
  }

  private long sevenZ(Sanitizer.Source source, String path, OutputStream out, int depth,
      List<Sanitizer.LeafReport> reports, List<Problem> problems) throws IOException {
    long total = 0;
    boolean changed = false;
    // the new archive holds only sanitized bytes, so a plain temp file is safe for it
    Path written = Files.createTempFile("tokensweep-7z-", ".tmp");
    try (Spool copy = new Spool(cap());
         SevenZFile sz = SevenZFile.builder().setSeekableByteChannel(channel(source, copy)).get()) {
      try (SevenZOutputFile w = new SevenZOutputFile(written.toFile())) {
        SevenZArchiveEntry e;
        InputStream current = new InputStream() {
          @Override
          public int read() throws IOException {
            return sz.read();
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            return sz.read(b, off, len);
          }
        };
        while ((e = sz.getNextEntry()) != null) {
          String child = path + "!" + Names.display(e.getName());
          if (e.isDirectory() || !e.hasStream()) {
            w.putArchiveEntry(e);
            w.closeArchiveEntry();
            continue;
          }
          try (Member m = member(current, child, depth, reports, problems)) {
            long n = m.replaced();
            if (n == DROPPED) {
              changed = true;
              continue;
            }
            Spool content = m.content();
            SevenZArchiveEntry ne = new SevenZArchiveEntry();
            ne.setName(e.getName());
            ne.setSize(content.size());
            if (e.getHasLastModifiedDate()) {
              ne.setLastModifiedTime(e.getLastModifiedTime());
            }
            if (e.getHasWindowsAttributes()) {
              ne.setWindowsAttributes(e.getWindowsAttributes());
            }
            w.putArchiveEntry(ne);
            try (InputStream in = content.input()) {
              byte[] buf = new byte[1 << 16];
              for (int r; (r = in.read(buf)) > 0; ) {
                w.write(buf, 0, r);
              }
            }
            w.closeArchiveEntry();
            total += n;
            changed |= n > 0;
          }
        }
        w.finish();
      }
      if (!changed) {
        copy(source, out);
        return 0;
      }
      Files.copy(written, out);
      return total;
    } finally {
      Files.deleteIfExists(written);
    }
  }

  // ---- helpers

  /**
   * One archive member copied into a spool and rewritten into another; {@link #content()} is the
   * rewritten bytes, or the original ones when nothing was replaced. Closing deletes both spools.
   */
  private record Member(long replaced, Spool original, Spool clean) implements AutoCloseable {
    Spool content() {
      return replaced == 0 ? original : clean;
    }

    @Override
    public void close() throws IOException {
      try (original; clean) {
        // both deleted
      }
    }
  }

  private Member member(InputStream in, String child, int depth, List<Sanitizer.LeafReport> reports,
      List<Problem> problems) throws IOException {
    Spool original = new Spool(cap());
    Spool clean = new Spool(cap());
    try {
      original.fill(in);
      long n;
      try (OutputStream o = clean.output()) {
        n = rewrite(original::input, child, o, depth + 1, reports, problems);
      }
      return new Member(n, original, clean);
    } catch (IOException | RuntimeException e) {
      try (original; clean) {
        throw e;
      }
    }
  }

  private static void copy(Sanitizer.Source source, OutputStream out) throws IOException {
    try (InputStream in = source.open()) {
      in.transferTo(out);
    }
  }

  /** Lets a compressor close without closing the stream beneath it. */
  private static OutputStream shield(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }
}
