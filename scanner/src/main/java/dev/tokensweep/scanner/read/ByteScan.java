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
