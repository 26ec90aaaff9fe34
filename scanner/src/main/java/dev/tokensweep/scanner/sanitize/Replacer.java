package dev.tokensweep.scanner.sanitize;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
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

  private final List<Form> forms;
  /** Bytes of a form's start that its key packs: the shortest form's length, at most 8. */
  private final int keyBytes;
  /**
   * The forms by their first bytes, open-addressed: a slot's key, and its forms (longest first),
   * null in an empty slot. One multiply and one load a byte of input, whatever the number of
   * forms: an automaton over the forms (the detector's keyword prefilter) grew past the heap for
   * a log with ten thousand distinct tokens, ten forms each.
   */
  private final long[] keys;
  private final int[][] formsAt;
  private final int longest;
  private final int chunk;

  Replacer(List<Form> forms, int chunkBytes) {
    this.forms = forms.stream().filter(f -> f.find().length > 0).toList(); // an empty form finds nothing
    int max = 1;
    int min = 8;
    for (Form f : this.forms) {
      max = Math.max(max, f.find().length);
      min = Math.min(min, f.find().length);
    }
    this.keyBytes = Math.max(1, min);
    this.longest = max;
    this.chunk = Math.max(chunkBytes, 4 * max);
    // the forms' indexes sorted by key, then longest first; each run of one key fills a slot
    long[] keyOf = new long[this.forms.size()];
    Integer[] order = new Integer[this.forms.size()];
    int distinct = 0;
    for (int k = 0; k < order.length; k++) {
      keyOf[k] = key(this.forms.get(k).find(), 0);
      order[k] = k;
    }
    Arrays.sort(order, (x, y) -> keyOf[x] != keyOf[y] ? Long.compare(keyOf[x], keyOf[y])
        : Integer.compare(this.forms.get(y).find().length, this.forms.get(x).find().length));
    for (int k = 0; k < order.length; k++) {
      distinct += k == 0 || keyOf[order[k]] != keyOf[order[k - 1]] ? 1 : 0;
    }
    int size = Integer.highestOneBit(Math.max(4, distinct * 2 + 1)) << 1;
    this.keys = new long[size];
    this.formsAt = new int[size][];
    for (int from = 0, to; from < order.length; from = to) {
      long key = keyOf[order[from]];
      for (to = from + 1; to < order.length && keyOf[order[to]] == key; to++) {
        // the run of this key
      }
      int[] ks = new int[to - from];
      for (int i = from; i < to; i++) {
        ks[i - from] = order[i];
      }
      int slot = slot(key);
      while (formsAt[slot] != null) {
        slot = (slot + 1) & (size - 1);
      }
      keys[slot] = key;
      formsAt[slot] = ks;
    }
  }

  /** The first {@link #keyBytes} bytes at {@code b[at]}, packed. */
  private long key(byte[] b, int at) {
    long k = 0;
    for (int i = 0; i < keyBytes; i++) {
      k = k << 8 | (b[at + i] & 0xFF);
    }
    return k;
  }

  private int slot(long key) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> (64 - Integer.numberOfTrailingZeros(keys.length)));
  }

  /** The forms whose first bytes pack to {@code key}, longest first, or null. */
  private int[] formsWith(long key) {
    for (int slot = slot(key); formsAt[slot] != null; slot = (slot + 1) & (keys.length - 1)) {
      if (keys[slot] == key) {
        return formsAt[slot];
      }
    }
    return null;
  }

  /** Copies {@code in} to {@code out} with replacements; returns how many occurrences were replaced. */
  long copy(InputStream in, OutputStream out) throws IOException {
    if (forms.isEmpty()) {
      in.transferTo(out);
      return 0;
    }
    byte[] buf = new byte[chunk + longest];
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
      List<int[]> hits = new ArrayList<>();
      long key = 0;
      for (int i = 0, to = Math.min(len, safe + keyBytes - 1); i < to; i++) {
        key = (key << 8 | (buf[i] & 0xFF)) & mask;
        int start = i - keyBytes + 1;
        if (start < 0) {
          continue;
        }
        int[] ks = formsWith(key);
        if (ks == null) {
          continue;
        }
        for (int k : ks) { // longest first, so a tie at one start keeps the longest
          byte[] f = forms.get(k).find();
          if (start + f.length <= len && Arrays.equals(buf, start, start + f.length, f, 0, f.length)) {
            hits.add(new int[] {start, k});
          }
        }
      }
      int written = 0;
      for (int[] h : hits) {
        int start = h[0];
        if (start < written || start >= safe) {
          continue;
        }
        Form f = forms.get(h[1]);
        out.write(buf, written, start - written);
        out.write(f.replace());
        written = start + f.find().length;
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
}
