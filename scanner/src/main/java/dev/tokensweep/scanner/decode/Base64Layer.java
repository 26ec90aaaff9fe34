package dev.tokensweep.scanner.decode;

import dev.tokensweep.scanner.read.ByteScan;
import dev.tokensweep.scanner.read.Locator;

/**
 * Base64 (standard and URL-safe alphabets, padding optional): each maximal run of at least
 * {@link DecodingLayer#MIN_RUN} base64 bytes that {@link SegmentPass} noted, decoded when at least
 * nine in ten of its bytes are text ({@code Authorization: Basic}, base64 of JSON holding a
 * token). A finding in it is located at the encoded byte that encodes its first byte, to within a
 * base64 quantum.
 */
final class Base64Layer implements DecodingLayer {

  /**
   * Decoded text shorter than this is not passed on: a run of {@link DecodingLayer#MIN_RUN}
   * characters decodes to 12 bytes, and a shorter remainder after dropping a stray character
   * holds no secret any rule could confirm.
   */
  private static final int MIN_DECODED = 8;

  /**
   * After this many decoded bytes a run with more than one in ten non-text bytes is given up as
   * binary (an id, a hash, a compressed blob) before it is decoded to its end.
   */
  private static final int EARLY_VERDICT_BYTES = 32;

  @Override
  public String name() {
    return "base64";
  }

  @Override
  public void decode(byte[] buf, int from, int to, int ownFrom, int ownTo, SegmentPass pass, Locator locator, Next next) {
    for (int k = 0; k < pass.nRuns; k += 2) {
      decodeRun(buf, pass.runs[k], pass.runs[k + 1], to, locator, next);
    }
  }

  /** Decodes the run {@code [s, e)} of a segment that ends at {@code to}. */
  private void decodeRun(byte[] buf, int s, int e, int to, Locator locator, Next next) {
    // A run that ends at the segment's end may go on past it (a reader's chunk, unless this
    // segment is a whole decoded run or its leaf ends there), and one SegmentPass cut at MAX_RUN
    // goes on when a base64 byte follows: what it decodes to may end early, which is no damage of
    // its own. A run of exactly MAX_RUN that ends the leaf is whole.
    boolean atEnd = e == to && !next.wholeEnd();
    boolean overLong = e - s == MAX_RUN && (e < to ? ByteScan.base64Value(buf[e]) >= 0 : atEnd);
    int n = e - s;
    if (n % 4 == 1) {
      n--;
    }
    RunMemo memos = next.memo();
    RunMemo memo = n >= RunMemo.MIN_BYTES ? memos : null;
    if (memo != null && memo.holds(buf, s, n)) {
      return; // an equal run came to nothing earlier in the leaf (a bearer JWT on every line)
    }
    boolean isShort = memos != null && n <= RunMemo.SHORT_MAX;
    if (isShort && memos.binary(buf, s, n)) {
      return; // an equal short run failed the text check earlier (authorization_code on every line)
    }
    // Most runs are identifiers, UUIDs and hex ids that decode to binary: decide without
    // allocating first, by the same rules as below, and stop as soon as the final 90% rule
    // can no longer hold (the decoded length is known in advance).
    if (!mostlyText(buf, s, n)) {
      if (isShort) {
        memos.addBinary(buf, s, n);
      } else if (Inflated.startsCompressed(buf, s, n)) {
        long mark = memo == null ? 0 : memo.mark();
        Inflated.pass(buf, s, n, locator, next, atEnd || overLong, overLong);
        if (memo != null) {
          memo.add(buf, s, n, mark);
        }
      }
      return;
    }
    byte[] out = new byte[n * 3 / 4];
    int o = 0;
    int acc = 0;
    int bits = 0;
    int printable = 0;
    for (int i = s; i < s + n; i++) {
      acc = (acc << 6) | ByteScan.base64Value(buf[i]);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        byte b = (byte) (acc >> bits);
        out[o++] = b;
        if (DecodingLayer.isText(b)) {
          printable++;
        } else if (o - printable > o / 10 + 1 && o >= EARLY_VERDICT_BYTES) {
          return; // not text: give up early on binary blobs
        }
      }
    }
    if (o < MIN_DECODED || printable * 10 < o * 9) {
      return;
    }
    final int fs = s;
    long mark = memo == null ? 0 : memo.mark();
    next.pass(out, o, name(), Locator.decoded(locator, p -> fs + (int) ((long) p * 4 / 3),
        q -> fs + (int) (((long) q * 4 + 2) / 3)), !atEnd && !overLong);
    if (memo != null) {
      memo.add(buf, s, n, mark);
    }
  }

  /**
   * Whether the {@code n} base64 characters at {@code s} pass decodeRun's text rules; no
   * allocation. Four characters at a time (three bytes, one table test each), with the rules
   * checked at each non-text byte as the byte-at-a-time loop did; the 1-3 characters after the
   * last whole quantum go through that loop.
   */
  static boolean mostlyText(byte[] buf, int s, int n) {
    int total = n * 6 / 8; // bytes the run decodes to
    if (total < MIN_DECODED) {
      return false;
    }
    int maxBad = total / 10; // printable * 10 >= total * 9 holds while bad <= total / 10
    int o = 0;
    int bad = 0;
    int i = s;
    int end = s + n;
    for (; i + 4 <= end; i += 4) {
      int x = ByteScan.base64Value(buf[i]) << 18 | ByteScan.base64Value(buf[i + 1]) << 12 | ByteScan.base64Value(buf[i + 2]) << 6 | ByteScan.base64Value(buf[i + 3]);
      int not = NOT_TEXT[x >>> 16 & 0xFF] | NOT_TEXT[x >>> 8 & 0xFF] << 1 | NOT_TEXT[x & 0xFF] << 2;
      while (not != 0) {
        int at = o + Integer.numberOfTrailingZeros(not) + 1; // bytes decoded up to this one
        bad++;
        if (bad > maxBad || (bad > at / 10 + 1 && at >= EARLY_VERDICT_BYTES)) {
          return false;
        }
        not &= not - 1;
      }
      o += 3;
    }
    int acc = 0;
    int bits = 0;
    for (; i < end; i++) {
      acc = (acc << 6) | ByteScan.base64Value(buf[i]);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        o++;
        if (!DecodingLayer.isText((byte) (acc >> bits))) {
          bad++;
          if (bad > maxBad || (bad > o / 10 + 1 && o >= EARLY_VERDICT_BYTES)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private static final int[] NOT_TEXT = new int[256];

  static {
    for (int c = 0; c < 256; c++) {
      NOT_TEXT[c] = DecodingLayer.isText((byte) c) ? 0 : 1;
    }
  }
}
