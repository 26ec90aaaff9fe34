package dev.tokensweep.scanner.expand;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * Tells archives and compressed streams from leaves by their first bytes, names second: a rotated
 * {@code app.log.2} that is gzip is gzip, a {@code .txt} that is a zip is a zip, and a {@code .gz}
 * that holds plain text is a leaf. Every weak magic is confirmed before it is believed, because a
 * plain text file must never be taken for an archive: bzip2 needs its block or end-of-stream magic
 * after {@code BZh1-9} and, since the block magic is ASCII, a head that decodes or, failing that,
 * bytes that do not read as text (a damaged bzip2 is opened and reported, never scanned as a
 * binary); tar needs a valid header checksum (ustar or old-style); cpio needs a whole
 * well-formed header; lzma needs a plausible 13-byte header; zlib needs a valid header and must
 * inflate the bytes that follow without error, and its rarer header bytes count only with a
 * {@code .zz}/{@code .zlib}/{@code .deflate} name. Brotli has no magic at all: only a {@code .br}
 * (the suffix the {@code brotli} tool writes and web servers serve precompressed files under) is
 * tried, and only when its head decodes ({@link #isBrotli}). {@code ArchiveStreamFactory.detect} is not used:
 * it probes formats (dump, arj, tar without a checksum match) more loosely than we want.
 * Stateless and thread-safe.
 */
public final class Sniffer {
  private Sniffer() {}

  /** Bytes of a stream's start that sniffing looks at; a shorter head is the whole stream. */
  public static final int HEAD = 8192;

  /** Bytes a bzip2 head is decoded to before it counts as bzip2: one read proves the block header and tables parse. */
  private static final int BZIP2_PROBE = 4096;

  /** Output buffer of the deflate probe: one inflate call's worth; the probe keeps nothing it produces. */
  private static final int INFLATE_PROBE_BUFFER = 8192;

  /** The deflate probe stops once this much has inflated without error: a head that got this far is deflate. */
  private static final int INFLATE_PROBE_BYTES = 1 << 20;

  /**
   * The container format of a leaf named {@code name} starting with {@code head[0, len)}, or null
   * for a leaf. {@code len < HEAD} means the head is the whole stream.
   */
  public static Format sniff(String name, byte[] head, int len) {
    String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
    if (len >= 4 && at(head, len, 0, 'P', 'K')
        && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6) || (head[2] == 7 && head[3] == 8))) {
      return Format.ZIP;
    }
    if (at(head, len, 0, 0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C)) {
      return Format.SEVEN_Z;
    }
    if (at(head, len, 0, 0xFD, '7', 'z', 'X', 'Z', 0x00)) {
      return Format.XZ;
    }
    if (at(head, len, 0, 0x28, 0xB5, 0x2F, 0xFD)) {
      return Format.ZSTD;
    }
    if (at(head, len, 0, 0x04, 0x22, 0x4D, 0x18)) {
      return Format.LZ4;
    }
    if (at(head, len, 0, 0xFF, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'Y')) {
      return Format.SNAPPY;
    }
    if (at(head, len, 0, 'm', 'o', 'z', 'L', 'z', '4', '0', 0)) {
      return Format.MOZLZ4;
    }
    if (at(head, len, 0, 0x1F, 0x8B, 0x08)) {
      return Format.GZIP;
    }
    if (at(head, len, 0, 0x1F, 0x9D)) {
      return Format.Z;
    }
    if (isBzip2(head, len)) {
      return Format.BZIP2;
    }
    if (at(head, len, 0, '!', '<', 'a', 'r', 'c', 'h', '>', '\n')) {
      return Format.AR;
    }
    if (isCpio(head, len)) {
      return Format.CPIO;
    }
    if (isTar(head, len)) {
      return Format.TAR;
    }
    if (isLzma(head, len, lower.endsWith(".lzma") || lower.endsWith(".tlz"))) {
      return Format.LZMA;
    }
    if (isZlib(head, len, lower.endsWith(".zz") || lower.endsWith(".zlib") || lower.endsWith(".deflate"))) {
      return Format.DEFLATE;
    }
    if (lower.endsWith(".br") && isBrotli(head, len)) {
      return Format.BROTLI;
    }
    return null;
  }

  /**
   * Whether a file starting with {@code head} may be a launcher with a zip behind it (a
   * self-extracting archive): a script, an ELF or a PE executable. Such a file is not read in
   * parts: the expander looks for zips in a file it reads whole ({@link ZipEnds}).
   */
  public static boolean launcher(byte[] head, int len) {
    return len >= 4 && (head[0] == '#' && head[1] == '!' || at(head, len, 0, 0x7F, 'E', 'L', 'F')
        || head[0] == 'M' && head[1] == 'Z');
  }

  private static boolean at(byte[] h, int len, int off, int... magic) {
    if (len < off + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((h[off + i] & 0xFF) != (magic[i] & 0xFF)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isBzip2(byte[] h, int len) {
    if (len < 10 || !at(h, len, 0, 'B', 'Z', 'h') || h[3] < '1' || h[3] > '9') {
      return false;
    }
    // the first block's magic (digits of pi) or, for an empty stream, the end-of-stream magic (sqrt pi)
    if (at(h, len, 4, 0x17, 0x72, 0x45, 0x38, 0x50, 0x90)) {
      return true;
    }
    // the block magic is ASCII ("1AY&SY"), so text can start like bzip2: decode the head, and
    // reject it when the decoder fails on bytes that read as text
    return at(h, len, 4, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59) && decodesOrIsBinary(h, len);
  }

  private static boolean decodesOrIsBinary(byte[] h, int len) {
    boolean[] exhausted = {false};
    InputStream head = new ByteArrayInputStream(h, 0, len) {
      @Override
      public synchronized int read() {
        int b = super.read();
        exhausted[0] |= b < 0;
        return b;
      }

      @Override
      public synchronized int read(byte[] b, int off, int n) {
        int r = super.read(b, off, n);
        exhausted[0] |= r < 0 || pos >= count;
        return r;
      }
    };
    try (InputStream in = new BZip2CompressorInputStream(head, false)) {
      in.read(new byte[BZIP2_PROBE]);
      return true;
    } catch (IOException | RuntimeException e) {
      if (exhausted[0] && len >= HEAD) {
        return true;                                   // ran out of a head that is not the whole stream: inconclusive
      }
      // a format error, or a whole stream cut short: a damaged bzip2, which the expander opens and
      // reports, unless it reads as text (the decoder can run through short text without complaint)
      int controls = controlBytes(h, 10, len);
      return controls > 0 && controls * 16 >= len - 10;
    }
  }

  /**
   * Whether a {@code .br} head is Brotli: the decoder read it without a format error (a whole
   * stream to its end, with content; or a head of {@link #HEAD} to its end, which the decoder,
   * reading 4 KiB at a time, reaches only after decoding its first 4 KiB; or
   * {@link #INFLATE_PROBE_BYTES} of output), or it failed on bytes that do not read as text: a
   * damaged Brotli, which the expander opens and reports. Text fails within its first bytes (the
   * bits of a meta-block header, a Huffman code, padding that must be zero), or makes a complete
   * stream of no content (text that starts {@code ===} does), and stays a leaf.
   */
  private static boolean isBrotli(byte[] h, int len) {
    int[] read = {0}; // how far the decoder read the head
    InputStream head = new ByteArrayInputStream(h, 0, len) {
      @Override
      public synchronized int read(byte[] b, int off, int n) {
        int r = super.read(b, off, n);
        read[0] = pos;
        return r;
      }
    };
    long produced = 0;
    try (InputStream in = new org.brotli.dec.BrotliInputStream(head)) {
      byte[] out = new byte[INFLATE_PROBE_BUFFER];
      for (int n; (n = in.read(out, 0, out.length)) >= 0; ) {
        produced += n;
        if (produced > INFLATE_PROBE_BYTES) {
          return true;                                 // decoding fine; no need to go on
        }
      }
      return produced > 0;                             // a whole stream (what follows it is the expander's to report)
    } catch (IOException | RuntimeException e) {
      if (len >= HEAD && read[0] == len) {
        return true;                                   // got through 4 KiB, then ran out of the head: inconclusive
      }
      int controls = controlBytes(h, 0, len);
      return controls > 0 && controls * 16 >= len;
    } catch (LinkageError e) {
      return false;                                    // no decoder: read as what it looks like
    }
  }

  /** C0 controls but tab, newline and return: one byte in nine of compressed data, none of text. */
  private static int controlBytes(byte[] h, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      int b = h[i] & 0xFF;
      if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F) {
        n++;
      }
    }
    return n;
  }

  private static boolean isCpio(byte[] h, int len) {
    if (at(h, len, 0, '0', '7', '0', '7', '0', '1') || at(h, len, 0, '0', '7', '0', '7', '0', '2')) {
      return len >= 110 && allDigits(h, 6, 110, 16);       // newc/crc: 13 fields of 8 hex digits
    }
    if (at(h, len, 0, '0', '7', '0', '7', '0', '7')) {
      return len >= 76 && allDigits(h, 6, 76, 8);           // odc: 11 octal fields
    }
    boolean le = at(h, len, 0, 0xC7, 0x71);
    boolean be = at(h, len, 0, 0x71, 0xC7);
    if ((le || be) && len >= 26) {                         // old binary: 26-byte header, then a NUL-ended name
      int nameSize = le ? (h[20] & 0xFF) | (h[21] & 0xFF) << 8 : (h[20] & 0xFF) << 8 | (h[21] & 0xFF);
      return nameSize >= 1 && nameSize <= 4096 && len >= 26 + nameSize && h[26 + nameSize - 1] == 0;
    }
    return false;
  }

  private static boolean allDigits(byte[] h, int from, int to, int radix) {
    for (int i = from; i < to; i++) {
      if (Character.digit((char) (h[i] & 0xFF), radix) < 0) {
        return false;
      }
    }
    return true;
  }

  /** A ustar header (magic at 257) or an old-style one, either way with a matching header checksum. */
  public static boolean isTar(byte[] h, int len) {
    if (len < 512 || h[0] == 0) {
      return false;
    }
    long stored = 0;
    int i = 148;
    while (i < 156 && h[i] == ' ') {
      i++;
    }
    int digits = 0;
    for (; i < 156 && h[i] >= '0' && h[i] <= '7'; i++, digits++) {
      stored = stored * 8 + (h[i] - '0');
    }
    if (digits == 0 || (i < 156 && h[i] != 0 && h[i] != ' ')) {
      return false;
    }
    long unsigned = 0;
    long signed = 0;
    for (int k = 0; k < 512; k++) {
      int b = k >= 148 && k < 156 ? ' ' : h[k];
      unsigned += b & 0xFF;
      signed += b;                                     // some old tars summed signed bytes
    }
    return stored == unsigned || stored == signed;
  }

  /** {@code props} byte, dictionary size, then the uncompressed size (-1 when unknown). */
  private static boolean isLzma(byte[] h, int len, boolean named) {
    if (len < 13 || (h[0] & 0xFF) >= 225 || ((h[0] & 0xFF) != 0x5D && !named)) {
      return false;
    }
    long dict = (h[1] & 0xFFL) | (h[2] & 0xFFL) << 8 | (h[3] & 0xFFL) << 16 | (h[4] & 0xFFL) << 24;
    // 2^n or 2^n + 2^(n-1), as encoders write it, or all ones (xz --format=lzma decodes that too)
    boolean dictOk = dict >= 4096 && (Long.bitCount(dict) == 1 || Long.bitCount(dict) == 2 && (dict & (dict >> 1)) != 0)
        || dict == 0xFFFFFFFFL;
    boolean unknown = true;
    for (int i = 5; i < 13; i++) {
      unknown &= (h[i] & 0xFF) == 0xFF;
    }
    // a known size below 2^40: its three top bytes are zero, which text never has
    boolean small = h[10] == 0 && h[11] == 0 && h[12] == 0;
    return dictOk && (unknown || small);
  }

  private static boolean isZlib(byte[] h, int len, boolean named) {
    if (len < 3) {
      return false;
    }
    int cmf = h[0] & 0xFF;
    int flg = h[1] & 0xFF;
    if ((cmf & 0x0F) != 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 != 0 || (flg & 0x20) != 0) {
      return false;
    }
    boolean common = cmf == 0x78 && (flg == 0x01 || flg == 0x5E || flg == 0x9C || flg == 0xDA);
    return (common || named) && inflates(h, len);
  }

  /** Whether the head inflates without a format error (it may end before the stream does). */
  private static boolean inflates(byte[] h, int len) {
    Inflater inf = new Inflater(false);
    try {
      inf.setInput(h, 0, len);
      byte[] out = new byte[INFLATE_PROBE_BUFFER];
      long produced = 0;
      while (!inf.finished() && !inf.needsInput() && !inf.needsDictionary()) {
        int n = inf.inflate(out);
        produced += n;
        if (n == 0 && !inf.needsInput() && !inf.finished()) {
          break;
        }
        if (produced > INFLATE_PROBE_BYTES) {
          break;                                        // inflating fine; no need to go on
        }
      }
      return !inf.needsDictionary() && (produced > 0 || inf.needsInput());
    } catch (DataFormatException e) {
      return false;
    } finally {
      inf.end();
    }
  }
}
