package dev.tokensweep.scanner.decode;

import dev.tokensweep.scanner.read.ByteScan;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * One leaf's encoded runs that were decoded and scanned and came to nothing: the sink below the
 * layers was handed no match and no problem meanwhile ({@link
 * dev.tokensweep.scanner.read.SegmentSink#effects()}), and the same bytes decoded and scanned
 * again would come to nothing again, so an equal run later in the leaf is skipped. A gateway log
 * carries one bearer JWT on thousands of lines: each was checked for text, decoded, passed
 * through the layers again and walked by the detector (~5 µs a JWT; on a 1 GB log with repeating
 * tokens, 245-297 ms of a 3.7-5.0 s scan thread under {@code Base64Layer.decode}).
 *
 * <p>Direct-mapped by a hash of the run's length and some of its bytes; an entry holds the run's
 * bytes and is compared byte for byte, so a collision costs a decode, never a finding. Runs
 * shorter than {@link #MIN_BYTES} are not looked up there (decoding them costs about what that
 * lookup would), and runs longer than {@link #MAX_BYTES} are not kept. Runs of up to
 * {@link #SHORT_MAX} bytes that failed the text check are held apart, by the four words that
 * cover all their bytes, a lookup cheaper than the check ({@link #binary}). Held in memory only,
 * for the leaf's read; not thread-safe, as the sink it serves. Only the top layer has one, so no
 * lookup runs between a run's {@link #holds} and its {@link #add}.
 */
final class RunMemo {
  /** Shorter runs are not looked up: decoding them costs about what the lookup would. */
  static final int MIN_BYTES = 48;
  /** Longer runs are not kept: bounds the memo at {@link #SLOTS} x this. */
  static final int MAX_BYTES = 4096;
  /** Entries (a power of two): the distinct tokens a log repeats, two or three runs each. */
  static final int SLOTS = 128;

  /**
   * Runs of {@link DecodingLayer#MIN_RUN} to this many bytes that fail the base64 layer's text
   * check are remembered apart ({@link #binary}): words of a request log such as
   * {@code authorization_code}, {@code client_credentials} and {@code /api/v1/tokens/introspec}
   * are base64 runs that decode to binary, ~1.5 M a 256 MB log, each decoded again to fail the
   * check. The verdict depends on the run's bytes alone, so the entry holds them all: four words
   * cover a run of up to 32 bytes.
   */
  static final int SHORT_MAX = 32;
  /** Entries for short runs (a power of two): a log's vocabulary of such words is small. */
  static final int SHORT_SLOTS = 256;
  private static final int SHORT_STRIDE = 5; // the four words, then the length (0: empty)

  private final LongSupplier effects;
  private long[] shorts;
  private byte[][] keys;
  private int[] lengths;
  private long[] hashes;
  private long hash; // of the run last looked up, for add()

  RunMemo(LongSupplier effects) {
    this.effects = effects;
  }

  /** The effects so far: a run came to nothing when this is the same after it. */
  long mark() {
    return effects.getAsLong();
  }

  /**
   * Whether {@code buf[s, s + n)} is a run that came to nothing before; remembers its hash for
   * {@link #add}.
   */
  boolean holds(byte[] buf, int s, int n) {
    hash = hash(buf, s, n);
    if (keys == null) {
      return false;
    }
    int i = (int) hash & (SLOTS - 1);
    byte[] k = keys[i];
    return k != null && hashes[i] == hash && lengths[i] == n && Arrays.equals(k, 0, n, buf, s, s + n);
  }

  /**
   * Remembers {@code buf[s, s + n)}, the run last looked up with {@link #holds}, when nothing has
   * come of anything since {@code mark}.
   */
  void add(byte[] buf, int s, int n, long mark) {
    if (n > MAX_BYTES || effects.getAsLong() != mark) {
      return;
    }
    if (keys == null) {
      keys = new byte[SLOTS][];
      lengths = new int[SLOTS];
      hashes = new long[SLOTS];
    }
    int i = (int) hash & (SLOTS - 1);
    if (keys[i] == null || keys[i].length < n) {
      keys[i] = new byte[Math.max(n, 256)];
    }
    System.arraycopy(buf, s, keys[i], 0, n);
    lengths[i] = n;
    hashes[i] = hash;
  }

  /**
   * Whether {@code buf[s, s + n)} ({@link DecodingLayer#MIN_RUN} to {@link #SHORT_MAX} bytes) is
   * a run that failed the text check before ({@link #addBinary}).
   */
  boolean binary(byte[] buf, int s, int n) {
    if (shorts == null) {
      return false;
    }
    long a = ByteScan.word(buf, s);
    long b = ByteScan.word(buf, s + 8);
    long c = ByteScan.word(buf, s + n - 16);
    long d = ByteScan.word(buf, s + n - 8);
    int i = shortSlot(a, b, c, d, n) * SHORT_STRIDE;
    long[] e = shorts;
    return e[i + 4] == n && e[i] == a && e[i + 1] == b && e[i + 2] == c && e[i + 3] == d;
  }

  /** Remembers that {@code buf[s, s + n)} ({@link DecodingLayer#MIN_RUN} to {@link #SHORT_MAX} bytes) failed the text check. */
  void addBinary(byte[] buf, int s, int n) {
    if (shorts == null) {
      shorts = new long[SHORT_SLOTS * SHORT_STRIDE];
    }
    long a = ByteScan.word(buf, s);
    long b = ByteScan.word(buf, s + 8);
    long c = ByteScan.word(buf, s + n - 16);
    long d = ByteScan.word(buf, s + n - 8);
    int i = shortSlot(a, b, c, d, n) * SHORT_STRIDE;
    shorts[i] = a;
    shorts[i + 1] = b;
    shorts[i + 2] = c;
    shorts[i + 3] = d;
    shorts[i + 4] = n;
  }

  /** The short-run slot of a run of {@code n} bytes whose words are a, b (its first 16 bytes), c and d (its last 16). */
  private static int shortSlot(long a, long b, long c, long d, int n) {
    // one multiply: the entry is compared whole, so the hash only has to spread a log's words
    long h = (a ^ Long.rotateLeft(b, 21) ^ Long.rotateLeft(c, 42) ^ Long.rotateLeft(d, 11) ^ n) * 0xD6E8FEB86659FD93L;
    return (int) (h >>> 56) & (SHORT_SLOTS - 1);
  }

  /**
   * A 64-bit hash of the length and 16 bytes at each end and in the middle of {@code buf[s, s + n)}
   * (n at least {@link #MIN_BYTES}): most runs looked up are met once (ids, hashes, signatures),
   * and hashing them whole would cost more than the early verdict of the text check that follows a
   * miss. Not the first bytes alone: the JWTs of one issuer begin alike (header, then
   * {@code {"iss":...}), and would take one slot.
   */
  static long hash(byte[] buf, int s, int n) {
    long h = 0x9E3779B97F4A7C15L ^ n;
    h = mix(h, ByteScan.word(buf, s));
    h = mix(h, ByteScan.word(buf, s + 8));
    int m = s + n / 2 - 8;
    h = mix(h, ByteScan.word(buf, m));
    h = mix(h, ByteScan.word(buf, m + 8));
    h = mix(h, ByteScan.word(buf, s + n - 16));
    h = mix(h, ByteScan.word(buf, s + n - 8));
    h *= 0xD6E8FEB86659FD93L;
    return h ^ (h >>> 32);
  }

  private static long mix(long h, long w) {
    h = (h ^ w) * 0x100000001B3L;
    return h ^ (h >>> 29);
  }
}
