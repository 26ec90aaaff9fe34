package dev.tokensweep.scanner.sanitize;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * Rewrites a stream, replacing every occurrence of a set of byte strings with their
 * replacements; all other bytes pass through unchanged. Streams in chunks with an overlap of the
 * longest pattern, so memory is bounded whatever the input, and holds the forms in a table by
 * their first bytes. Where occurrences overlap, the leftmost wins, then the longest.
 */
final class Replacer {

  /** One byte string to find and what to write instead. */
  record Form(byte[] find, byte[] replace) {}

  /**
   * Forms packed into one byte arena with four ints each, instead of two arrays and a record
   * each: a log with 45,745 distinct tokens held 277,000 forms in 757,000 arrays (105 MB). A form's
   * bytes are stored as they are, or as the UTF-16 of stored bytes (a secret's UTF-16 forms read
   * the secret's own bytes); a replacement may also be a run of one byte (the {@code A} of a
   * base64 core, the {@code *} of a binary mask), which takes no arena at all.
   */
  static final class Forms {
    /** How stored bytes are written: as they are, or each followed (LE) or preceded (BE) by a zero byte. */
    static final int RAW = 0;
    static final int UTF16LE = 1;
    static final int UTF16BE = 2;
    /** Flag on a replacement's encoding: {@code at} is a byte value repeated {@code length} times. */
    static final int FILL = 4;

    private byte[] arena = new byte[256];
    private int used;
    /** Per form: find's offset, its stored length << 3 | encoding, replacement's offset (or fill byte), length << 3 | encoding. */
    private int[] meta = new int[64];
    private int count;

    /** Appends {@code b} to the arena; returns its offset, for {@link #add}. */
    int put(byte[] b) {
      return put(b, 0, b.length);
    }

    int put(byte[] b, int off, int len) {
      if (used + len > arena.length) {
        arena = Arrays.copyOf(arena, Math.max(used + len, arena.length + (arena.length >> 1)));
      }
      System.arraycopy(b, off, arena, used, len);
      int at = used;
      used += len;
      return at;
    }

    /**
     * A form: {@code findLen} stored bytes at {@code findAt} written in {@code findEnc}; its
     * replacement {@code replLen} stored bytes at {@code replAt} (a byte value under {@link #FILL})
     * written in {@code replEnc}.
     */
    void add(int findAt, int findLen, int findEnc, int replAt, int replLen, int replEnc) {
      if (4 * count + 4 > meta.length) {
        meta = Arrays.copyOf(meta, meta.length * 2);
      }
      int m = 4 * count++;
      meta[m] = findAt;
      meta[m + 1] = findLen << 3 | findEnc;
      meta[m + 2] = replAt;
      meta[m + 3] = replLen << 3 | replEnc;
    }

    /** A form of plain bytes. */
    void add(byte[] find, byte[] replace) {
      int f = put(find);
      add(f, find.length, RAW, put(replace), replace.length, RAW);
    }

    int size() {
      return count;
    }

    /** Heap bytes these forms take (arena and index), for a batch's cap. */
    long heapBytes() {
      return arena.length + 4L * meta.length;
    }

    /** Bytes form {@code k} finds. */
    int findLength(int k) {
      int v = meta[4 * k + 1];
      return (v & 3) == RAW ? v >>> 3 : 2 * (v >>> 3);
    }

    int replaceLength(int k) {
      int v = meta[4 * k + 3];
      return (v & 3) == RAW ? v >>> 3 : 2 * (v >>> 3);
    }

    /** Byte {@code i} of what form {@code k} finds. */
    int findByte(int k, int i) {
      int v = meta[4 * k + 1];
      int at = meta[4 * k];
      return switch (v & 3) {
        case UTF16LE -> (i & 1) == 0 ? arena[at + (i >> 1)] & 0xFF : 0;
        case UTF16BE -> (i & 1) == 1 ? arena[at + (i >> 1)] & 0xFF : 0;
        default -> arena[at + i] & 0xFF;
      };
    }

    /** Whether form {@code k} occurs at {@code b[start]} (the caller checked that it fits). */
    boolean matches(int k, byte[] b, int start) {
      int v = meta[4 * k + 1];
      int at = meta[4 * k];
      int len = v >>> 3;
      switch (v & 3) {
        case UTF16LE, UTF16BE -> {
          int lo = (v & 3) == UTF16LE ? 0 : 1;
          for (int i = 0; i < len; i++) {
            if (b[start + 2 * i + lo] != arena[at + i] || b[start + 2 * i + 1 - lo] != 0) {
              return false;
            }
          }
          return true;
        }
        default -> {
          return Arrays.equals(b, start, start + len, arena, at, at + len);
        }
      }
    }

    /** Writes form {@code k}'s replacement, {@code scratch} holding at least its length. */
    void writeReplacement(int k, OutputStream out, byte[] scratch) throws IOException {
      int at = meta[4 * k + 2];
      int v = meta[4 * k + 3];
      int len = v >>> 3;
      int enc = v & 3;
      boolean fill = (v & FILL) != 0;
      if (enc == RAW && !fill) {
        out.write(arena, at, len);
        return;
      }
      int n = enc == RAW ? len : 2 * len;
      for (int i = 0; i < len; i++) {
        byte c = fill ? (byte) at : arena[at + i];
        switch (enc) {
          case UTF16LE -> {
            scratch[2 * i] = c;
            scratch[2 * i + 1] = 0;
          }
          case UTF16BE -> {
            scratch[2 * i] = 0;
            scratch[2 * i + 1] = c;
          }
          default -> scratch[i] = c;
        }
      }
      out.write(scratch, 0, n);
    }

    /** Form {@code k} as plain arrays (tests). */
    Form form(int k) {
      byte[] f = new byte[findLength(k)];
      for (int i = 0; i < f.length; i++) {
        f[i] = (byte) findByte(k, i);
      }
      java.io.ByteArrayOutputStream r = new java.io.ByteArrayOutputStream();
      try {
        writeReplacement(k, r, new byte[replaceLength(k)]);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return new Form(f, r.toByteArray());
    }
  }

  private final Forms forms;
  /** Bytes of a form's start that its key packs: the shortest form's length, at most 8. */
  private final int keyBytes;
  /**
   * The forms by their first bytes, open-addressed: a slot's key, and where its forms (longest
   * first) start in {@link #order}, up to where the next slot's start (one more than there are
   * slots): none in an empty slot. One multiply and one load a byte of input, whatever the number
   * of forms: an automaton over the forms (the detector's keyword prefilter) grew past the heap for
   * a log with ten thousand distinct tokens, ten forms each. Flat arrays, not an array per slot.
   */
  private final long[] keys;
  private final int[] startAt;
  private final int[] order;
  /**
   * Per slot with more than {@link #SUB_INDEX_MIN} forms, where in a form its second key's eight
   * bytes start, else -1; and per place in {@link #order}, that form's second key, hashed (forms of
   * such a slot sorted by it, longest first among equal keys). Forms that share their first bytes
   * share a slot: the UTF-16 forms of every {@code ghp_} token ({@code g\0h\0p\0_\0}), every
   * bearer JWT of one issuer (the same header for 36 or more bytes). Each occurrence was compared
   * with every form of its slot: sanitize of a log with 20,000 distinct JWTs took 18.4 s against
   * 1.6 s for 2,000. A slot's second key is taken where its forms differ the most.
   */
  private final int[] subAt;
  private final long[] subKeys;
  static final int SUB_INDEX_MIN = 8;
  private final int longest;
  private final int longestReplacement;
  private final int chunk;

  Replacer(List<Form> forms, int chunkBytes) {
    this(pack(forms), chunkBytes);
  }

  /** This table with copies made {@code chunkBytes} at a time: the same forms, nothing built again. */
  Replacer withChunk(int chunkBytes) {
    return new Replacer(this, chunkBytes);
  }

  private Replacer(Replacer table, int chunkBytes) {
    this.forms = table.forms;
    this.keyBytes = table.keyBytes;
    this.keys = table.keys;
    this.startAt = table.startAt;
    this.order = table.order;
    this.subAt = table.subAt;
    this.subKeys = table.subKeys;
    this.longest = table.longest;
    this.longestReplacement = table.longestReplacement;
    this.chunk = Math.max(chunkBytes, 4 * table.longest);
  }

  /** {@code list} in one arena. */
  static Forms pack(List<Form> list) {
    Forms f = new Forms();
    for (Form x : list) {
      f.add(x.find(), x.replace());
    }
    return f;
  }

  Replacer(Forms all, int chunkBytes) {
    this.forms = all;
    int max = 1;
    int min = 8;
    int maxRepl = 0;
    int live = 0;
    for (int k = 0; k < all.size(); k++) {
      int len = all.findLength(k);
      if (len == 0) {
        continue; // an empty form finds nothing
      }
      live++;
      max = Math.max(max, len);
      min = Math.min(min, len);
      maxRepl = Math.max(maxRepl, all.replaceLength(k));
    }
    this.keyBytes = Math.max(1, min);
    this.longest = max;
    this.longestReplacement = maxRepl;
    this.chunk = Math.max(chunkBytes, 4 * max);
    int size = Integer.highestOneBit(Math.max(4, live + (live >> 1))) << 1;
    this.keys = new long[size];
    this.startAt = new int[size + 1];
    this.order = new int[live];
    int[] countAt = new int[size];
    // count each key's forms, then place them by the running sum: no object per form or slot
    int[] slotOf = new int[all.size()];
    for (int k = 0; k < all.size(); k++) {
      if (all.findLength(k) == 0) {
        slotOf[k] = -1;
        continue;
      }
      long key = packed(k, 0, keyBytes);
      int slot = slot(key);
      while (countAt[slot] != 0 && keys[slot] != key) {
        slot = (slot + 1) & (size - 1);
      }
      keys[slot] = key;
      countAt[slot]++;
      slotOf[k] = slot;
    }
    for (int s = 0, sum = 0; s <= size; s++) {
      startAt[s] = sum;
      sum += s < size ? countAt[s] : 0;
    }
    int[] filled = new int[size];
    for (int k = 0; k < all.size(); k++) {
      int s = slotOf[k];
      if (s >= 0) {
        order[startAt[s] + filled[s]++] = k;
      }
    }
    // each slot's forms longest first (a tie at one start keeps the longest), then in the order given
    int[] sub = new int[size];
    Arrays.fill(sub, -1);
    long[] subKeyed = null;
    for (int s = 0; s < size; s++) {
      int n = countAt[s];
      if (n < 2) {
        continue;
      }
      long[] byLength = new long[n];
      for (int i = 0; i < n; i++) {
        int k = order[startAt[s] + i];
        byLength[i] = (long) (Integer.MAX_VALUE - all.findLength(k)) << 32 | k;
      }
      Arrays.sort(byLength);
      for (int i = 0; i < n; i++) {
        order[startAt[s] + i] = (int) byLength[i];
      }
      if (n > SUB_INDEX_MIN && n < 1 << RANK_BITS) {
        int at = secondKeyAt(s, n);
        if (at >= 0) {
          subKeyed = subKeyed == null ? new long[live] : subKeyed;
          sortBySecondKey(s, n, at, subKeyed);
          sub[s] = at;
        }
      }
    }
    this.subAt = sub;
    this.subKeys = subKeyed;
  }

  /** Bits of a packed sort entry that hold a form's place in its slot's longest-first order. */
  private static final int RANK_BITS = 24;

  /**
   * Where the forms of slot {@code s} ({@code n} of them, longest first in {@link #order}) differ
   * the most in eight bytes, all of them long enough to hold those bytes; -1 if nowhere past the
   * first key. Judged on up to 256 of them, the first place that tells the most apart.
   */
  private int secondKeyAt(int s, int n) {
    int shortest = forms.findLength(order[startAt[s] + n - 1]);
    int sample = Math.min(n, 256);
    long[] seen = new long[sample];
    int best = -1;
    int bestDistinct = 1;
    for (int at = keyBytes; at + 8 <= shortest && bestDistinct < sample; at = at < 16 ? at + 4 : at + at / 2) {
      for (int i = 0; i < sample; i++) {
        seen[i] = packed(order[startAt[s] + (int) ((long) i * n / sample)], at, 8);
      }
      Arrays.sort(seen);
      int distinct = 1;
      for (int i = 1; i < sample; i++) {
        distinct += seen[i] != seen[i - 1] ? 1 : 0;
      }
      if (distinct > bestDistinct) {
        best = at;
        bestDistinct = distinct;
      }
    }
    return best;
  }

  /** Orders slot {@code s}'s forms by their second key at {@code at}, longest first among equal ones. */
  private void sortBySecondKey(int s, int n, int at, long[] subKeyed) {
    int from = startAt[s];
    long[] packed = new long[n];
    for (int i = 0; i < n; i++) {
      packed[i] = hashed(packed(order[from + i], at, 8)) << RANK_BITS | i;
    }
    Arrays.sort(packed);
    int[] was = Arrays.copyOfRange(order, from, from + n);
    for (int i = 0; i < n; i++) {
      order[from + i] = was[(int) (packed[i] & ((1 << RANK_BITS) - 1))];
      subKeyed[from + i] = packed[i] >>> RANK_BITS;
    }
  }

  /**
   * A second key spread over the bits left beside a rank and a clear sign bit (so the packed
   * entries sort as their keys): equal keys stay equal, others rarely meet.
   */
  private static long hashed(long key) {
    return (key * 0x9E3779B97F4A7C15L) >>> (RANK_BITS + 1);
  }

  /** {@code count} bytes (at most 8) of form {@code k} from {@code at}, packed: its first key, or its second. */
  private long packed(int k, int at, int count) {
    long key = 0;
    for (int i = at; i < at + count; i++) {
      key = key << 8 | forms.findByte(k, i);
    }
    return key;
  }

  private int slot(long key) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> (64 - Integer.numberOfTrailingZeros(keys.length)));
  }

  /** The slot of the forms whose first bytes pack to {@code key}, or -1. */
  private int slotWith(long key) {
    for (int slot = slot(key); startAt[slot + 1] != startAt[slot]; slot = (slot + 1) & (keys.length - 1)) {
      if (keys[slot] == key) {
        return slot;
      }
    }
    return -1;
  }

  /** Copies {@code in} to {@code out} with replacements; returns how many occurrences were replaced. */
  long copy(InputStream in, OutputStream out) throws IOException {
    if (order.length == 0) {
      in.transferTo(out);
      return 0;
    }
    byte[] buf = new byte[chunk + longest];
    byte[] scratch = new byte[Math.max(1, longestReplacement)];
    int[] hits = new int[64]; // pairs: start, form
    int len = 0;
    long replaced = 0;
    boolean eof = false;
    long mask = keyBytes == 8 ? -1L : (1L << (8 * keyBytes)) - 1;
    while (!eof || len > 0) {
      while (!eof && len < buf.length) {
        int r = in.read(buf, len, buf.length - len);
        if (r < 0) {
          eof = true;
        } else {
          len += r;
        }
      }
      // occurrences that start before `safe` are complete in the buffer
      int safe = eof ? len : len - (longest - 1);
      int nHits = 0;
      long key = 0;
      for (int i = 0, to = Math.min(len, safe + keyBytes - 1); i < to; i++) {
        key = (key << 8 | (buf[i] & 0xFF)) & mask;
        int start = i - keyBytes + 1;
        if (start < 0) {
          continue;
        }
        int slot = slotWith(key);
        if (slot < 0) {
          continue;
        }
        int j = startAt[slot];
        int end = startAt[slot + 1];
        int at = subAt[slot];
        if (at >= 0) { // only the forms with these eight bytes there
          if (start + at + 8 > len) {
            continue; // every form of the slot reaches past them
          }
          long h = hashed((long) LONG_BE.get(buf, start + at));
          j = firstAtLeast(j, end, h);
          end = firstAbove(j, end, h);
        }
        for (; j < end; j++) { // longest first
          int k = order[j];
          if (start + forms.findLength(k) <= len && forms.matches(k, buf, start)) {
            if (2 * nHits + 2 > hits.length) {
              hits = Arrays.copyOf(hits, hits.length * 2);
            }
            hits[2 * nHits] = start;
            hits[2 * nHits + 1] = k;
            nHits++;
          }
        }
      }
      int written = 0;
      for (int h = 0; h < nHits; h++) {
        int start = hits[2 * h];
        if (start < written || start >= safe) {
          continue;
        }
        int k = hits[2 * h + 1];
        out.write(buf, written, start - written);
        forms.writeReplacement(k, out, scratch);
        written = start + forms.findLength(k);
        replaced++;
      }
      int upTo = Math.max(written, safe);
      out.write(buf, written, upTo - written);
      System.arraycopy(buf, upTo, buf, 0, len - upTo);
      len -= upTo;
      if (eof && len == 0) {
        break;
      }
    }
    return replaced;
  }

  private static final java.lang.invoke.VarHandle LONG_BE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  /** The first place in {@code subKeys[from, to)} whose key is at least {@code h}. */
  private int firstAtLeast(int from, int to, long h) {
    while (from < to) {
      int mid = (from + to) >>> 1;
      if (subKeys[mid] < h) {
        from = mid + 1;
      } else {
        to = mid;
      }
    }
    return from;
  }

  /** The first place in {@code subKeys[from, to)} whose key is above {@code h}. */
  private int firstAbove(int from, int to, long h) {
    int i = from;
    while (i < to && subKeys[i] == h) {
      i++;
    }
    return i;
  }
}
