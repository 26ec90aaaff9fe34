package dev.tokensweep.scanner.expand;

import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Enumeration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.commons.compress.PasswordRequiredException;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnsupportedZipFeatureException;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import java.nio.channels.SeekableByteChannel;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.deflate.DeflateCompressorInputStream;
import org.apache.commons.compress.compressors.deflate.DeflateParameters;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorInputStream;
import org.apache.commons.compress.compressors.snappy.FramedSnappyCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.z.ZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.apache.commons.compress.utils.InputStreamStatistics;

/**
 * The archive walker, for scan and sanitize alike: expands one input, recursively, and hands
 * every leaf to {@link Leaves}, in the manner of Tika's
 * ParsingEmbeddedDocumentExtractor: each member is sniffed again (an archive in an archive is
 * opened in turn), each sees a close-shielded, {@link BoundedStream bounded} stream, and a member
 * that fails or trips a limit is reported and skipped while its siblings go on.
 *
 * <p>Depth: the input is depth 0 and a member is one deeper than its container; a container at
 * depth {@code maxDepth} is not opened (reported as {@code limit}), a leaf at any depth is read.
 * Zip and 7z need random access: the input file itself is opened when it is one, anything else
 * (a zip in a tar, a 7z on stdin) is spooled to an encrypted, owner-only temp file of at most
 * {@code maxSpoolBytes} ({@link Spool}) that is deleted when its branch is done, also on failure. A zip whose
 * central directory is unreadable is reported as {@code corrupt} and then read from its local
 * headers, so the members before the damage are still scanned. Encrypted members are reported as
 * {@code encrypted} and skipped; members with an unsupported method as {@code unsupported}.
 * Members that are not regular files (directories, links, devices) are skipped silently, but for
 * a zip entry's stored data (a symbolic link's target, bytes hidden under a directory). What
 * follows a container's end is read too ({@link #dataAfterEnd}), and so are a 7z's bytes that
 * no packed stream holds ({@link SevenZLayout}).
 *
 * <p>Not thread-safe: one instance per input, used by the thread that scans it. It never closes
 * the stream it is given.
 */
final class ArchiveExpander implements Expander {

  private static final Visitor NONE = (in, path, head, headLength) -> { };

  /** Buffer around each stream the walker sniffs: reads of 64 KiB keep decoder calls few, and it holds any {@link #HEAD}. */
  private static final int STREAM_BUFFER = 1 << 16;

  /** The smallest LZMA dictionary a decoder is sized for (the format's own minimum, 4 KiB), however small the stream. */
  private static final int MIN_LZMA_DICTIONARY = 4096;

  /** A library's message quoted in a problem is cut here: enough to say what broke, too short to carry a dump of the input. */
  private static final int MAX_MESSAGE_CHARS = 160;



  /** Stored bytes of the largest empty deflate stream a writer emits: a directory entry with more holds data. */
  private static final int EMPTY_DEFLATE_MAX = 8;

  private final Budget budget;
  private final ScanLimits limits;
  private final Leaves leaves;
  private final Visitor visitor;
  private java.util.concurrent.Executor readAhead;

  /**
   * @param rawBytes bytes read so far from the input as stored, for the input-wide ratio check
   * @param problems where located problems go
   */
  ArchiveExpander(ScanLimits limits, LongSupplier rawBytes, Consumer<Problem> problems, Leaves leaves) {
    this.limits = limits;
    this.budget = new Budget(limits, rawBytes, problems);
    this.leaves = leaves;
    this.visitor = leaves instanceof Visitor v ? v : NONE;
  }

  /**
   * Decompresses the input's own compression layer (a {@code .gz} log, a {@code .tar.gz} bundle)
   * on a thread of {@code executor}, ahead of the scan ({@link ReadAhead}). The caller makes sure
   * a thread is free for it: the scanner does this only when one file is its whole input.
   */
  ArchiveExpander readAhead(java.util.concurrent.Executor executor) {
    this.readAhead = executor;
    return this;
  }

  @Override
  public void run(InputStream in, String path, Path file) throws IOException {
    expand(in, path, path, 0, file);
  }

  @Override
  public long randomAccessBytes() {
    return budget.randomAccessBytes();
  }

  /**
   * The smallest buffer around a file read from the start ({@link Expander#bufferFor}): at least a
   * sniffing head, whatever the file says. A file smaller than {@link #STREAM_BUFFER} gets its own
   * size, so a directory of small files does not allocate and zero 64 KiB for each (8% of the
   * scan threads' time on 20,000 files of 10 KB).
   */
  private static final int MIN_FILE_BUFFER = Math.max(HEAD, 8 << 10);

  /**
   * @param path the chain naming this stream as a leaf
   * @param archivePath the chain naming it when it turns out to be an archive: the same as
   *     {@code path} except under a compressed stream, whose archive members follow the compressed
   *     file's own name ({@code bundle.tar.gz!logs/app.zip}, not {@code bundle.tar.gz!bundle.tar!...})
   */
  private void expand(InputStream in, String path, String archivePath, int depth, Path file) throws IOException {
    // a small file read whole is in memory already: a buffer around it would only copy it again
    InputStream b = depth == 0 && in instanceof CountingInputStream c && c.inMemory() ? in
        : new BufferedInputStream(in, depth == 0 && file != null ? Expander.bufferFor(in, MIN_FILE_BUFFER, STREAM_BUFFER) : STREAM_BUFFER);
    b.mark(HEAD);
    byte[] head = b.readNBytes(HEAD);
    b.reset();
    Format f = Sniffer.sniff(Names.baseName(path), head, head.length);
    if (f == null) {
      // in text, only behind a launcher: the look costs ~7% of a text scan, ~4% of a binary's
      if (file == null || depth > 0
          || !Sniffer.launcher(head, head.length) && !dev.tokensweep.scanner.read.ReaderSelector.isBinary(head, head.length)) {
        leaves.read(b, path, head, head.length, file);
        return;
      }
      ZipEnds ends = new ZipEnds(b);
      leaves.read(ends, path, head, head.length, file);
      if (visitor != NONE) {
        drain(ends); // a visitor copies the input leaf later, from the file: only this reads it now
      }
      embeddedZips(file, path, depth, ends);
      return;
    }
    if (f.kind() != Format.Kind.COMPRESSED && !archivePath.equals(path)) {
      path = archivePath;
      if (in instanceof BoundedStream bs) {
        bs.relocate(path);
      }
    }
    if (depth >= limits.maxDepth()) {
      budget.problem(path, Problem.Type.LIMIT, "max-depth: " + f.id() + " nested deeper than " + limits.maxDepth()
          + " levels; not opened (raise --max-depth)");
      return;
    }
    switch (f.kind()) {
      case COMPRESSED -> decompress(f, b, path, depth);
      case STREAM_ARCHIVE -> streamArchive(f, b, path, depth);
      case RANDOM_ACCESS_ARCHIVE -> randomAccess(f, b, path, depth, file);
      default -> throw new IllegalStateException(f.toString());
    }
  }

  /**
   * The zips inside a binary or a launcher read as a leaf, found by the end records its reader
   * read past ({@link ZipEnds}) and judged by {@link ZipDirectory#embedded}: a self-extractor's
   * (a script or an executable, then the zip, with or without a comment, and a signed
   * executable's certificate table after it), a jar in a dump. The file was read as a leaf, every
   * byte, but a zip's members are compressed, so they are opened too, named as the file's
   * ({@code setup.exe!app/config.yml}). Records are taken from the last: one inside a zip already
   * opened (a stored jar in a zip) was read as its member. A damaged directory is a problem, and
   * the members are read from their local headers. A copy cannot be made of a leaf and its zips
   * at once: a visitor is only told that the members were not sanitized. Only a file on disk is
   * looked at: a zip in a leaf inside an archive or a stream would have to be spooled whole to be
   * opened, and every binary in a tarball with it.
   */
  private void embeddedZips(Path file, String path, int depth, ZipEnds ends) {
    long[] at = ends.ends();
    if (at.length == 0) {
      return;
    }
    if (ends.overflow()) {
      budget.problem(path, Problem.Type.LIMIT, "more than " + ZipEnds.MAX_ENDS + " zip end records; zips ending after "
          + "offset " + at[at.length - 1] + " not looked for (the file's bytes were scanned)");
    }
    long opened = Long.MAX_VALUE; // the start of the lowest zip opened
    try (SeekableByteChannel ch = Files.newByteChannel(file)) {
      for (int i = at.length - 1; i >= 0 && !budget.branchStopped(); i--) {
        ZipDirectory.Embedded z = at[i] < opened ? ZipDirectory.embedded(ch, at[i]) : null;
        if (z != null) {
          opened = z.start();
          embeddedZip(file, z, "zip at offset " + z.start() + " (end record at offset " + at[i] + ")", path, depth);
        }
      }
    } catch (IOException e) {
      budget.problem(path, Problem.Type.UNREADABLE, "zips inside it not looked for: " + message(e));
    }
  }

  /** Reads the zip {@code z} inside {@code file}, as {@link #embeddedZips} says; {@code where} names it in problems. */
  private void embeddedZip(Path file, ZipDirectory.Embedded z, String where, String path, int depth) {
    if (visitor != NONE) {
      budget.problem(path, Problem.Type.UNSUPPORTED, where + " inside this file (a self-extracting archive or an "
          + "embedded zip): its compressed members are not sanitized");
      return;
    }
    try {
      if (z.damage() != null) {
        budget.problem(path, Problem.Type.CORRUPT, where + ": " + z.damage() + "; members read from their local headers");
        zipFromLocalHeaders(new Slice(file, z.firstMember(), z.end()), path, depth);
      } else {
        zip(new Slice(file, z.start(), z.end()), path, depth);
      }
    } catch (IOException e) {
      if (!budget.branchStopped()) {
        budget.problem(path, classify(e), where + " unreadable: " + message(e));
      }
    }
  }

  /**
   * Scans one member at {@code depth}; returns whether its stream ended in a read failure (so a
   * streaming container cannot go on past it).
   */
  /**
   * Bytes that no entry describes (a comment, a header's text, data after an end), read as a
   * member of their own named {@code where}, as stored; returns whether the read failed.
   */
  private boolean member(InputStream src, String where, int depth) {
    return member(null, src, where, where, depth + 1, null, false);
  }

  private boolean member(ArchiveEntry entry, InputStream src, String path, String archivePath, int depth,
      LongSupplier compressed, boolean decodes) {
    BoundedStream s = new BoundedStream(visitor.enter(entry, path, src), path, budget, compressed, decodes);
    budget.push(s);
    boolean complete = false;
    try {
      expand(s, path, archivePath, depth, null);
      // a compressed stream is read to its end, whatever its reader left: what follows its end
      // is known only there (ConcatenatedStream)
      if (visitor.wholeMembers() || entry == null) {
        drain(s);
      }
      complete = !budget.branchStopped() && !s.failed();
    } catch (IOException e) {
      if (!budget.branchStopped()) {
        budget.problem(s.path(), classify(e), describe(e, s.bytesOut()));
      }
    } catch (RuntimeException e) {
      budget.problem(path, Problem.Type.INTERNAL, "internal error while reading this member: " + e.getClass().getSimpleName());
    } finally {
      budget.pop(s);
      visitor.exit(path, complete);
    }
    return s.failed();
  }

  /** Reads what a member's reader left unread (a tar's end padding), through its bounds. */
  private static void drain(InputStream s) throws IOException {
    byte[] buf = new byte[BoundedStream.STEP];
    while (s.read(buf, 0, buf.length) >= 0) {
      // bounded by the member's limits; a stopped member reads as ended
    }
  }

  // ---- compressed streams

  private void decompress(Format f, InputStream b, String path, int depth) {
    CountingInputStream counted = new CountingInputStream(b);
    InputStream dec;
    ConcatenatedStream members = null;
    BrotliStream brotli = null;
    try {
      if (f == Format.BROTLI) {
        brotli = new BrotliStream(counted, () -> visitor.dataAfterEnd(f, path));
        dec = brotli;
      } else if (ConcatenatedStream.handles(f)) {
        // member by member, so that nothing after the last one goes unread (ConcatenatedStream)
        InputStream first = singleDecoder(f, counted);
        members = new ConcatenatedStream(f, first, counted, () -> visitor.dataAfterEnd(f, path));
        dec = members;
      } else {
        dec = decoder(f, counted);
      }
    } catch (IOException | RuntimeException e) {
      if (!budget.branchStopped()) {
        budget.problem(path, classify(e), f.id() + " header unreadable: " + e.getClass().getSimpleName());
      }
      return;
    } catch (LinkageError e) {
      budget.problem(path, Problem.Type.UNSUPPORTED, f.id() + " decoder not available on this platform");
      return;
    }
    Object header = members != null ? firstHeader(members) : null;
    visitor.open(f, path, header);
    if (visitor == NONE && header instanceof org.apache.commons.compress.compressors.gzip.GzipParameters g) {
      gzipHeaderText(g.getFileName(), g.getFileNameCharset(), path + "!<gzip name>", depth);
      gzipHeaderText(g.getComment(), g.getFileNameCharset(), path + "!<gzip comment>", depth);
    }
    if (depth == 0 && readAhead != null) {
      dec = new ReadAhead(dec, readAhead);
    }
    try {
      try {
        member(null, dec, path + "!", path, depth + 1, counted::count, true);
      } finally {
        closeQuietly(dec); // stops a read-ahead thread: the data after the end is read here
      }
      if (members != null && members.dataAfterEnd() && !budget.branchStopped()) {
        dataAfterEnd(f, counted, path, members.endOffset(), depth);
      }
      if (brotli != null && brotli.dataAfterEnd() && !budget.branchStopped()) {
        unlisted(counted, path + "!<after brotli end>", "data after the end of the brotli stream (from byte "
            + brotli.endOffset() + "; what the decoder read ahead before it, up to 4 KiB, is not scanned)", depth);
      }
    } finally {
      visitor.close(path, true); // whether its one member is whole, exit said
    }
  }

  /**
   * A gzip header's original file name or comment, read as a member of its own (a secret there is
   * in the file, yet in no member's content; {@code gzip -l -N} shows it): the decoder gave it as
   * text in {@code cs}, which gives the stored bytes back.
   */
  private void gzipHeaderText(String text, java.nio.charset.Charset cs, String where, int depth) {
    if (text != null && !text.isEmpty() && !budget.branchStopped()) {
      member(new java.io.ByteArrayInputStream(text.getBytes(cs)), where, depth);
    }
  }

  private static Object firstHeader(ConcatenatedStream members) {
    return members.first() instanceof GzipCompressorInputStream gz ? gz.getMetaData() : null;
  }

  /**
   * Data after a container's end (a tar's end-of-archive blocks, cpio's trailer, a compressed
   * stream's last member), {@code in} standing on it and on no zero: no member holds it, yet a
   * secret there is in the file. It is read as a member of its own, named
   * {@code <container>!<after FORMAT end>} ({@code bundle.tar!<after tar end>},
   * {@code app.log.gz!<after gzip end>}: the format tells which end when one name holds two
   * levels, as {@code x.tar.gz} does), through the limits as any member, and it is reported as
   * corrupt, because no tool that extracts the container sees it. A visitor is not handed it
   * ({@link Visitor#dataAfterEnd}).
   *
   * @param offset where in the container's bytes the data starts
   */
  private void dataAfterEnd(Format f, InputStream in, String path, long offset, int depth) {
    unlisted(in, path + "!<after " + f.id() + " end>", "data after the end of the " + f.id() + " (from byte " + offset
        + ")", depth);
  }

  /**
   * Bytes of a container that no member holds, {@code what} saying which, read as a member named
   * {@code where} and reported as corrupt ({@link #dataAfterEnd}).
   */
  private void unlisted(InputStream in, String where, String what, int depth) {
    if (visitor != NONE) {
      budget.problem(where, Problem.Type.CORRUPT, what + " belongs to no member; left out of the copy");
      return;
    }
    budget.problem(where, Problem.Type.CORRUPT, what + " belongs to no member; scanned as a member of its own");
    member(in, where, depth);
  }

  /** A decoder for compressed format {@code f} over {@code in}, with the scanner's memory caps. */
  public static InputStream decoder(Format f, InputStream in) throws IOException {
    int memKib = ScanLimits.MAX_DECODER_MEMORY_KIB;
    return switch (f) {
      case GZIP -> GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true).get();
      case BZIP2 -> new BZip2CompressorInputStream(in, true);
      case XZ -> new XZCompressorInputStream(in, true, memKib);
      case LZMA -> lzma(in, memKib);
      case ZSTD -> new ZstdCompressorInputStream(in);
      case LZ4 -> new FramedLZ4CompressorInputStream(in, true);
      case SNAPPY -> new FramedSnappyCompressorInputStream(in);
      case MOZLZ4 -> mozLz4(in);
      case DEFLATE -> {
        DeflateParameters p = new DeflateParameters();
        p.setWithZlibHeader(true);
        yield new DeflateCompressorInputStream(in, p);
      }
      case Z -> new Lzw(in, memKib);
      case BROTLI -> new BrotliStream(new CountingInputStream(in.markSupported() ? in : new BufferedInputStream(in)), () -> { });
      default -> throw new IllegalArgumentException("not a compressor: " + f);
    };
  }

  /**
   * A decoder of one member of {@code f} ({@link ConcatenatedStream#handles}) that reads no further
   * than the member's end, {@code in} supporting mark and reset.
   */
  /**
   * Firefox's LZ4 files: {@code mozLz40\0}, the content's size (4 bytes, little-endian), one LZ4
   * block. The size is not trusted: the block's own output is what is read, through the limits.
   */
  private static InputStream mozLz4(InputStream in) throws IOException {
    byte[] header = in.readNBytes(MOZLZ4_HEADER);
    if (header.length < MOZLZ4_HEADER) {
      throw new java.io.EOFException("mozlz4 header cut short");
    }
    return new org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorInputStream(in);
  }

  /** The magic and the size before a mozlz4 file's block. */
  public static final int MOZLZ4_HEADER = 12;

  static InputStream singleDecoder(Format f, InputStream in) throws IOException {
    return switch (f) {
      case GZIP -> GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(false).get();
      case BZIP2 -> new BZip2CompressorInputStream(in, false);
      case XZ -> new XZCompressorInputStream(in, false, ScanLimits.MAX_DECODER_MEMORY_KIB);
      case LZ4 -> new FramedLZ4CompressorInputStream(in, false);
      case LZMA -> lzma(in, ScanLimits.MAX_DECODER_MEMORY_KIB);
      case DEFLATE -> new Zlib(in);
      default -> throw new IllegalArgumentException("not a stream of single members: " + f);
    };
  }

  /**
   * A {@code .Z} decoder that fails in the read after the bytes it decoded: the LZW reader drops
   * what it decoded in the call where a bad code comes (data appended to the stream, damage), and
   * that was up to a whole small stream, unscanned.
   */
  private static final class Lzw extends ZCompressorInputStream {
    private IOException failure;

    Lzw(InputStream in, int memKib) throws IOException {
      super(in, memKib);
    }

    @Override
    protected int decompressNextSymbol() throws IOException {
      try {
        return super.decompressNextSymbol();
      } catch (IOException e) {
        failure = e;
        return -1; // the read returns what it decoded; the next one throws
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (failure != null) {
        throw failure;
      }
      int n = super.read(b, off, len);
      if (n < 0 && failure != null) {
        throw failure;
      }
      return n;
    }
  }

  /**
   * A zlib stream's decoder that leaves its input on the first byte after the stream: it reads
   * ahead in blocks, as any inflater stream does, and gives back at the end what the inflater did
   * not use (as commons-compress's gzip decoder does), {@code in} supporting mark and reset.
   */
  private static final class Zlib extends java.util.zip.InflaterInputStream {
    private static final int BLOCK = 8192;
    private boolean ended;

    Zlib(InputStream in) {
      super(in, new java.util.zip.Inflater(false), BLOCK);
    }

    @Override
    protected void fill() throws IOException {
      in.mark(buf.length);
      len = in.read(buf, 0, buf.length);
      if (len < 0) {
        throw new java.io.EOFException("zlib stream truncated");
      }
      inf.setInput(buf, 0, len);
    }

    @Override
    public int read(byte[] b, int off, int n) throws IOException {
      int r = super.read(b, off, n);
      if (r < 0 && !ended) {
        ended = true;
        int unused = inf.getRemaining();
        if (unused > 0) {
          in.reset();
          in.readNBytes(len - unused);
        }
      }
      return r;
    }

    @Override
    public void close() throws IOException {
      inf.end(); // our own inflater: the stream does not end it
      super.close();
    }
  }

  /**
   * An {@code .lzma} (LZMA alone) stream. Its header may declare a dictionary far larger than any
   * decoder allocates (all ones means "no limit", and {@code xz} decodes such files): a dictionary
   * never needs to be larger than the data, so it is cut to the declared size, and else to the
   * decoder memory cap; a stream that then refers further back than the cap is reported as a
   * limit, not as corrupt.
   */
  static InputStream lzma(InputStream in, int memKib) throws IOException {
    byte[] h = in.readNBytes(13);
    if (h.length < 13) {
      throw new java.io.EOFException("lzma header truncated");
    }
    long dict = (h[1] & 0xFFL) | (h[2] & 0xFFL) << 8 | (h[3] & 0xFFL) << 16 | (h[4] & 0xFFL) << 24;
    long size = 0;
    for (int i = 12; i >= 5; i--) {
      size = size << 8 | (h[i] & 0xFFL);
    }
    if (size >= 0 && size < dict) {
      dict = Math.max(MIN_LZMA_DICTIONARY, size);
    }
    long cap = memKib * 1024L;
    boolean cut = dict > cap;
    long wanted = dict;
    if (cut) {
      dict = cap;
    }
    InputStream lz = new org.tukaani.xz.LZMAInputStream(in, size, h[0], (int) dict);
    if (!cut) {
      return lz;
    }
    return new FilterInputStream(lz) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return super.read(b, off, len);
        } catch (org.tukaani.xz.CorruptedInputException e) {
          throw new org.apache.commons.compress.MemoryLimitException(wanted / 1024, memKib);
        }
      }
    };
  }

  // ---- streaming archives: tar, ar, cpio (and zip read from its local headers)

  private void streamArchive(Format f, InputStream b, String path, int depth) {
    InputStream shielded = new Shield(b);
    ArTail tail = f == Format.AR ? new ArTail(new CountingInputStream(shielded)) : null;
    // a tar reader given blocks of one 512-byte record, a cpio reader blocks of one byte, skip no
    // padding after the end marker unseen: what follows the end is read below
    @SuppressWarnings("deprecation")
    ArchiveInputStream<? extends ArchiveEntry> ais = switch (f) {
      case TAR -> new TarArchiveInputStream(shielded, TarConstants.DEFAULT_RCDSIZE);
      case AR -> new ArArchiveInputStream(tail.in);
      case CPIO -> new CpioArchiveInputStream(shielded, 1);
      default -> throw new IllegalArgumentException("not a streaming archive: " + f);
    };
    visitor.open(f, path, null);
    boolean complete = false;
    try {
      complete = entries(f, ais, path, depth, null, tail);
      // ar has no end marker: what follows its last member is what is no member header
      if (complete && (tail == null || tail.after) && !budget.branchStopped()) {
        InputStream rest = tail != null ? tail.in : b;
        long end = tail != null ? tail.in.count() : ais.getBytesRead();
        long zeros = ConcatenatedStream.skipZeros(rest);
        if (zeros >= 0) {
          visitor.dataAfterEnd(f, path);
          dataAfterEnd(f, rest, path, end + zeros, depth);
        }
      }
    } catch (IOException e) {
      if (!budget.branchStopped()) {
        budget.problem(path, classify(e), f.id() + " unreadable after its end marker: " + message(e));
      }
    } finally {
      closeQuietly(ais);
      visitor.close(path, complete);
    }
  }

  /**
   * Walks the entries; returns whether every one was walked. For an ar ({@code tail} not null),
   * bytes after the last member that are no member header end the walk as data after its end.
   */
  private boolean entries(Format f, ArchiveInputStream<? extends ArchiveEntry> ais, String path, int depth,
      LongSupplier compressed, ArTail tail) {
    long count = 0;
    while (!budget.branchStopped()) {
      ArchiveEntry e;
      try {
        if (tail != null) {
          // the mark goes where the next header starts, not inside the member: read what the
          // member's reader left (ar's skip would pass the member's end, to the input's)
          tail.unmark();
          if (count > 0) {
            drain(ais);
          }
          tail.mark();
        }
        e = ais.getNextEntry();
      } catch (IOException | RuntimeException x) {
        if (tail != null && !budget.branchStopped() && tail.reset()) {
          tail.after = true;
          return true;
        }
        if (!budget.branchStopped()) {
          budget.problem(path, classify(x), f.id() + " archive damaged after " + count + " entries: " + message(x));
        }
        return false;
      }
      if (e == null) {
        return true;
      }
      if (tooMany(++count, path)) {
        return false;
      }
      if (!regular(e)) {
        String shown = path + "!" + Names.display(e.getName());
        // the name of an empty directory or a link is input too, and so is a link's target
        leaves.member(path, e.getName());
        if (visitor == NONE && linkTarget(e, ais, shown, depth)) {
          return false; // out of step after a damaged cpio link (reported there)
        }
        visitor.other(e, shown);
        continue;
      }
      String child = childPath(path, e.getName());
      if (e instanceof ZipArchiveEntry z && z.getGeneralPurposeBit().usesEncryption()) {
        budget.problem(child, Problem.Type.ENCRYPTED, "encrypted zip entry; skipped");
        visitor.skipped(e, child);
        continue;
      }
      if (!ais.canReadEntryData(e)) {
        budget.problem(child, Problem.Type.UNSUPPORTED, f.id() + " entry data cannot be read (unsupported method or layout); skipped");
        visitor.skipped(e, child);
        continue;
      }
      boolean decodes = e instanceof ZipArchiveEntry z && z.getMethod() != ZipArchiveEntry.STORED;
      LongSupplier stored = compressed;
      if (e instanceof TarArchiveEntry t && t.isSparse()) {
        // the reader fills a sparse member's holes with zeros: 10 KiB on disk can declare
        // terabytes, so its output counts as decoded, against the bytes really stored
        decodes = true;
        stored = t::getSize;
      }
      // ar's reader ends a member quietly where the archive stops; tar, cpio and zip say so themselves
      InputStream data = f == Format.AR && e.getSize() >= 0 ? new Sized(ais, e.getSize()) : ais;
      // a zip read from its local headers may learn the CRC only from the descriptor after the data
      CrcCheck crc = e instanceof ZipArchiveEntry z ? new CrcCheck(data, z::getCrc) : null;
      if (member(e, crc != null ? crc : data, child, child, depth + 1, stored, decodes)) {
        return false; // the stream is out of step after a damaged member; the failure is already reported there
      }
      if (crc != null) {
        crc.report(child, budget);
      }
      if (e instanceof TarArchiveEntry t && t.isSparse()) {
        skipRest(ais); // the next entry would read the rest of the holes, zero by zero
      }
    }
    return false;
  }

  /**
   * Skips what is left of the current entry with the archive's own {@code skip}, which passes
   * over a sparse member's holes without producing them ({@code getNextEntry} reads them).
   */
  private static void skipRest(InputStream ais) {
    try {
      while (ais.skip(Long.MAX_VALUE) > 0) {
        // until the entry ends
      }
    } catch (IOException | RuntimeException ignored) {
      // getNextEntry meets the same failure and reports it
    }
  }

  /**
   * Reads a tar link's target (its header's link name) or a cpio symbolic link's (its data) as the
   * link's content, as a zip link's is read: a secret there is in the archive, though in no file.
   * Returns whether the archive's stream is out of step after it.
   */
  private boolean linkTarget(ArchiveEntry e, InputStream ais, String shown, int depth) {
    if (e instanceof TarArchiveEntry t && (t.isSymbolicLink() || t.isLink()) && !t.getLinkName().isEmpty()) {
      byte[] target = t.getLinkName().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      member(e, new java.io.ByteArrayInputStream(target), shown, shown, depth + 1, null, false);
      return false;
    }
    if (e instanceof CpioArchiveEntry c && c.isSymbolicLink() && c.getSize() > 0) {
      return member(e, new Sized(ais, c.getSize()), shown, shown, depth + 1, null, false);
    }
    return false;
  }

  private static boolean regular(ArchiveEntry e) {
    if (e.isDirectory()) {
      return false;
    }
    if (e instanceof TarArchiveEntry t) {
      return t.isFile() && !t.isSymbolicLink() && !t.isLink();
    }
    if (e instanceof CpioArchiveEntry c) {
      return c.isRegularFile();
    }
    if (e instanceof ZipArchiveEntry z) {
      return !z.isUnixSymlink();
    }
    return true;
  }

  private String childPath(String path, String storedName) {
    leaves.member(path, storedName);
    String child = path + "!" + Names.display(storedName);
    if (Names.unsafe(storedName)) {
      budget.problem(child, Problem.Type.UNSAFE_NAME, "member name escapes the archive root (.. or absolute); "
          + "never used as a path, content scanned");
    }
    return child;
  }

  // ---- random-access archives: zip, 7z

  private void randomAccess(Format f, InputStream b, String path, int depth, Path file) throws IOException {
    if (file != null) {
      budget.readRandomAccess(Math.max(0, Files.size(file) - budget.raw()));
      openRandomAccess(f, new OnDisk(file), path, depth);
      return;
    }
    try (Spool spool = new Spool(limits.maxSpoolBytes())) {
      try {
        spool.fill(b);
      } catch (Spool.TooLargeException e) {
        budget.problem(path, Problem.Type.LIMIT, "max-spool-bytes: " + f.id() + " inside a stream is larger than "
            + limits.maxSpoolBytes() + " bytes and cannot be spooled; not opened (raise --max-spool-bytes)");
        return;
      }
      openRandomAccess(f, new Spooled(spool), path, depth);
    }
  }

  /** Bytes a random-access reader can seek in: a file on disk, or an (encrypted) spool. */
  private interface Seekable {
    SeekableByteChannel channel() throws IOException;

    InputStream stream() throws IOException;

    long size() throws IOException;
  }

  private record OnDisk(Path file) implements Seekable {
    @Override
    public SeekableByteChannel channel() throws IOException {
      return Files.newByteChannel(file);
    }

    @Override
    public InputStream stream() throws IOException {
      return Files.newInputStream(file);
    }

    @Override
    public long size() throws IOException {
      return Files.size(file);
    }
  }

  /** The bytes {@code [from, to)} of a file on disk: a zip inside it ({@link #embeddedZips}). */
  private record Slice(Path file, long from, long to) implements Seekable {
    @Override
    public SeekableByteChannel channel() throws IOException {
      return new SliceChannel(java.nio.channels.FileChannel.open(file), from, to);
    }

    @Override
    public InputStream stream() throws IOException {
      return java.nio.channels.Channels.newInputStream(channel());
    }

    @Override
    public long size() {
      return to - from;
    }
  }

  private record Spooled(Spool spool) implements Seekable {
    @Override
    public SeekableByteChannel channel() throws IOException {
      return spool.channel();
    }

    @Override
    public InputStream stream() throws IOException {
      return spool.input();
    }

    @Override
    public long size() {
      return spool.size();
    }
  }

  private void openRandomAccess(Format f, Seekable file, String path, int depth) throws IOException {
    if (f == Format.ZIP) {
      zip(file, path, depth);
    } else {
      sevenZ(file, path, depth);
    }
  }

  private void zip(Seekable file, String path, int depth) throws IOException {
    // ZipFile builds every directory entry before the first can be read: with more entries than
    // the limit, read the members from their local headers instead, which stops at the limit
    long entries;
    boolean hidden; // the directory lists nothing, the zip holds members
    try (SeekableByteChannel ch = file.channel()) {
      entries = ZipDirectory.count(ch, limits.maxEntries());
      hidden = entries == 0 && ZipDirectory.startsWithLocalHeader(ch);
    } catch (IOException | RuntimeException e) {
      entries = -1; // ZipFile says what is wrong
      hidden = false;
    }
    if (entries > limits.maxEntries()) {
      zipFromLocalHeaders(file, path, depth);
      return;
    }
    if (hidden) {
      // a directory that lists nothing before members that are there (an end record planted in
      // the comment, say) would hide them from ZipFile
      budget.problem(path, Problem.Type.CORRUPT, "zip central directory lists no members but the zip holds some; "
          + "members read from their local headers instead");
      zipFromLocalHeaders(file, path, depth);
      return;
    }
    ZipFile zf;
    try {
      zf = ZipFile.builder().setSeekableByteChannel(file.channel()).get();
    } catch (IOException | RuntimeException e) {
      if (!budget.branchStopped()) {
        budget.problem(path, Problem.Type.CORRUPT, "zip central directory unreadable (" + message(e)
            + "); members read from their local headers instead");
      }
      zipFromLocalHeaders(file, path, depth);
      return;
    }
    visitor.open(Format.ZIP, path, zf);
    boolean complete = false;
    boolean disagree = false;
    try (zf) {
      java.util.List<ZipArchiveEntry> all = java.util.Collections.list(zf.getEntriesInPhysicalOrder());
      ZipDirectory.Layout layout;
      try (SeekableByteChannel ch = file.channel()) {
        layout = ZipDirectory.layout(ch, all);
      } catch (IOException | RuntimeException e) {
        layout = new ZipDirectory.Layout(java.util.Set.of(), "local headers unreadable (" + message(e) + ")");
      }
      if (!layout.overlapping().isEmpty()) {
        long first = layout.overlapping().stream().mapToLong(ZipArchiveEntry::getLocalHeaderOffset).min().orElse(-1);
        budget.problem(path, Problem.Type.CORRUPT, layout.overlapping().size() + " members overlap the bytes of another"
            + " (first at offset " + first + "; possible overlapping zip bomb); the bytes they share read once");
      }
      long count = 0;
      // overlapping members are left out: a copy rebuilt from the rest would not be the same zip
      complete = layout.overlapping().isEmpty();
      for (ZipArchiveEntry e : all) {
        if (budget.branchStopped()) {
          complete = false;
          break;
        }
        if (tooMany(++count, path)) {
          complete = false;
          return;
        }
        if (!regular(e) && !readNonRegular(e, path)) {
          continue;
        }
        if (layout.overlapping().contains(e)) {
          continue;
        }
        String child = childPath(path, e.getName());
        if (e.getGeneralPurposeBit().usesEncryption()) {
          budget.problem(child, Problem.Type.ENCRYPTED, "encrypted zip entry; skipped");
          visitor.skipped(e, child);
          continue;
        }
        if (!zf.canReadEntryData(e)) {
          budget.problem(child, Problem.Type.UNSUPPORTED, "zip compression method " + e.getMethod() + " not supported; skipped");
          visitor.skipped(e, child);
          continue;
        }
        InputStream es;
        try {
          es = zf.getInputStream(e);
        } catch (IOException | RuntimeException x) {
          budget.problem(child, classify(x), "zip entry unreadable: " + message(x));
          visitor.skipped(e, child);
          continue;
        }
        LongSupplier compressed = es instanceof InputStreamStatistics st ? st::getCompressedCount : e::getCompressedSize;
        CrcCheck crc = new CrcCheck(es, e.getCrc());
        try {
          member(e, crc, child, child, depth + 1, compressed, e.getMethod() != ZipArchiveEntry.STORED);
        } finally {
          closeQuietly(es);
        }
        crc.report(child, budget);
      }
      if (!budget.branchStopped()) {
        zipEnd(file, path, depth);
      }
      disagree = layout.disagreement() != null && !budget.branchStopped();
      if (disagree) {
        budget.problem(path, Problem.Type.CORRUPT, "central directory and local headers disagree: "
            + layout.disagreement() + "; members also read from their local headers");
        complete = false;
      }
    } finally {
      visitor.close(path, complete);
    }
    if (disagree) {
      zipFromLocalHeaders(file, path, depth);
    }
  }

  /**
   * Whether the data stored under a zip entry that is no regular file is read as a member: a
   * symbolic link's data is its target (read as a member, so a copy redacts it as it does any
   * member's content), a directory's should be nothing, so bytes there are hidden from every
   * extractor: reported, and read when scanning or, for a visitor, skipped (a copy leaves the
   * entry out). When not read, the visitor has been told ({@link Visitor#other} or
   * {@link Visitor#skipped}).
   */
  private boolean readNonRegular(ZipArchiveEntry e, String path) {
    String shown = path + "!" + Names.display(e.getName());
    // an empty member still stores a few bytes when deflated (two, or five with a stored block)
    boolean data = e.getSize() > 0 || e.getCompressedSize() > EMPTY_DEFLATE_MAX;
    if (data && e.isDirectory()) {
      budget.problem(shown, Problem.Type.CORRUPT, "directory entry holds " + e.getCompressedSize() + " stored bytes; "
          + (visitor == NONE ? "read as a member" : "left out of the copy"));
      if (visitor != NONE) {
        visitor.skipped(e, shown);
        return false;
      }
      return true;
    }
    if (data) {
      return true;
    }
    leaves.member(path, e.getName()); // an empty directory's or link's name is input too
    visitor.other(e, shown);
    return false;
  }

  /**
   * The zip's comment and the data after its end record (and comment): a secret in either is in
   * the file, yet in no member. The comment is read as a member named {@code <zip comment>} whose
   * entry is null (a visitor redacts it as it does a member); data after the end is read and
   * reported as {@link #dataAfterEnd} says.
   */
  private void zipEnd(Seekable file, String path, int depth) {
    try (SeekableByteChannel ch = file.channel()) {
      ZipDirectory.End end = ZipDirectory.end(ch);
      if (end == null) {
        return;
      }
      long size = ch.size();
      long commentEnd = Math.min(end.end(), size);
      if (end.comment() < commentEnd) {
        byte[] comment = new byte[(int) (commentEnd - end.comment())]; // at most 64 KiB
        ch.position(end.comment());
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(comment);
        while (bb.hasRemaining() && ch.read(bb) > 0) {
          // fill
        }
        String where = path + "!<zip comment>";
        member(new java.io.ByteArrayInputStream(comment, 0, bb.position()), where, depth);
      }
      if (!budget.branchStopped()) {
        dataAfterEnd(Format.ZIP, ch, end.end(), path, depth);
      }
    } catch (IOException | RuntimeException e) {
      if (!budget.branchStopped()) {
        budget.problem(path, classify(e), "zip end record unreadable after the members were read: " + message(e));
      }
    }
  }

  /** Reads what follows {@code end} in a random-access container (zeros are padding), as {@link #dataAfterEnd} says. */
  private void dataAfterEnd(Format f, SeekableByteChannel ch, long end, String path, int depth) throws IOException {
    if (end >= ch.size()) {
      return;
    }
    ch.position(end);
    InputStream rest = new BufferedInputStream(java.nio.channels.Channels.newInputStream(ch), STREAM_BUFFER);
    long zeros = ConcatenatedStream.skipZeros(rest);
    if (zeros >= 0) {
      visitor.dataAfterEnd(f, path);
      dataAfterEnd(f, rest, path, end + zeros, depth);
    }
  }

  /**
   * The 7z's bytes that no member holds: those between the signature header and the end header
   * that no packed stream covers ({@link SevenZLayout}; a gap that ends at the end header is
   * {@code <before 7z header>}, another {@code <7z gap at OFFSET>}), then the data after the end
   * header, which the signature header locates.
   */
  private void sevenZEnd(Seekable file, String path, int depth) {
    try (SeekableByteChannel ch = file.channel()) {
      java.util.List<SevenZLayout.Gap> gaps = SevenZLayout.gaps(ch);
      for (SevenZLayout.Gap g : gaps != null ? gaps : java.util.List.<SevenZLayout.Gap>of()) {
        if (budget.branchStopped()) {
          return;
        }
        sevenZGap(ch, g, path, depth);
      }
      java.nio.ByteBuffer sig = java.nio.ByteBuffer.allocate(32).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      ch.position(0);
      while (sig.hasRemaining() && ch.read(sig) > 0) {
        // fill
      }
      if (sig.position() < 32) {
        return; // the reader read it: cannot happen
      }
      long end = 32 + sig.getLong(12) + sig.getLong(20);
      if (end > 32 && !budget.branchStopped()) {
        dataAfterEnd(Format.SEVEN_Z, ch, end, path, depth);
      }
    } catch (IOException | RuntimeException e) {
      if (!budget.branchStopped()) {
        budget.problem(path, classify(e), "7z unreadable after its members were read: " + message(e));
      }
    }
  }

  /** Reads a gap of a 7z, as {@link #unlisted} says; a gap of zeros is padding. */
  private void sevenZGap(SeekableByteChannel ch, SevenZLayout.Gap g, String path, int depth) throws IOException {
    InputStream in = SevenZLayout.slice(ch, g.from(), g.to() - g.from());
    long zeros = ConcatenatedStream.skipZeros(in);
    if (zeros < 0) {
      return;
    }
    visitor.dataAfterEnd(Format.SEVEN_Z, path);
    long from = g.from() + zeros;
    String where = path + (g.beforeHeader() ? "!<before 7z header>" : "!<7z gap at " + from + ">");
    unlisted(in, where, "data " + (g.beforeHeader() ? "before the 7z's end header" : "outside the 7z's packed streams")
        + " (" + (g.to() - from) + " bytes from byte " + from + ")", depth);
  }

  /**
   * Reads a zip from its local headers, the fallback when its central directory cannot be trusted:
   * for a visitor such a walk is never complete (the directory that a copy needs is the damaged part).
   */
  private void zipFromLocalHeaders(Seekable file, String path, int depth) throws IOException {
    visitor.open(Format.ZIP, path, null);
    try (InputStream in = file.stream();
         ZipArchiveInputStream zis = new ZipArchiveInputStream(new BufferedInputStream(in), "UTF-8", true, true)) {
      entries(Format.ZIP, zis, path, depth, zis::getCompressedCount, null);
    } finally {
      visitor.close(path, false);
    }
  }

  /**
   * Whether {@code file} is a 7z with no header at all: its 32-byte start header and nothing more,
   * next header offset, size and CRC zero, which 7-Zip writes for an empty archive and
   * commons-compress cannot open.
   */
  private static boolean emptySevenZ(Seekable file) {
    try (SeekableByteChannel ch = file.channel()) {
      if (ch.size() != 32) {
        return false;
      }
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(32);
      while (b.hasRemaining() && ch.read(b) > 0) {
        // fill
      }
      byte[] h = b.array();
      for (int i = 12; i < 32; i++) {
        if (h[i] != 0) {
          return false;
        }
      }
      return !b.hasRemaining() && (h[0] & 0xFF) == '7' && (h[1] & 0xFF) == 'z' && (h[2] & 0xFF) == 0xBC
          && (h[3] & 0xFF) == 0xAF && h[4] == 0x27 && h[5] == 0x1C;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private void sevenZ(Seekable file, String path, int depth) throws IOException {
    SevenZFile sz;
    try {
      sz = SevenZFile.builder().setSeekableByteChannel(file.channel()).setMaxMemoryLimitKiB(ScanLimits.MAX_DECODER_MEMORY_KIB).get();
    } catch (IOException | RuntimeException e) {
      if (budget.branchStopped()) {
        return;
      }
      if (emptySevenZ(file)) {
        visitor.open(Format.SEVEN_Z, path, null); // nothing to read; a copy is the file as it was
        visitor.close(path, true);
        return;
      }
      if (visitor != NONE || e instanceof org.apache.commons.compress.MemoryLimitException) {
        budget.problem(path, classify(e), "7z archive unreadable: " + message(e));
        return;
      }
      // what a stored (copy) member holds is in these bytes as written: read them as they are,
      // as a zip whose directory is damaged is read from its local headers
      // (after the signature header, which holds no text and would be taken for a 7z again)
      try (InputStream raw = file.stream()) {
        raw.skipNBytes(32);
        String where = path + "!<7z bytes>";
        budget.problem(where, Problem.Type.CORRUPT, "7z archive unreadable (" + message(e) + "); its "
            + (file.size() - 32) + " bytes after the signature header scanned as they are");
        member(new BufferedInputStream(raw, STREAM_BUFFER), where, depth);
      } catch (IOException io) {
        budget.problem(path, classify(e), "7z archive unreadable: " + message(e));
      }
      return;
    }
    long archiveSize = file.size();
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
    visitor.open(Format.SEVEN_Z, path, null);
    boolean complete = false;
    try (sz) {
      long count = 0;
      while (!budget.branchStopped()) {
        SevenZArchiveEntry e;
        try {
          e = sz.getNextEntry();
        } catch (IOException | RuntimeException x) {
          if (!budget.branchStopped()) {
            budget.problem(path, classify(x), "7z archive damaged after " + count + " entries: " + message(x));
          }
          return;
        }
        if (e == null) {
          complete = true;
          sevenZEnd(file, path, depth);
          return;
        }
        if (tooMany(++count, path)) {
          return;
        }
        if (e.isDirectory() || !e.hasStream() || e.isAntiItem()) {
          leaves.member(path, e.getName()); // an empty directory's or file's name is input too
          visitor.other(e, path + "!" + Names.display(e.getName()));
          continue;
        }
        // 7z compresses members together (solid blocks): the whole archive bounds each member's input
        String child = childPath(path, e.getName());
        if (member(e, current, child, child, depth + 1, () -> archiveSize, true)) {
          return;
        }
      }
    } finally {
      visitor.close(path, complete);
    }
  }

  // ---- helpers

  /** Whether the {@code count}th entry of the archive at {@code path} is past the limit (reported once). */
  private boolean tooMany(long count, String path) {
    if (count <= limits.maxEntries()) {
      return false;
    }
    budget.problem(path, Problem.Type.LIMIT, "max-entries: more than " + limits.maxEntries()
        + " entries; the rest skipped (raise --max-entries)");
    return true;
  }

  /** The problem type of a read failure. */
  static Problem.Type classify(Throwable e) {
    if (e instanceof PasswordRequiredException
        || e instanceof UnsupportedZipFeatureException u && u.getFeature() == UnsupportedZipFeatureException.Feature.ENCRYPTION) {
      return Problem.Type.ENCRYPTED;
    }
    if (e instanceof UnsupportedZipFeatureException) {
      return Problem.Type.UNSUPPORTED;
    }
    if (e.getClass().getSimpleName().equals("MemoryLimitException")) {
      return Problem.Type.LIMIT;
    }
    return Problem.Type.CORRUPT;
  }

  /** A read failure as a message that quotes no content. */
  static String describe(Throwable e, long after) {
    String what = switch (classify(e)) {
      case ENCRYPTED -> "encrypted; skipped";
      case LIMIT -> "decoder-memory: needs more than " + ScanLimits.MAX_DECODER_MEMORY_KIB + " KiB; skipped";
      case UNSUPPORTED -> "unsupported feature; skipped";
      default -> "truncated or corrupt; the " + after + " bytes before were scanned";
    };
    return what + " (" + message(e) + ")";
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    String s = e.getClass().getSimpleName();
    if (m == null || m.isBlank()) {
      return s;
    }
    m = Names.display(m);
    return s + ": " + (m.length() > MAX_MESSAGE_CHARS ? cut(m, MAX_MESSAGE_CHARS) + "…" : m);
  }

  /**
   * {@code m}'s first {@code max} characters, less the run of token characters the cut falls in:
   * the problem's message is scrubbed of secrets later, and the first part of a secret cut short
   * (a library quoting a value it could not parse) is no longer one it recognizes.
   */
  static String cut(String m, int max) {
    int end = max;
    if (tokenChar(m.charAt(end))) {
      while (end > 0 && tokenChar(m.charAt(end - 1))) {
        end--;
      }
    }
    return m.substring(0, end);
  }

  private static boolean tokenChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '+' || c == '/' || c == '=' || c == '.' || c == '~'
        || c == '%';
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // a member's close failure changes nothing already scanned
    }
  }

  /**
   * Computes the CRC-32 of a zip member as it is read and, once it was read to its end, compares
   * it with the one the zip stores: commons-compress does not check it, and a member whose bytes
   * changed after it was written is corrupt even when it decodes.
   */
  private static final class CrcCheck extends FilterInputStream {
    private final java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    private final LongSupplier stored;
    private boolean ended;

    CrcCheck(InputStream in, long stored) {
      this(in, () -> stored);
    }

    CrcCheck(InputStream in, LongSupplier stored) {
      super(in);
      this.stored = stored;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        ended = true;
      } else {
        crc.update(b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        ended = true;
      } else {
        crc.update(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      return SkipByReading.skip(this, n);
    }

    @Override
    public void close() {
      // the container owns the stream
    }

    void report(String path, Budget budget) {
      long want = stored.getAsLong();
      if (ended && want >= 0 && want != crc.getValue()) {
        budget.problem(path, Problem.Type.CORRUPT, String.format(java.util.Locale.ROOT,
            "bad CRC (stored %08x, content %08x): the member changed after it was written; content scanned", want,
            crc.getValue()));
      }
    }
  }

  /**
   * Where an ar's next member header starts, so that bytes there that are no header can be read
   * again, as data after the ar's end: ar has no end marker, and its reader fails on whatever
   * follows the last member. The mark holds {@link #MARK} bytes, more than a header with a long
   * name needs; a header that fails further on is reported as damage.
   */
  private static final class ArTail {
    private static final int MARK = STREAM_BUFFER;
    private static final byte[] SIGNATURE = "!<arch>\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    final CountingInputStream in;
    private long marked = -1;
    /** Bytes that are no member header follow the last member. */
    boolean after;

    ArTail(CountingInputStream in) {
      this.in = in;
    }

    void mark() {
      marked = in.count();
      in.mark(MARK);
    }

    void unmark() {
      marked = -1;
    }

    /**
     * Back to the mark, then past the archive's signature (at its start) or a member's padding
     * byte (after an odd-sized member); false when that cannot be done.
     */
    boolean reset() {
      if (marked < 0) {
        return false;
      }
      try {
        in.reset();
        if (marked == 0) {
          return java.util.Arrays.equals(in.readNBytes(SIGNATURE.length), SIGNATURE);
        }
        if (marked % 2 != 0) {
          in.mark(1);
          if (in.read() != '\n') {
            in.reset();
          }
        }
        return true;
      } catch (IOException e) {
        return false;
      }
    }
  }

  /** Keeps a container from closing the stream it reads from. */
  private static final class Shield extends FilterInputStream {
    Shield(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
      // the caller owns the stream
    }
  }

  /** A member whose header gives its size: ending before that size is a truncated archive. */
  private static final class Sized extends FilterInputStream {
    private final long size;
    private long read;

    Sized(InputStream in, long size) {
      super(in);
      this.size = size;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        return atEnd();
      }
      read++;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        return atEnd();
      }
      read += n;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = super.skip(n);
      read += s;
      return s;
    }

    private int atEnd() throws IOException {
      if (read < size) {
        throw new java.io.EOFException("truncated archive: member ends " + (size - read) + " bytes early");
      }
      return -1;
    }

    @Override
    public void close() {
      // the caller owns the stream
    }
  }

}
