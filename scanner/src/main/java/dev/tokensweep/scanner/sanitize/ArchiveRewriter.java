package dev.tokensweep.scanner.sanitize;

import dev.tokensweep.scanner.expand.CountingInputStream;
import dev.tokensweep.scanner.expand.Expander;
import dev.tokensweep.scanner.expand.Format;
import dev.tokensweep.scanner.expand.SkipByReading;
import dev.tokensweep.scanner.expand.Spool;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveOutputStream;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.deflate.DeflateCompressorOutputStream;
import org.apache.commons.compress.compressors.deflate.DeflateParameters;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorOutputStream;
import org.apache.commons.compress.compressors.snappy.FramedSnappyCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/**
 * Sanitize as a visitor of the scanner's one archive walker ({@link Expander#archives}): every limit,
 * format and hostile-input guard of the scan holds here by construction. The walker reads each
 * container; for each member this visitor keeps the member's raw bytes (in an encrypted
 * {@link Spool}, as the walker reads them), and when the member ends, writes it into a new
 * container of the same format with the member's metadata: a leaf sanitized by the
 * {@link Sanitizer}, a nested container as rebuilt below it, an unchanged member as it was. A
 * member that a limit or damage cut, or that could not be read, is left out (the walker has named
 * the problem); a container the walker could not walk whole (entry limit, damaged or lying
 * directory) is left out whole; data after a container's end is left out (the container is
 * rebuilt from its members). A zip's comment, which the walker hands on as a member without an
 * entry, goes at the rebuilt zip's end, sanitized as a leaf is. A container in which nothing
 * changed is copied as it was, so a clean bundle comes out byte-identical.
 *
 * <p>One instance per input file; not thread-safe.
 */
final class ArchiveRewriter implements Expander.Visitor {

  /** Returned by {@link #rewrite} when nothing can be written for the input. */
  static final long DROPPED = -1;

  /** Bytes copied (and checksummed) at a time into a rebuilt container: few calls, bounded memory. */
  private static final int COPY_BUFFER = 1 << 16;


  private final Sanitizer sanitizer;
  private final ScanLimits limits;
  /** The input, opened again when it is one leaf or comes out unchanged. */
  private final Sanitizer.LeafSource source;
  private final List<Sanitizer.LeafReport> reports;
  private final List<Problem> problems;
  private final Deque<Object> stack = new ArrayDeque<>();
  private final Member root;

  private ArchiveRewriter(Sanitizer sanitizer, ScanLimits limits, Sanitizer.LeafSource source, String shown,
      List<Sanitizer.LeafReport> reports, List<Problem> problems) {
    this.sanitizer = sanitizer;
    this.limits = limits;
    this.source = source;
    this.reports = reports;
    this.problems = problems;
    this.root = new Member(null, shown, null);
    stack.push(root);
  }

  /**
   * Writes the sanitized copy of {@code file} to {@code out}; returns the occurrences replaced, or
   * {@link #DROPPED} when nothing could be written (the reason is in {@code problems}).
   */
  static long rewrite(Sanitizer sanitizer, ScanLimits limits, Path file, String shown, OutputStream out,
      List<Sanitizer.LeafReport> reports, List<Problem> problems) throws IOException {
    return rewrite(sanitizer, limits, Sanitizer.LeafSource.of(file), file, shown, out, reports, problems);
  }

  /**
   * As {@link #rewrite(Sanitizer, ScanLimits, Path, String, OutputStream, List, List)} for bytes
   * that {@code source} opens, on disk as {@code file} or (null) not: a zip or 7z is then
   * spooled, encrypted, for its random access, as from stdin.
   */
  static long rewrite(Sanitizer sanitizer, ScanLimits limits, Sanitizer.LeafSource source, Path file, String shown,
      OutputStream out, List<Sanitizer.LeafReport> reports, List<Problem> problems) throws IOException {
    ArchiveRewriter v = new ArchiveRewriter(sanitizer, limits, source, shown, reports, problems);
    int before = reports.size();
    try (InputStream raw = source.open()) {
      CountingInputStream counted = new CountingInputStream(raw);
      Expander.archives(limits, counted::count, problems::add, v, null).run(counted, shown, file);
      long n = v.finish(out);
      if (n == DROPPED) {
        return DROPPED;
      }
      long total = 0;
      for (Sanitizer.LeafReport r : reports.subList(before, reports.size())) {
        total += r.replacements();
      }
      return total;
    } finally {
      v.root.close();
      for (Object o : v.stack) {
        if (o instanceof Member m) {
          m.close();
        } else if (o instanceof Container c) {
          c.discard();
        }
      }
    }
  }

  private long finish(OutputStream out) throws IOException {
    if (root.leafPath != null) {
      Sanitizer.LeafReport r = sanitizer.sanitizeLeaf(source, root.leafPath, out);
      reports.add(r);
      problems.addAll(r.problems());
      return r.dropped() ? DROPPED : r.replacements();
    }
    if (root.dropped || root.contents != 1) {
      if (!root.dropped && root.contents == 0) {
        problems.add(new Problem(root.path, Problem.Type.LIMIT, "not opened; left out of the copy"));
      }
      return DROPPED;
    }
    if (root.changed) {
      root.closeOutput();
      try (InputStream in = root.out.input()) {
        in.transferTo(out);
      }
      return 1;
    }
    try (InputStream in = source.open()) {
      in.transferTo(out);
    }
    return 0;
  }

  private long cap() {
    return Math.min(sanitizer.options().spoolCap(), limits.maxEntryBytes());
  }

  // ---- walker callbacks

  @Override
  public void read(InputStream in, String path, byte[] head, int headLength) throws IOException {
    read(in, path, head, headLength, null);
  }

  @Override
  public void read(InputStream in, String path, byte[] head, int headLength, Path leafFile) throws IOException {
    Member m = (Member) stack.peek();
    m.contents++;
    m.leafPath = path;
    if (m != root) {
      // through the member's bounds into its raw copy; it is sanitized when the member ends whole
      in.transferTo(OutputStream.nullOutputStream());
    }
  }

  @Override
  public void open(Format f, String path, Object header) {
    Member m = (Member) stack.peek();
    m.contents++;
    Container c = new Container(f, path, header, m);
    stack.push(c);
    if (m.contents == 1) {
      try {
        c.start();
      } catch (IOException | RuntimeException e) {
        c.fail(e);
      }
    }
  }

  @Override
  public boolean wholeMembers() {
    return true;
  }

  @Override
  public InputStream enter(ArchiveEntry entry, String path, InputStream in) {
    Member m = new Member(entry, path, (Container) stack.peek());
    stack.push(m);
    try {
      m.raw = new Spool(cap());
      m.rawOut = m.raw.output();
    } catch (IOException e) {
      m.failure = "spool unavailable (" + e.getClass().getSimpleName() + ")";
      return in;
    }
    return new Tee(in, m);
  }

  @Override
  public void exit(String path, boolean complete) {
    Member m = (Member) stack.pop();
    try {
      m.closeRaw();
      if (!complete || m.contents != 1 || m.failure != null) {
        m.dropped = true;
        if (m.failure != null && complete) { // else the walker already named why it stopped
          problems.add(new Problem(m.path, Problem.Type.LIMIT, m.failure + "; left out of the copy"));
        }
      } else if (m.leafPath != null) {
        Sanitizer.LeafReport r = sanitizer.sanitizeLeaf(m.raw::input, sanitizer.redactText(m.leafPath), m.output());
        reports.add(r);
        problems.addAll(r.problems());
        m.dropped = r.dropped();
        m.changed = r.replacements() > 0;
      }
      m.holder.member(m);
    } catch (Spool.TooLargeException e) {
      m.holder.changed = true;
      problems.add(new Problem(m.path, Problem.Type.LIMIT, "max-entry-bytes: the sanitized member is "
          + e.getMessage() + "; left out of the copy"));
    } catch (IOException | RuntimeException e) {
      m.holder.fail(e);
    } finally {
      m.close();
    }
  }

  @Override
  public void other(ArchiveEntry entry, String path) {
    Container c = (Container) stack.peek();
    try {
      c.other(entry);
    } catch (IOException | RuntimeException e) {
      c.fail(e);
    }
  }

  /**
   * The container is rebuilt from its members, which leaves the data after its end out: copied as
   * it was, it would keep a secret there (the walker named what is left out).
   */
  @Override
  public void dataAfterEnd(Format f, String path) {
    for (Object o : stack) {
      if (o instanceof Container c && c.format == f && c.path.equals(path)) {
        c.changed = true;
        return;
      }
    }
  }

  @Override
  public void skipped(ArchiveEntry entry, String path) {
    ((Container) stack.peek()).changed = true; // left out; the walker named why
  }

  @Override
  public void close(String path, boolean complete) {
    Container c = (Container) stack.pop();
    Member m = c.holder;
    if (m.contents != 1 || !complete || c.failed) {
      m.dropped = true;
      c.discard();
      return;
    }
    try {
      c.end();
      m.changed = c.changed;
      m.dropped = c.dropped;
    } catch (IOException | RuntimeException e) {
      c.fail(e);
      m.dropped = true;
      c.discard();
    }
  }

  // ---- one member being read, and its copies

  private final class Member implements AutoCloseable {
    final ArchiveEntry entry;
    final String path;
    final Container holder;
    Spool raw;
    OutputStream rawOut;
    Spool out;
    OutputStream outStream;
    int contents;
    String leafPath;
    boolean changed;
    boolean dropped;
    String failure;

    Member(ArchiveEntry entry, String path, Container holder) {
      this.entry = entry;
      this.path = path;
      this.holder = holder;
    }

    /** Where this member's rewritten content goes. */
    OutputStream output() throws IOException {
      if (outStream == null) {
        out = new Spool(this == root ? Long.MAX_VALUE : cap());
        outStream = out.output();
      }
      return outStream;
    }

    void closeOutput() throws IOException {
      if (outStream != null) {
        outStream.close();
      }
    }

    void closeRaw() throws IOException {
      if (rawOut != null) {
        OutputStream o = rawOut;
        rawOut = null;
        o.close();
      }
    }

    /** The member's bytes as they go into its container: rewritten when something changed, else as read. */
    Spool content() throws IOException {
      if (changed) {
        closeOutput();
        return out;
      }
      return raw;
    }

    @Override
    public void close() {
      try (Spool a = raw; Spool b = out) {
        closeRaw();
        closeOutput();
      } catch (IOException ignored) {
        // deleting a spool that is gone changes nothing
      }
    }
  }

  /** Copies what the walker reads of a member into its raw spool; past the cap it stops copying and says so. */
  private static final class Tee extends FilterInputStream {
    private final Member m;

    Tee(InputStream in, Member m) {
      super(in);
      this.m = m;
    }

    @Override
    public int read() throws IOException {
      return dev.tokensweep.scanner.expand.Streams.readByte(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0 && m.rawOut != null && m.failure == null) {
        try {
          m.rawOut.write(b, off, n);
        } catch (Spool.TooLargeException e) {
          m.failure = "max-spool-bytes: member " + e.getMessage();
        }
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      return SkipByReading.skip(this, n);
    }

    @Override
    public void close() {
      // the walker owns the stream underneath
    }
  }

  // ---- one container being rebuilt

  private final class Container {
    final Format format;
    final String path;
    final Object header;
    final Member holder;
    ArchiveOutputStream<? extends ArchiveEntry> aos;
    Path sevenZFile;
    SevenZOutputFile sevenZ;
    /** Longest tar member name or link target written ({@link #tooLongForTar}). */
    static final int MAX_TAR_NAME = 16 << 10;

    boolean changed;
    boolean dropped;
    boolean failed;
    boolean started;
    java.nio.charset.Charset zipNames;
    /** A gzip's header as the copy writes it ({@link #sanitizedHeader}). */
    GzipParameters gzip;
    /** The rebuilt zip's end, where its comment goes. */
    ZipEnd zipEnd;
    /** Why the zip's comment cannot go into a rebuilt zip; null when it can (or there is none). */
    String commentLeftOut;

    Container(Format format, String path, Object header, Member holder) {
      this.format = format;
      this.path = path;
      this.header = header;
      this.holder = holder;
    }

    void start() throws IOException {
      started = true;
      switch (format) {
        case TAR -> {
          TarArchiveOutputStream t = new TarArchiveOutputStream(shield(holder.output()));
          t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
          t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
          t.setAddPaxHeadersForNonAsciiNames(true);
          aos = t;
        }
        case AR -> {
          ArArchiveOutputStream a = new ArArchiveOutputStream(shield(holder.output()));
          a.setLongFileMode(ArArchiveOutputStream.LONGFILE_BSD);
          aos = a;
        }
        case ZIP -> {
          if (header instanceof ZipFile zf) {
            // names are copied byte for byte: in the zip's own encoding (UTF-8 when it flags it,
            // else CP437, which maps every byte), never normalized (dir\..\x stays dir\..\x)
            boolean utf8 = java.util.Collections.list(zf.getEntries()).stream()
                .anyMatch(e -> e.getGeneralPurposeBit().usesUTF8ForNames());
            zipNames = utf8 ? java.nio.charset.StandardCharsets.UTF_8 : java.nio.charset.Charset.forName("Cp437");
            zipEnd = new ZipEnd(shield(holder.output()));
            ZipArchiveOutputStream z = new ZipArchiveOutputStream(zipEnd);
            z.setEncoding(zipNames.name());
            z.setUseLanguageEncodingFlag(utf8);
            aos = z;
          }
        }
        case SEVEN_Z -> {
          // only sanitized or unchanged (secret-free) bytes go in, so a plain private temp file is safe
          sevenZFile = Spool.tempFile();
          sevenZ = new SevenZOutputFile(sevenZFile.toFile());
        }
        case GZIP -> {
          if (header instanceof GzipParameters g) {
            gzip = sanitizedHeader(g);
          }
        }
        default -> {
          // cpio: its writer needs the first entry's format; compressed: written at the member's end
        }
      }
    }

    /**
     * A gzip header with its original name and comment sanitized as names are (the scan reads
     * them as {@code <gzip name>} and {@code <gzip comment>}); a change there rewrites the stream
     * as a change in its content does.
     */
    private GzipParameters sanitizedHeader(GzipParameters g) throws IOException {
      java.nio.charset.Charset cs = g.getFileNameCharset();
      String name = g.getFileName() == null ? null : rename(g.getFileName(), cs, path + "!<gzip name>");
      String comment = g.getComment() == null ? null : rename(g.getComment(), cs, path + "!<gzip comment>");
      if (java.util.Objects.equals(name, g.getFileName()) && java.util.Objects.equals(comment, g.getComment())) {
        return g;
      }
      GzipParameters p = new GzipParameters();
      p.setFileNameCharset(cs);
      p.setFileName(name);
      p.setModificationTime(g.getModificationTime());
      p.setOperatingSystem(g.getOperatingSystem());
      p.setComment(comment);
      return p;
    }

    void fail(Throwable e) {
      if (!failed) {
        failed = true;
        problems.add(new Problem(path, Problem.Type.CORRUPT, format.id() + " could not be rewritten ("
            + e.getClass().getSimpleName() + "); left out of the copy"));
      }
    }

    /**
     * A mozlz4 file's magic and its content's size, which its one LZ4 block follows; false (the
     * member left out, said) when the size does not fit its 4 bytes.
     */
    private boolean mozLz4Header(long size) throws IOException {
      if (size > 0xFFFF_FFFFL) {
        problems.add(new Problem(path, Problem.Type.UNSUPPORTED, "a mozlz4 file holds at most 4 GiB; the sanitized "
            + "content is " + size + " bytes; left out of the copy"));
        dropped = true;
        return false;
      }
      OutputStream o = holder.output();
      o.write(new byte[] {'m', 'o', 'z', 'L', 'z', '4', '0', 0});
      for (int i = 0; i < 4; i++) {
        o.write((int) (size >>> (8 * i)) & 0xFF);
      }
      return true;
    }

    /** Writes one member whose reading ended. */
    void member(Member m) throws IOException {
      if (failed || !started) {
        return;
      }
      if (m.dropped) {
        changed = true;
        if (format.kind() == Format.Kind.COMPRESSED) {
          dropped = true;
        }
        return;
      }
      changed |= m.changed;
      if (format.kind() == Format.Kind.COMPRESSED) {
        if (!changed) {
          return; // the container is copied as it was
        }
        if (format == Format.Z) {
          problems.add(new Problem(path, Problem.Type.UNSUPPORTED, "Z (compress) cannot be written; left out of the copy"));
          dropped = true;
          return;
        }
        if (format == Format.BROTLI) {
          problems.add(new Problem(path, Problem.Type.UNSUPPORTED, "brotli cannot be written (the build has a Brotli "
              + "decoder only); left out of the copy"));
          dropped = true;
          return;
        }
        if (format == Format.MOZLZ4 && !mozLz4Header(m.content().size())) {
          return;
        }
        try (OutputStream enc = encoder(format, shield(holder.output()), gzip, m.content().size());
             InputStream in = m.content().input()) {
          in.transferTo(enc);
        }
        return;
      }
      Spool content = m.content();
      switch (format) {
        case TAR -> {
          TarArchiveEntry w = copy((TarArchiveEntry) m.entry);
          w.setName(rename(w.getName(), m.path));
          w.setSize(content.size());
          if (!tooLongForTar(w, m.path)) {
            put(w, content);
          }
        }
        case AR -> {
          ArArchiveEntry a = (ArArchiveEntry) m.entry;
          put(new ArArchiveEntry(rename(a.getName(), m.path), content.size(), a.getUserId(), a.getGroupId(), a.getMode(),
              a.getLastModified()), content);
        }
        case CPIO -> {
          CpioArchiveEntry c = copy((CpioArchiveEntry) m.entry, rename(m.entry.getName(), m.path), content);
          cpio(c);
          put(c, content);
        }
        case ZIP -> {
          if (m.entry == null) {
            comment(content);
          } else {
            putZip((ZipArchiveEntry) m.entry, content, m.changed, m.path);
          }
        }
        case SEVEN_Z -> putSevenZ((SevenZArchiveEntry) m.entry, content, m.path);
        default -> throw new IllegalStateException(format.toString());
      }
    }

    /**
     * {@code name} with the secrets in it masked as content is (the rest kept), recorded as a
     * rename; the name itself when it holds none.
     */
    private String rename(String name, String path) throws IOException {
      return rename(name, format == Format.ZIP ? zipNames : java.nio.charset.StandardCharsets.UTF_8, path);
    }

    private String rename(String name, java.nio.charset.Charset cs, String path) throws IOException {
      Sanitizer.RedactedName r = sanitizer.redactName(name.getBytes(cs));
      if (r == null) {
        return name;
      }
      changed = true;
      reports.add(new Sanitizer.LeafReport(sanitizer.redactText(path), false, false, r.replacements(),
          r.fingerprintsByRule(), List.of(), true));
      return new String(r.name(), cs);
    }

    /** An entry without content of its own: its header is copied as it was. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void other(ArchiveEntry e) throws IOException {
      if (failed || !started) {
        return;
      }
      switch (format) {
        case ZIP -> {
          if (header instanceof ZipFile zf) {
            ZipArchiveEntry z = (ZipArchiveEntry) e;
            String name = rename(rawName(z), path + "!" + rawName(z));
            if (name.equals(z.getName())) {
              ((ZipArchiveOutputStream) aos).addRawArchiveEntry(z, zf.getRawInputStream(z));
            } else {
              ((ZipArchiveOutputStream) aos).putArchiveEntry(new NamedZipEntry(z, name)); // a directory or an empty link: no content
              aos.closeArchiveEntry();
            }
          }
        }
        case SEVEN_Z -> {
          SevenZArchiveEntry z = (SevenZArchiveEntry) e;
          z.setName(rename(z.getName(), path + "!" + z.getName()));
          sevenZ.putArchiveEntry(z);
          sevenZ.closeArchiveEntry();
        }
        case CPIO -> {
          CpioArchiveEntry c = (CpioArchiveEntry) e;
          if (c.isSymbolicLink()) {
            changed = true; // a cpio link keeps its target as data, which the walker does not hand on: left out
            return;
          }
          CpioArchiveEntry w = copy(c, rename(c.getName(), path + "!" + c.getName()), null);
          cpio(w);
          ((ArchiveOutputStream) aos).putArchiveEntry(w);
          aos.closeArchiveEntry();
        }
        case TAR -> {
          TarArchiveEntry t = (TarArchiveEntry) e;
          TarArchiveEntry w = copy(t);
          w.setName(rename(t.getName(), path + "!" + t.getName()));
          if (t.isSymbolicLink() || t.isLink()) {
            w.setLinkName(rename(t.getLinkName(), path + "!" + t.getName() + " -> " + t.getLinkName()));
          }
          if (tooLongForTar(w, path + "!" + t.getName())) {
            return;
          }
          ((ArchiveOutputStream) aos).putArchiveEntry(w);
          aos.closeArchiveEntry();
        }
        default -> {
          ((ArchiveOutputStream) aos).putArchiveEntry(e);
          aos.closeArchiveEntry();
        }
      }
    }

    /**
     * Whether {@code w}'s name or link target is too long to write: commons-compress fits a long
     * name into the header's 100 bytes by encoding it again one character shorter each time,
     * quadratic (a 64 KiB name took 8 s, a 1 MiB one would take hours). No file system has such
     * names (PATH_MAX is 4 KiB); the member is left out of the copy and said.
     */
    private boolean tooLongForTar(TarArchiveEntry w, String where) {
      int longest = Math.max(w.getName().length(), w.getLinkName() == null ? 0 : w.getLinkName().length());
      if (longest <= MAX_TAR_NAME) {
        return false;
      }
      changed = true;
      problems.add(new Problem(where, Problem.Type.LIMIT, "a name of " + longest + " characters (over "
          + (MAX_TAR_NAME >> 10) + " Ki) cannot be written in reasonable time; left out of the copy"));
      return true;
    }

    private void cpio(CpioArchiveEntry c) throws IOException {
      if (aos == null) {
        aos = new CpioArchiveOutputStream(shield(holder.output()), c.getFormat());
      }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void put(ArchiveEntry e, Spool content) throws IOException {
      ((ArchiveOutputStream) aos).putArchiveEntry(e);
      try (InputStream in = content.input()) {
        in.transferTo(aos);
      }
      aos.closeArchiveEntry();
    }

    private void putZip(ZipArchiveEntry e, Spool content, boolean memberChanged, String path) throws IOException {
      if (!(header instanceof ZipFile zf)) {
        return; // read from its local headers: never complete, so never written
      }
      ZipArchiveOutputStream zos = (ZipArchiveOutputStream) aos;
      String name = rename(rawName(e), path);
      if (!memberChanged && name.equals(e.getName())) {
        zos.addRawArchiveEntry(e, zf.getRawInputStream(e)); // byte for byte
        return;
      }
      ZipArchiveEntry ne = new NamedZipEntry(e, name);
      ne.setSize(content.size());
      ne.setCrc(crc(content));
      ne.setCompressedSize(e.getMethod() == ZipArchiveEntry.STORED ? content.size() : ArchiveEntry.SIZE_UNKNOWN);
      zos.putArchiveEntry(ne);
      try (InputStream in = content.input()) {
        in.transferTo(zos);
      }
      zos.closeArchiveEntry();
    }

    /**
     * The zip's comment as the member {@code <zip comment>} came out of sanitize, kept for the
     * rebuilt zip's end. A comment that no longer fits (a mask longer than the secret it replaces)
     * cannot go there, nor one with an end record's signature where a reader would take it for the
     * zip's end (the last one with a record's length after it): a comment as read cannot hold one
     * there, since the walker would have taken it, but one a mask moved or made could.
     */
    private void comment(Spool content) throws IOException {
      if (content.size() > MAX_COMMENT) {
        commentLeftOut = "the sanitized comment is " + content.size() + " bytes, more than a zip comment holds ("
            + MAX_COMMENT + ")";
        return;
      }
      byte[] c;
      try (InputStream in = content.input()) {
        c = in.readAllBytes();
      }
      for (int i = 0; i <= c.length - END_RECORD; i++) {
        if (c[i] == 'P' && c[i + 1] == 'K' && c[i + 2] == 5 && c[i + 3] == 6) {
          commentLeftOut = "the comment holds the signature of a zip end record";
          return;
        }
      }
      zipEnd.comment = c;
    }

    /** The entry's name as stored, decoded so that the writer encodes it back to the same bytes. */
    private String rawName(ZipArchiveEntry e) {
      byte[] raw = e.getRawName();
      return raw == null ? e.getName() : new String(raw, zipNames);
    }

    private void putSevenZ(SevenZArchiveEntry e, Spool content, String path) throws IOException {
      SevenZArchiveEntry ne = new SevenZArchiveEntry();
      ne.setName(rename(e.getName(), path));
      ne.setSize(content.size());
      if (e.getHasLastModifiedDate()) {
        ne.setLastModifiedTime(e.getLastModifiedTime());
      }
      if (e.getHasWindowsAttributes()) {
        ne.setWindowsAttributes(e.getWindowsAttributes());
      }
      sevenZ.putArchiveEntry(ne);
      try (InputStream in = content.input()) {
        byte[] buf = new byte[COPY_BUFFER];
        for (int r; (r = in.read(buf)) > 0; ) {
          sevenZ.write(buf, 0, r);
        }
      }
      sevenZ.closeArchiveEntry();
    }

    /** The container was walked whole: finish the new one, which its holder uses if anything changed. */
    void end() throws IOException {
      if (format.kind() == Format.Kind.COMPRESSED) {
        return;
      }
      if (format == Format.SEVEN_Z) {
        sevenZ.finish();
        sevenZ.close();
        sevenZ = null;
        if (changed) {
          Files.copy(sevenZFile, holder.output());
        }
        discard();
        return;
      }
      if (aos == null) {
        if (format == Format.CPIO && changed) {
          // an empty cpio whose only entries were left out: write an empty archive
          aos = new CpioArchiveOutputStream(shield(holder.output()));
        } else {
          return;
        }
      }
      aos.finish();
      if (zipEnd != null) {
        if (commentLeftOut != null && changed) {
          problems.add(new Problem(path + "!<zip comment>", Problem.Type.UNSUPPORTED, commentLeftOut
              + "; left out of the copy"));
        }
        zipEnd.end();
      }
      aos.close();
    }

    /** Drops what was written for this container. */
    void discard() {
      try {
        if (sevenZ != null) {
          sevenZ.close();
        }
      } catch (IOException ignored) {
        // the file is deleted next
      }
      if (sevenZFile != null) {
        Spool.deleteTempFile(sevenZFile);
      }
    }
  }

  /**
   * A tar header to write, with {@code t}'s name, type and metadata (PAX records included). Never
   * the entry being read: the reader skips to the next header by that entry's size, so changing it
   * puts the reader out of step (the bug behind "tar could not be rewritten" on bundles whose
   * sanitized member changed its size across a 512-byte block).
   */
  static TarArchiveEntry copy(TarArchiveEntry t) {
    // the holes of a sparse member were read as zeros: written back as a plain member
    byte type = t.isSparse() ? TarArchiveEntry.LF_NORMAL : t.getLinkFlag();
    TarArchiveEntry w = new TarArchiveEntry(t.getName(), type, true);
    w.setMode(t.getMode());
    w.setLastModifiedTime(t.getLastModifiedTime());
    if (t.getCreationTime() != null) {
      w.setCreationTime(t.getCreationTime());
    }
    if (t.getLastAccessTime() != null) {
      w.setLastAccessTime(t.getLastAccessTime());
    }
    if (t.getStatusChangeTime() != null) {
      w.setStatusChangeTime(t.getStatusChangeTime());
    }
    w.setUserId(t.getLongUserId());
    w.setGroupId(t.getLongGroupId());
    w.setUserName(t.getUserName());
    w.setGroupName(t.getGroupName());
    if (t.isSymbolicLink() || t.isLink()) {
      w.setLinkName(t.getLinkName());
    }
    if (t.isCharacterDevice() || t.isBlockDevice()) {
      w.setDevMajor(t.getDevMajor());
      w.setDevMinor(t.getDevMinor());
    }
    t.getExtraPaxHeaders().forEach((k, v) -> {
      if (!k.startsWith("GNU.sparse")) {
        w.addPaxHeader(k, v);
      }
    });
    w.setSize(t.isFile() || t.isSparse() ? t.getRealSize() : 0);
    return w;
  }

  /**
   * A zip entry with the metadata of another and a name given as stored: commons-compress turns
   * {@code \\} into {@code /} in names of zips made on Windows when it reads them (and again in
   * {@code setName}), which would turn a harmless {@code dir\\..\\x.txt} into a traversal path.
   */
  static final class NamedZipEntry extends ZipArchiveEntry {
    private final String stored;

    NamedZipEntry(ZipArchiveEntry e, String stored) throws java.util.zip.ZipException {
      super(e);
      this.stored = stored;
    }

    @Override
    public String getName() {
      return stored;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof NamedZipEntry n && super.equals(n) && stored.equals(n.stored);
    }

    @Override
    public int hashCode() {
      return super.hashCode();
    }
  }

  /**
   * A cpio header to write with {@code c}'s metadata, a new name and the size (and, in the CRC
   * format, the checksum) of {@code content} (null: no content). Never the entry being read: the
   * reader finds the next header by that entry's size.
   */
  static CpioArchiveEntry copy(CpioArchiveEntry c, String name, Spool content) throws IOException {
    short format = c.getFormat();
    CpioArchiveEntry w = new CpioArchiveEntry(format, name);
    w.setMode(c.getMode());
    w.setUID(c.getUID());
    w.setGID(c.getGID());
    w.setNumberOfLinks(c.getNumberOfLinks());
    w.setTime(c.getTime());
    w.setInode(c.getInode());
    if (format == CpioArchiveEntry.FORMAT_OLD_ASCII || format == CpioArchiveEntry.FORMAT_OLD_BINARY) {
      w.setDevice(c.getDevice());
      w.setRemoteDevice(c.getRemoteDevice());
    } else {
      w.setDeviceMaj(c.getDeviceMaj());
      w.setDeviceMin(c.getDeviceMin());
      w.setRemoteDeviceMaj(c.getRemoteDeviceMaj());
      w.setRemoteDeviceMin(c.getRemoteDeviceMin());
    }
    w.setSize(content == null ? 0 : content.size());
    if (format == CpioArchiveEntry.FORMAT_NEW_CRC && content != null) {
      long sum = 0;
      byte[] buf = new byte[COPY_BUFFER];
      try (InputStream in = content.input()) {
        for (int n; (n = in.read(buf)) > 0; ) {
          for (int i = 0; i < n; i++) {
            sum += buf[i] & 0xFF;
          }
        }
      }
      w.setChksum(sum & 0xFFFFFFFFL);
    }
    return w;
  }

  private static long crc(Spool s) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buf = new byte[COPY_BUFFER];
    try (InputStream in = s.input()) {
      for (int n; (n = in.read(buf)) > 0; ) {
        crc.update(buf, 0, n);
      }
    }
    return crc.getValue();
  }

  /**
   * A compressor of format {@code f} over {@code out} for {@code size} bytes: xz's dictionary and
   * bzip2's block no larger than the data needs (xz's default preset allocates ~94 MB for its
   * match finder, per stream: a bundle of small .xz files, or a log with thousands of xz payloads
   * in base64, spent most of its copy zeroing it), the same format and checks as before.
   */
  private static OutputStream encoder(Format f, OutputStream out, GzipParameters gzip, long size) throws IOException {
    return switch (f) {
      case GZIP -> {
        GzipParameters p = new GzipParameters();
        if (gzip != null) {
          p.setFileNameCharset(gzip.getFileNameCharset());
          p.setFileName(gzip.getFileName());
          p.setModificationTime(gzip.getModificationTime());
          p.setOperatingSystem(gzip.getOperatingSystem());
          p.setComment(gzip.getComment());
        }
        yield new GzipCompressorOutputStream(out, p);
      }
      case BZIP2 -> new BZip2CompressorOutputStream(out, BZip2CompressorOutputStream.chooseBlockSize(size));
      case XZ -> {
        org.tukaani.xz.LZMA2Options o = new org.tukaani.xz.LZMA2Options(); // preset 6
        o.setDictSize((int) Math.max(org.tukaani.xz.LZMA2Options.DICT_SIZE_MIN, Math.min(o.getDictSize(), size)));
        yield new org.tukaani.xz.XZOutputStream(out, o);
      }
      case LZMA -> new LZMACompressorOutputStream(out);
      case ZSTD -> new ZstdCompressorOutputStream(out);
      case LZ4 -> new FramedLZ4CompressorOutputStream(out);
      case SNAPPY -> new FramedSnappyCompressorOutputStream(out);
      case MOZLZ4 -> new org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream(out); // after mozLz4Header
      case DEFLATE -> {
        DeflateParameters p = new DeflateParameters();
        p.setWithZlibHeader(true);
        yield new DeflateCompressorOutputStream(out, p);
      }
      default -> throw new IllegalArgumentException("not a writable compressor: " + f);
    };
  }

  /** The most bytes a zip's comment holds: its length is two bytes of the end record. */
  private static final int MAX_COMMENT = 0xFFFF;

  /** Bytes of a zip's end record without its comment. */
  private static final int END_RECORD = 22;

  /**
   * The output of a zip writer given no comment, with the zip's comment put in at its end: the
   * last two bytes written (the end record's comment length, zero) are held back, and
   * {@link #end} writes the comment's length and bytes in their place. The writer would encode a
   * comment given to it in the zip's name encoding, which not every comment's bytes survive.
   */
  private static final class ZipEnd extends FilterOutputStream {
    private final byte[] held = new byte[2];
    private int n;
    byte[] comment = new byte[0];

    ZipEnd(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      if (n == held.length) {
        out.write(held[0]);
        held[0] = held[1];
        held[1] = (byte) b;
      } else {
        held[n++] = (byte) b;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len < held.length) {
        for (int i = 0; i < len; i++) {
          write(b[off + i]);
        }
        return;
      }
      out.write(held, 0, n);
      out.write(b, off, len - held.length);
      held[0] = b[off + len - 2];
      held[1] = b[off + len - 1];
      n = held.length;
    }

    /** Called once the writer has finished the zip. */
    void end() throws IOException {
      if (n != held.length || held[0] != 0 || held[1] != 0) {
        throw new IOException("the zip writer did not end with an empty comment");
      }
      out.write(comment.length & 0xFF);
      out.write(comment.length >>> 8);
      out.write(comment);
      n = 0;
    }
  }

  /** Lets a writer close without closing the stream beneath it. */
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
