package dev.tokensweep.scanner.decode;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.tokensweep.scanner.expand.Sniffer;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.read.ByteScan;
import dev.tokensweep.scanner.read.Locator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.PasswordRequiredException;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * A base64 run that holds compressed data or an archive, unpacked: Helm keeps a release (its
 * values, secrets included) as base64 of base64 of gzipped JSON in a Kubernetes Secret, payloads,
 * cookies and support-bundle fields carry compressed JSON the same way, and APIs, CI systems and
 * {@code kubectl cp} ship tarballs and zips in base64 fields. gzip, zlib, bzip2, xz and zstd data
 * is decompressed; a tar's, a zip's or a 7z's members are read, each name and each content; and
 * what comes out is unpacked again when it is itself an archive or compressed (a {@code .tar.gz},
 * a zip holding a rotated {@code .log.gz}), up to {@link #MAX_DEPTH} steps under base64. Text that
 * comes out is scanned one layer down, named by the steps ({@code base64+gzip}, {@code
 * base64+gzip+tar}, {@code base64+zip+gzip}, {@code base64+7z}); a finding there is located at the
 * run's first byte, since no byte of compressed data stands for one byte of the text. All steps of
 * one run share one output budget ({@link #MAX_INFLATED}) and one count of members and decoders
 * ({@link #MAX_ENTRIES}), so a bomb at any depth stops there. A damaged or cut payload gives what
 * came out before the damage. Runs are told by their first bytes (a few characters' test; a tar by
 * its header, {@link #startsCompressed}), so text runs never come here and binary runs cost little.
 *
 * <p>What is left unscanned is reported ({@link DecodingLayer.Next#problem}), at most once for a
 * run, at the run's place with its decodings and never its content nor a member's name: a cap
 * met with data left ({@code payload-bytes}, {@code payload-members}, {@code payload-depth},
 * {@code decoder-memory}, and {@code run-length} for a payload run past {@link
 * DecodingLayer#MAX_RUN}), an encrypted zip or 7z member, and damage. Damage only where the
 * payload is certainly one: a format of at least four magic bytes (not zlib's two-byte header,
 * which about one random run in a thousand starts with, nor a tar) whose decoder gave bytes or
 * members before it failed, in a run that was not cut (a reader's chunk, {@code MAX_RUN}).
 */
final class Inflated {
  private Inflated() {}

  /**
   * Bytes decompressed from one run, over all its steps: a run is at most 1 MiB of base64, and a
   * bomb inflates it a thousandfold. A tar's members are slices of bytes already counted (or of
   * the run itself), so they are not counted again.
   */
  static final int MAX_INFLATED = 4 << 20;

  /** Members read and decoders opened for one run, over all its steps (a bundle's attachment holds a few). */
  static final int MAX_ENTRIES = 256;

  /**
   * Decoding steps under base64: a {@code .tar.gz} that holds a rotated {@code .log.gz} is three
   * (gzip, tar, gzip); what the last step gives is scanned as text, never unpacked again.
   */
  static final int MAX_DEPTH = 3;

  /**
   * The memory an xz or 7z decoder's dictionary may take, and (as {@link #ZSTD_WINDOW_LOG_MAX})
   * a zstd window: the default presets of xz (8 MiB) and zstd (at most 8 MiB) fit; a field in
   * text compressed with a larger window is not decoded (the expander's own, larger cap is for
   * files, read once each, not for every run of a log).
   */
  static final int DECODER_MEMORY_KIB = 16 << 10;

  /** 2^24 bytes: {@link #DECODER_MEMORY_KIB} as zstd's window-log limit. */
  private static final int ZSTD_WINDOW_LOG_MAX = 24;

  /**
   * Whether the {@code n} base64 characters at {@code s} start with a gzip member, a zlib stream,
   * bzip2, xz or zstd data, a zip's first local header, a 7z signature or a ustar header
   * ({@link ByteScan#startsCompressed}, where the JSON-lines skip can ask it too).
   */
  static boolean startsCompressed(byte[] buf, int s, int n) {
    return n >= DecodingLayer.MIN_RUN && ByteScan.startsCompressed(buf, s, n);
  }

  /** Decodes a run that was not cut, unpacks it and scans the text that comes out through {@code next}. */
  static void pass(byte[] buf, int s, int n, Locator locator, DecodingLayer.Next next) {
    pass(buf, s, n, locator, next, false, false);
  }

  /**
   * Decodes the run, unpacks it and scans the text that comes out through {@code next}; {@code cut}
   * when the run may go on past its last byte (its payload then ending early is no damage), and
   * {@code overLong} when it certainly does, past {@link DecodingLayer#MAX_RUN}.
   */
  static void pass(byte[] buf, int s, int n, Locator locator, DecodingLayer.Next next, boolean cut, boolean overLong) {
    byte[] raw = new byte[n * 3 / 4];
    int o = 0;
    int acc = 0;
    int bits = 0;
    for (int i = s; i < s + n; i++) {
      acc = (acc << 6) | ByteScan.base64Value(buf[i]);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        raw[o++] = (byte) (acc >> bits);
      }
    }
    Unpacking u = new Unpacking(s, locator, next);
    if (overLong && certain(raw, o)) {
      u.report(Problem.Type.LIMIT, "run-length", "base64", "is longer than " + (DecodingLayer.MAX_RUN >> 20)
          + " MiB: the payload was decoded up to there and its rest not scanned");
    }
    u.open(raw, o, "base64", 0, cut || overLong);
  }

  /**
   * Whether {@code b[0, len)} is certainly compressed data or an archive: told by four magic bytes,
   * a tar by its header's checksum, and zlib data (text and random bytes may start with its
   * two-byte header) when its first 64 bytes inflate, or all of it does, checksum and all.
   */
  private static boolean certain(byte[] b, int len) {
    Kind k = kind(b, len);
    return k != null && certain(k, b, len);
  }

  /**
   * Whether {@code b[0, len)}, which starts like {@code k}, certainly is: zlib when it inflates
   * ({@link #inflates}); bzip2, whose magic text may start with ({@code BZh9}), when a block's or
   * the stream end's 48-bit magic follows; the others by their binary magic.
   */
  private static boolean certain(Kind k, byte[] b, int len) {
    if (k == Kind.ZLIB) {
      return inflates(b, len);
    }
    if (k == Kind.BZIP2) {
      return len >= 10 && (startsWith(b, 4, BZIP2_BLOCK) || startsWith(b, 4, BZIP2_END));
    }
    return true;
  }

  private static final byte[] BZIP2_BLOCK = {0x31, 0x41, 0x59, 0x26, 0x53, 0x59}; // pi
  private static final byte[] BZIP2_END = {0x17, 0x72, 0x45, 0x38, 0x50, (byte) 0x90}; // sqrt(pi)

  private static boolean startsWith(byte[] b, int at, byte[] magic) {
    return Arrays.equals(b, at, at + magic.length, magic, 0, magic.length);
  }

  /** Bytes of zlib data a run must inflate to before it counts as zlib ({@link #certain}). */
  private static final int ZLIB_PROOF = 64;

  private static boolean inflates(byte[] b, int len) {
    java.util.zip.Inflater inf = new java.util.zip.Inflater();
    try {
      inf.setInput(b, 0, len);
      byte[] out = new byte[ZLIB_PROOF];
      int m = 0;
      while (m < out.length && !inf.finished()) {
        int r = inf.inflate(out, m, out.length - m);
        if (r == 0) {
          break; // needs input past the run's end, or a preset dictionary
        }
        m += r;
      }
      return m == out.length || inf.finished();
    } catch (java.util.zip.DataFormatException e) {
      return false;
    } finally {
      inf.end();
    }
  }

  /** The formats a run, or what came out of it, is unpacked as; {@code layer} names the step. */
  private enum Kind {
    GZIP("gzip", true), ZLIB("zlib", false), BZIP2("bzip2", true), XZ("xz", true), ZSTD("zstd", true),
    ZIP("zip", true), SEVEN_Z("7z", true), TAR("tar", false);

    final String layer;
    /** Told by four or more magic bytes: damage after it gave bytes is damage of a real payload. */
    final boolean magic;

    Kind(String layer, boolean magic) {
      this.layer = layer;
      this.magic = magic;
    }
  }

  /**
   * What {@code b[0, len)} is by its first bytes (a tar by its header's checksum), or null. Text
   * may start like zlib ({@code x^}) or bzip2 ({@code BZh9}): its decoder then fails and the
   * bytes are scanned as they are ({@link Unpacking#open}).
   */
  private static Kind kind(byte[] b, int len) {
    if (len < 4) {
      return null;
    }
    int b0 = b[0] & 0xFF;
    int b1 = b[1] & 0xFF;
    int b2 = b[2] & 0xFF;
    int b3 = b[3] & 0xFF;
    if (b0 == 0x1F && b1 == 0x8B && b2 == 8) {
      return Kind.GZIP;
    }
    if (b0 == 'P' && b1 == 'K' && b2 == 3 && b3 == 4) {
      return Kind.ZIP;
    }
    if (b0 == 'B' && b1 == 'Z' && b2 == 'h' && b3 >= '1' && b3 <= '9') {
      return Kind.BZIP2;
    }
    if (b0 == 0xFD && b1 == '7' && b2 == 'z' && b3 == 'X') {
      return Kind.XZ;
    }
    if (b0 == 0x28 && b1 == 0xB5 && b2 == 0x2F && b3 == 0xFD) {
      return Kind.ZSTD;
    }
    if (b0 == '7' && b1 == 'z' && b2 == 0xBC && b3 == 0xAF) {
      return Kind.SEVEN_Z;
    }
    if (Sniffer.isTar(b, len)) {
      return Kind.TAR; // before zlib: a tar whose first name starts like a zlib header is a tar
    }
    if (ByteScan.zlibHeader(b0, b1)) {
      return Kind.ZLIB;
    }
    return null;
  }

  /** The unpacking of one run: where its findings are located, and what it may still produce. */
  private static final class Unpacking {
    private final int at;
    private final Locator locator;
    private final DecodingLayer.Next next;
    private int bytesLeft = MAX_INFLATED;
    private int entriesLeft = MAX_ENTRIES;
    /** Whether the run has had its problem: one a run, the first met. */
    private boolean reported;

    Unpacking(int at, Locator locator, DecodingLayer.Next next) {
      this.at = at;
      this.locator = locator;
      this.next = next;
    }

    /**
     * Reports what of the run was not scanned, once a run: {@code name} (a limit's, or null) first,
     * then the run's place and decodings up to {@code layer}, then {@code what}. Nothing of the
     * content nor a member's name: a payload's names are input, and may be secrets.
     */
    void report(Problem.Type type, String name, String layer, String what) {
      if (reported) {
        return;
      }
      reported = true;
      Location l = locator.locate(at);
      if (l == null) {
        return; // a copy of text scanned where it stands (Locator): reported from there
      }
      StringBuilder m = new StringBuilder();
      if (name != null) {
        m.append(name).append(": ");
      }
      m.append("the base64 run at ");
      if (l.line() != null) {
        m.append("line ").append(l.line());
        if (l.column() != null) {
          m.append(", column ").append(l.column());
        }
        m.append(" (offset ").append(l.offset());
      } else {
        m.append("offset ").append(l.offset()).append(" (");
      }
      m.append(l.line() != null ? "; " : "");
      if (l.decodings() != null) {
        for (String d : l.decodings()) {
          m.append(d).append(", ");
        }
      }
      m.append(layer).append(") ").append(what);
      next.problem(new Problem(l.path(), type, m.toString()),
          l.path() + '\0' + l.offset() + '\0' + type + '\0' + name + '\0' + layer);
    }

    /**
     * Unpacks {@code b[0, len)}, reached through {@code layer} after {@code depth} steps, when it
     * is compressed or an archive and the budgets and the depth allow; scans it as text otherwise.
     * Bytes below the run that only looked like a format (the decoder failed) are scanned as text
     * too. {@code cut} when the bytes may end early (their run, or a decoder above, stopped short),
     * so that a payload in them that ends early is not damaged.
     */
    void open(byte[] b, int len, String layer, int depth, boolean cut) {
      Kind k = kind(b, len);
      if (k != null && (depth >= MAX_DEPTH || entriesLeft == 0 || bytesLeft == 0)) {
        if (certain(k, b, len)) {
          if (depth >= MAX_DEPTH) {
            report(Problem.Type.LIMIT, "payload-depth", layer, "holds " + k.layer + " data " + MAX_DEPTH
                + " steps down, which was not unpacked");
          } else if (entriesLeft == 0) {
            report(Problem.Type.LIMIT, "payload-members", layer, "holds more than " + MAX_ENTRIES
                + " members and compressed streams; the rest were not scanned");
          } else {
            report(Problem.Type.LIMIT, "payload-bytes", layer, "unpacks to more than " + (MAX_INFLATED >> 20)
                + " MiB; the rest was not scanned");
          }
        }
        k = null;
      }
      if (k == null) {
        text(b, len, layer, !cut);
        return;
      }
      entriesLeft--;
      String inner = layer + "+" + k.layer;
      boolean whole = switch (k) {
        case TAR -> tar(b, len, inner, depth + 1, cut);
        case ZIP -> zip(b, len, inner, depth + 1, cut);
        case SEVEN_Z -> sevenZ(b, len, inner, depth + 1, cut);
        default -> decompress(k, b, len, inner, depth + 1, cut);
      };
      if (!whole && depth > 0) {
        text(b, len, layer, !cut); // the run's own bytes are binary (Base64Layer tested them): only members
      }
    }

    /**
     * What a decoder gave, to the end of its stream or of the budget: {@code failure} when it
     * ended with an error, {@code capped} when the budget ended it with data left.
     */
    private record Out(byte[] b, int n, Throwable failure, boolean capped) {
      /** Whether the decoder ended without error (the budget may have ended it). */
      boolean clean() {
        return failure == null;
      }
    }

    /** Reads {@code in} up to the byte budget, which what is read is taken from. */
    private Out read(InputStream in, int sizeHint) {
      int cap = bytesLeft;
      byte[] out = new byte[Math.min(cap, Math.max(1024, sizeHint))];
      int m = 0;
      Throwable failure = null;
      boolean capped = false;
      try {
        while (true) {
          if (m == out.length) {
            if (m == cap) {
              capped = in.read() >= 0; // the budget is spent: is there more?
              break;
            }
            out = Arrays.copyOf(out, (int) Math.min(cap, out.length * 2L));
          }
          int r = in.read(out, m, out.length - m);
          if (r <= 0) {
            break;
          }
          m += r;
        }
      } catch (IOException | RuntimeException e) {
        failure = e; // damaged or cut: what came out counts
      }
      bytesLeft -= m;
      return new Out(out, m, failure, capped);
    }

    /**
     * Reports why {@code out}, reached through {@code layer} from data of {@code k}, is not all
     * of it: the byte budget, a decoder's memory cap, encryption or damage; {@code produced}
     * when the format already gave bytes or members, {@code cut} when its input may end early.
     */
    private void explain(Kind k, Throwable failure, boolean capped, boolean produced, boolean cut, String layer) {
      if (capped) {
        report(Problem.Type.LIMIT, "payload-bytes", layer, "unpacks to more than " + (MAX_INFLATED >> 20)
            + " MiB; the rest was not scanned");
      } else if (failure == null) {
        return;
      } else if (overMemory(failure)) {
        report(Problem.Type.LIMIT, "decoder-memory", layer, "needs a dictionary or window over "
            + (DECODER_MEMORY_KIB >> 10) + " MiB; it was not decoded");
      } else if (encrypted(failure)) {
        report(Problem.Type.ENCRYPTED, null, layer, "holds an encrypted member; it and the members after it were not scanned");
      } else if (failure instanceof LinkageError) {
        report(Problem.Type.UNSUPPORTED, null, layer, "holds " + k.layer + " data, whose decoder is not available on this platform");
      } else if (k.magic && produced && !cut) {
        report(Problem.Type.CORRUPT, null, layer, "is damaged or ends early: its " + k.layer
            + " data failed after it began to decode; what came before was scanned");
      }
    }

    private boolean decompress(Kind k, byte[] b, int len, String layer, int depth, boolean cut) {
      Out out = null;
      Throwable failure = null;
      try (InputStream in = decoder(k, new ByteArrayInputStream(b, 0, len))) {
        out = read(in, len * 8);
      } catch (IOException | RuntimeException | LinkageError e) {
        // a header that does not parse, a window past the memory cap, no zstd library for this
        // platform; or a failure to close, after what was read
        failure = e;
      }
      if (out == null) {
        explain(k, failure, false, false, cut, layer);
        return false;
      }
      explain(k, out.failure, out.capped, out.n > 0, cut, layer);
      if (out.n > 0) {
        open(out.b, out.n, layer, depth, cut || out.capped || !out.clean());
      }
      return out.clean();
    }

    private static InputStream decoder(Kind k, InputStream in) throws IOException {
      return switch (k) {
        case GZIP -> new GZIPInputStream(in);
        case ZLIB -> new InflaterInputStream(in);
        case BZIP2 -> new BZip2CompressorInputStream(in, true);
        case XZ -> new XZCompressorInputStream(in, true, DECODER_MEMORY_KIB);
        case ZSTD -> zstd(in);
        default -> throw new IllegalArgumentException("not a compressor: " + k);
      };
    }

    /** A zstd decoder whose window is capped; its native memory is freed by close, which nothing else does. */
    private static InputStream zstd(InputStream in) throws IOException {
      ZstdInputStreamNoFinalizer z = new ZstdInputStreamNoFinalizer(in);
      try {
        return z.setLongMax(ZSTD_WINDOW_LOG_MAX);
      } catch (IOException | RuntimeException e) {
        z.close();
        throw e;
      }
    }

    /** An xz or 7z dictionary over the cap (commons-compress's or xz's exception), or a zstd window. */
    private static boolean overMemory(Throwable e) {
      if (e.getClass().getSimpleName().equals("MemoryLimitException")) {
        return true;
      }
      return e instanceof ZstdIOException z && z.getErrorCode() == Zstd.errFrameParameterWindowTooLarge();
    }

    /** A 7z member that needs a password, or a zip entry flagged encrypted (the JDK's reader refuses it so). */
    private static boolean encrypted(Throwable e) {
      return e instanceof PasswordRequiredException
          || e instanceof java.util.zip.ZipException && "encrypted ZIP entry not supported".equals(e.getMessage());
    }

    /** A member's name, scanned as text as the expander scans archive member names. */
    private void name(String name, String layer) {
      if (name != null) {
        byte[] b = (name + "\n").getBytes(StandardCharsets.UTF_8);
        text(b, b.length, layer, true);
      }
    }

    /**
     * A tar's members (a {@code kubectl cp} payload, a bundle's tarball), read from memory; the
     * bytes a member holds are its slice of the tar, so they take nothing from the byte budget.
     * A tar has no magic, so its damage is not reported (a member that ends early is).
     */
    private boolean tar(byte[] b, int len, String layer, int depth, boolean cut) {
      try (TarArchiveInputStream t = new TarArchiveInputStream(new ByteArrayInputStream(b, 0, len))) {
        for (TarArchiveEntry e; (e = t.getNextEntry()) != null; ) {
          if (entriesLeft == 0) {
            report(Problem.Type.LIMIT, "payload-members", layer, "holds more than " + MAX_ENTRIES
                + " members and compressed streams; the rest were not scanned");
            return true;
          }
          entriesLeft--;
          name(e.getName(), layer);
          if (!e.isFile()) {
            continue;
          }
          // the declared size is input: no more than the tar's own bytes are allocated for it
          byte[] content = new byte[(int) Math.min(Math.max(e.getSize(), 0), len)];
          int m = 0;
          boolean broken = false;
          try {
            for (int r; m < content.length && (r = t.read(content, m, content.length - m)) > 0; ) {
              m += r;
            }
          } catch (IOException | RuntimeException x) {
            broken = true; // a tar cut inside this member (a truncated field): what it held up to there is scanned
          }
          open(content, m, layer, depth, cut || broken || m < content.length);
          if (broken) {
            return false;
          }
        }
      } catch (IOException | RuntimeException e) {
        return false; // damaged or cut: the members before it were scanned
      }
      return true;
    }

    /**
     * A zip read from its local headers (an attachment field of a bundle or an API answer). A
     * member read to the budget's end ends the reading: the next header lies past the member's
     * unread rest, which would be inflated to be skipped.
     */
    private boolean zip(byte[] b, int len, String layer, int depth, boolean cut) {
      boolean produced = false;
      try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(b, 0, len))) {
        for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
          produced = true;
          if (entriesLeft == 0 || bytesLeft == 0) {
            explainCap(layer);
            return true;
          }
          entriesLeft--;
          name(e.getName(), layer);
          Out out = read(z, (int) Math.min(Integer.MAX_VALUE, Math.max(e.getSize(), 0)));
          explain(Kind.ZIP, out.failure, out.capped, true, cut, layer);
          if (out.n > 0) {
            open(out.b, out.n, layer, depth, cut || out.capped || !out.clean());
          }
          if (!out.clean() || out.capped) {
            return out.clean();
          }
        }
      } catch (IOException | RuntimeException e) {
        explain(Kind.ZIP, e, false, produced, cut, layer);
        return false; // damaged, cut or encrypted: the entries before it were scanned
      }
      return true;
    }

    /** Reports that a member is left over once the entry or byte budget is spent. */
    private void explainCap(String layer) {
      if (entriesLeft == 0) {
        report(Problem.Type.LIMIT, "payload-members", layer, "holds more than " + MAX_ENTRIES
            + " members and compressed streams; the rest were not scanned");
      } else {
        report(Problem.Type.LIMIT, "payload-bytes", layer, "unpacks to more than " + (MAX_INFLATED >> 20)
            + " MiB; the rest was not scanned");
      }
    }

    /**
     * A 7z's members, read in order as they are stored (solid blocks decode front to back), its
     * dictionary within {@link #DECODER_MEMORY_KIB}. As for a zip, a member read to the budget's
     * end ends the reading: the next member lies past the unread rest in the same block.
     */
    private boolean sevenZ(byte[] b, int len, String layer, int depth, boolean cut) {
      byte[] whole = len == b.length ? b : Arrays.copyOf(b, len);
      boolean produced = false;
      try (SevenZFile z = SevenZFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(whole))
          .setMaxMemoryLimitKiB(DECODER_MEMORY_KIB).get()) {
        InputStream current = new InputStream() {
          @Override
          public int read() throws IOException {
            return z.read();
          }

          @Override
          public int read(byte[] buf, int off, int n) throws IOException {
            return z.read(buf, off, n);
          }
        };
        for (SevenZArchiveEntry e; (e = z.getNextEntry()) != null; ) {
          produced = true;
          boolean hasData = !e.isDirectory() && e.hasStream() && !e.isAntiItem();
          if (entriesLeft == 0 || bytesLeft == 0 && hasData) {
            explainCap(layer);
            return true;
          }
          entriesLeft--;
          name(e.getName(), layer);
          if (!hasData) {
            continue;
          }
          Out out = read(current, (int) Math.min(Integer.MAX_VALUE, Math.max(e.getSize(), 0)));
          explain(Kind.SEVEN_Z, out.failure, out.capped, true, cut, layer);
          if (out.n > 0) {
            open(out.b, out.n, layer, depth, cut || out.capped || !out.clean());
          }
          if (!out.clean() || out.capped) {
            return out.clean();
          }
        }
      } catch (IOException | RuntimeException e) {
        explain(Kind.SEVEN_Z, e, false, produced, cut, layer);
        return false; // damaged, encrypted, or a dictionary past the cap
      }
      return true;
    }

    /**
     * Scans {@code text[0, m)} one layer down when nine in ten of its bytes are text; {@code whole}
     * when the bytes are all their member or stream held.
     */
    private void text(byte[] text, int m, String layer, boolean whole) {
      if (m < 8) {
        return;
      }
      int maxBad = m / 10;
      int bad = 0;
      for (int i = 0; i < m; i++) {
        if (!DecodingLayer.isText(text[i]) && ++bad > maxBad) {
          return; // compressed binary (an image, a member that is no text): not text a rule reads
        }
      }
      int where = at;
      next.pass(text, m, layer, p -> locator.locate(where), whole);
    }
  }
}
