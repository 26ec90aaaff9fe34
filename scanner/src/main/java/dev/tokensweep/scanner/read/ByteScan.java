package dev.tokensweep.scanner.read;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Counting and finding one byte value eight bytes at a time (SWAR): a {@code long} read through
 * a byte-array view, the classic has-zero-byte test on {@code word ^ pattern}, and a popcount;
 * and the decoding layer's classification of every byte, in a loop the JIT vectorizes. For the
 * reader loops that look at every byte of a leaf (newlines, base64 runs, {@code %}); public for
 * the decoding layers ({@code decode/}), which read every byte of every segment.
 */
public final class ByteScan {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long LOWS = 0x7F7F7F7F7F7F7F7FL;
  private static final long HIGHS = 0x8080808080808080L;

  /** Each byte's base64 value in either alphabet (standard or URL-safe), -1 for a byte that is none. */
  private static final byte[] BASE64 = new byte[256];

  static {
    java.util.Arrays.fill(BASE64, (byte) -1);
    String a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < a.length(); i++) {
      BASE64[a.charAt(i)] = (byte) i;
    }
    BASE64['+'] = 62;
    BASE64['-'] = 62;
    BASE64['/'] = 63;
    BASE64['_'] = 63;
  }

  private ByteScan() {}

  /**
   * The base64 value of {@code b} in either alphabet, -1 for a byte that is none: the one table
   * the base64 layer decodes with and the JSON-lines skip finds runs with.
   */
  public static int base64Value(byte b) {
    return BASE64[b & 0xFF];
  }

  /**
   * Whether {@code b0 b1} (unsigned) is a zlib header as deflate writes one: method 8, a window of
   * at most 32 KiB, no preset dictionary, and the header's check (RFC 1950).
   */
  public static boolean zlibHeader(int b0, int b1) {
    return (b0 & 0x0F) == 8 && (b0 >>> 4) <= 7 && (b1 & 0x20) == 0 && ((b0 << 8) | b1) % 31 == 0;
  }

  /** Base64 characters that decode to a whole 512-byte tar header (683 * 6 bits = 512 bytes and 2 bits). */
  private static final int TAR_HEADER_RUN = 683;

  /**
   * Whether the {@code n} (at least 4) base64 characters at {@code s} start with a gzip member, a
   * zlib stream, bzip2, xz or zstd data, a zip's first local header, a 7z signature or a ustar
   * header: the runs the decoding layer unpacks ({@code decode/Inflated}), told by a few
   * characters, so that text runs never go there and binary runs cost little.
   */
  public static boolean startsCompressed(byte[] buf, int s, int n) {
    if (n < 4) {
      return false;
    }
    int x = quantum(buf, s);
    int b0 = x >>> 16 & 0xFF;
    int b1 = x >>> 8 & 0xFF;
    int b2 = x & 0xFF;
    if (b0 == 0x1F && b1 == 0x8B && b2 == 8 || b0 == 'P' && b1 == 'K' && b2 == 3) {
      return true; // a gzip member, a zip's first local header
    }
    if (b0 == 'B' && b1 == 'Z' && b2 == 'h' || b0 == 0xFD && b1 == '7' && b2 == 'z'
        || b0 == 0x28 && b1 == 0xB5 && b2 == 0x2F || b0 == '7' && b1 == 'z' && b2 == 0xBC) {
      return true; // bzip2, xz, zstd, 7z
    }
    // zlib: deflate with a window of at most 32 KiB, no preset dictionary, the header's check
    if (zlibHeader(b0, b1)) {
      return true;
    }
    // A tar has no magic at its start, only "ustar" at offset 257 of its first header (GNU tar,
    // bsdtar, Go's archive/tar as kubectl cp uses it and Python's tarfile all write it; pre-POSIX
    // v7 tars without it are not looked for). Only a run long enough for a whole header is
    // tested, and only the characters of bytes 255-263: the first quantum holds byte 257, so a
    // binary run that is no tar is given up after one more quantum, as the tests above. The
    // header's checksum (Sniffer.isTar, as files are sniffed) is verified once the run is decoded.
    if (n < TAR_HEADER_RUN || (quantum(buf, s + 340) & 0xFF) != 'u') {
      return false;
    }
    int st = quantum(buf, s + 344);
    return st == ('s' << 16 | 't' << 8 | 'a') && (quantum(buf, s + 348) >>> 16) == 'r';
  }

  /** The three bytes the four base64 characters at {@code i} decode to, as one int. */
  private static int quantum(byte[] buf, int i) {
    return base64Value(buf[i]) << 18 | base64Value(buf[i + 1]) << 12 | base64Value(buf[i + 2]) << 6 | base64Value(buf[i + 3]);
  }

  /** How many bytes of {@code buf[from, to)} equal {@code b}. */
  public static int count(byte[] buf, int from, int to, byte b) {
    long pattern = ONES * (b & 0xFF);
    int n = 0;
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(buf, i) ^ pattern;
      n += Long.bitCount(zeroBytes(x));
    }
    for (; i < to; i++) {
      n += (((buf[i] ^ b) & 0xFF) - 1) >>> 31; // no branch for C2 to prune on what its profile saw
    }
    return n;
  }

  /** The first index of {@code b} in {@code buf[from, to)}, or -1. */
  public static int indexOf(byte[] buf, int from, int to, byte b) {
    long pattern = ONES * (b & 0xFF);
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(buf, i) ^ pattern;
      long z = zeroBytes(x);
      if (z != 0) {
        return i + (Long.numberOfTrailingZeros(z) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** The little-endian word at {@code buf[i, i + 8)}. */
  public static long word(byte[] buf, int i) {
    return (long) LONGS.get(buf, i);
  }

  /**
   * Classifies {@code buf[from, to)} a byte at a time into {@code flags} at the same indexes: bit
   * 7 of a flag says "not base64" (standard or URL-safe, {@code A-Z a-z 0-9 + - / _}), bit 6 "a
   * newline, {@code !}, {@code #}, {@code %} or {@code '}" (a byte below 0x80: the bytes the
   * decoding pass must look at again, one test for all of them; {@link #hints}); the other bits
   * are zero. The pass reads the flags as masks of a bit a byte ({@link #highBits}) and looks at
   * the bytes themselves only where a hint is: a log has one a line or so.
   *
   * <p>Written for C2's superword pass, which then runs it 16 or 32 bytes an instruction (SSE,
   * AVX2, NEON): int arithmetic with no branch and no table, and the same index into both arrays
   * (with the output at an offset from the input it stayed scalar, 27 times slower). The base64
   * test is the usual set of range tests on the low seven bits, letters folded to lower case
   * first, with no carry reaching bit 7 from below. The hint is {@code (v - 1) & ~v} for
   * {@code v} the low seven bits compared by xor, whose bit 6 is set exactly when {@code v} is
   * zero (below 0x80, a non-zero {@code v} has a set bit at 6 or lower, so the borrow stops
   * there); no right shift, which keeps the loop vectorized (moving a bit 7 result down to bit 6
   * with a shift made it scalar, 7 times slower). The base64 test alone over 200 MB of generated
   * log: ~12 ms this way, ~75 ms eight bytes at a time in a long (SWAR), as the decoding pass did
   * it before; right shifts of the int and other arrays written in the same loop kept it scalar
   * in some forms, so check a change with a profile.
   */
  public static void classify(byte[] buf, int from, int to, byte[] flags) {
    for (int i = from; i < to; i++) {
      int x = buf[i];
      int y = x & 0x7F;
      int f = y | 0x20;
      int letters = (f + 0x1F) & ~(f + 0x05);                    // 0x61..0x7A
      int plusToNine = (y + 0x55) & ~(y + 0x46);                  // 0x2B..0x39
      int commaDot = ~(((y & ~0x02) ^ 0x2C) + 0x7F);              // 0x2C, 0x2E
      int underscore = ~((y ^ 0x5F) + 0x7F);
      int base64 = (letters | (plusToNine & ~commaDot) | underscore) & ~x;
      int newline = y ^ 0x0A;
      int special = (y & ~0x06) ^ 0x21;                           // 0x21, 0x23, 0x25, 0x27
      int hint = (((newline - 1) & ~newline) | ((special - 1) & ~special)) & ~(x >> 7);
      flags[i] = (byte) ((~base64 & 0x80) | (hint & 0x40));
    }
  }

  /** The high bit of each flag byte in {@code w} (eight {@link #classify} flags) that is not base64. */
  public static long nonBase64(long w) {
    return w & HIGHS;
  }

  /**
   * The high bit of each flag byte in {@code w} that stands for a newline, {@code !}, {@code #},
   * {@code %} or {@code '}: zero when the bytes hold none of them.
   */
  public static long hints(long w) {
    return (w << 1) & HIGHS;
  }

  /**
   * The high bits of the eight bytes of {@code w} as eight bits, the first byte's lowest: the
   * decoding pass's {@link #classify} flags a bit a byte (x86's movemask). Of the product's 64
   * terms (byte k's bit 7 times the multiplier's bits 0, 7, ..., 49) no two fall on one bit, so
   * nothing carries, and in bits 56 to 63 only byte k's, at 56 + k.
   */
  public static long highBits(long w) {
    return ((w & HIGHS) * 0x0002040810204081L) >>> 56;
  }

  /** The high bit of each byte of {@code bytes} that is 0x7F or above. */
  public static long highs(long bytes) {
    return (bytes & HIGHS) | zeroBytes(bytes ^ 0x7F7F7F7F7F7F7F7FL);
  }

  /**
   * The high bit of each byte of {@code x} that is zero: the exact per-byte test (no borrow
   * crosses from one byte to the next), which every byte test here makes after an xor.
   */
  private static long zeroBytes(long x) {
    return ~(((x & LOWS) + LOWS) | x | LOWS);
  }

  /** The last index of {@code b} in {@code buf[from, to)}, or -1. */
  public static int lastIndexOf(byte[] buf, int from, int to, byte b) {
    for (int i = to - 1; i >= from; i--) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
  }

}
