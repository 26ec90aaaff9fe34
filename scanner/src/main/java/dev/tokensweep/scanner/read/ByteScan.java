package dev.tokensweep.scanner.read;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Counting and finding one byte value eight bytes at a time (SWAR): a {@code long} read through
 * a byte-array view, the classic has-zero-byte test on {@code word ^ pattern}, and a popcount.
 * For the reader loops that look at every byte of a leaf (newlines, {@code %}).
 */
final class ByteScan {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long LOWS = 0x7F7F7F7F7F7F7F7FL;
  private static final long HIGHS = 0x8080808080808080L;

  private ByteScan() {}

  /** How many bytes of {@code buf[from, to)} equal {@code b}. */
  static int count(byte[] buf, int from, int to, byte b) {
    long pattern = ONES * (b & 0xFF);
    int n = 0;
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(buf, i) ^ pattern;
      // exact per-byte zero test (no borrow between bytes): high bit set where the byte is zero
      long z = ~(((x & LOWS) + LOWS) | x | LOWS);
      n += Long.bitCount(z);
    }
    for (; i < to; i++) {
      if (buf[i] == b) {
        n++;
      }
    }
    return n;
  }

  /** The first index of {@code b} in {@code buf[from, to)}, or -1. */
  static int indexOf(byte[] buf, int from, int to, byte b) {
    long pattern = ONES * (b & 0xFF);
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(buf, i) ^ pattern;
      long z = ~(((x & LOWS) + LOWS) | x | LOWS);
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
  static long word(byte[] buf, int i) {
    return (long) LONGS.get(buf, i);
  }

  /**
   * The high bit of each byte of {@code x} that is not in the base64 alphabet, standard or
   * URL-safe ({@code A-Z a-z 0-9 + - / _}), with no table and no branch: range tests on the low
   * seven bits (no carry crosses a byte, since every byte is below 0x80 then), letters folded to
   * lower case first; bytes from 0x80 up are never base64.
   */
  static long nonBase64(long x) {
    long y = x & LOWS;
    long f = y | 0x2020202020202020L;
    long letters = (f + 0x1F1F1F1F1F1F1F1FL) & ~(f + 0x0505050505050505L);      // 0x61..0x7A
    long plusToNine = (y + 0x5555555555555555L) & ~(y + 0x4646464646464646L);   // 0x2B..0x39
    long commaDot = ~((((y & ~0x0202020202020202L) ^ 0x2C2C2C2C2C2C2C2CL)) + LOWS); // 0x2C, 0x2E
    long underscore = ~((y ^ 0x5F5F5F5F5F5F5F5FL) + LOWS);
    long b64 = (letters | (plusToNine & ~commaDot) | underscore) & ~x & HIGHS;
    return ~b64 & HIGHS;
  }

  /** The high bit of each byte of {@code x} that equals {@code b} (given as {@code ONES * b}, b below 0x80). */
  static long equalBytes(long x, long pattern) {
    long z = x ^ pattern;
    return ~(((z & LOWS) + LOWS) | z | LOWS);
  }

  /**
   * The high bit of each byte of {@code x} that is {@code %} or {@code #}, or {@code !} or
   * {@code '} (the four values 0x21 + an even number below 8): half the work of two exact tests,
   * for a caller that checks the byte again.
   */
  static long percentOrHashOrNear(long x) {
    long z = (x ^ 0x2121212121212121L) & ~0x0606060606060606L;
    return ~(((z & LOWS) + LOWS) | z | LOWS);
  }

  /** {@code ONES * b}: the pattern {@link #equalBytes} takes. */
  static long pattern(byte b) {
    return ONES * (b & 0xFF);
  }

  /** The last index of {@code b} in {@code buf[from, to)}, or -1. */
  static int lastIndexOf(byte[] buf, int from, int to, byte b) {
    for (int i = to - 1; i >= from; i--) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
  }

}
