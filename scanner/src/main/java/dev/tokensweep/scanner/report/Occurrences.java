package dev.tokensweep.scanner.report;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Counts how often each key has been seen, holding 12 bytes a key instead of the key: the SARIF
 * report numbers each occurrence of a token in one place, and a million findings of distinct
 * tokens kept a million ~300-byte strings and their map entries alive until the report was
 * written (out of memory under {@code -Xmx256m}). A key is known by the first 64 bits of its
 * SHA-256, an open-addressing table of them beside their counts; two keys that shared those 64
 * bits would share a count, which among a million keys happens with a chance of about 3 in 10^8.
 * Not thread-safe.
 */
final class Occurrences {
  private final MessageDigest sha;
  private long[] keys = new long[1024];
  private int[] counts = new int[1024];
  private int size;

  Occurrences() {
    sha = dev.tokensweep.detectors.evidence.SecretDigest.sha256();
  }

  /** This key's occurrence number: 1 the first time it is given, then 2, 3, ... */
  int next(String key) {
    byte[] d = sha.digest(key.getBytes(StandardCharsets.UTF_8));
    long h = 0;
    for (int i = 0; i < 8; i++) {
      h = h << 8 | (d[i] & 0xFF);
    }
    if (h == 0) {
      h = 1; // 0 marks an empty slot
    }
    if (2 * (size + 1) > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    int i = (int) (h ^ h >>> 32) & mask;
    while (keys[i] != 0 && keys[i] != h) {
      i = (i + 1) & mask;
    }
    if (keys[i] == 0) {
      keys[i] = h;
      size++;
    }
    return ++counts[i];
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldCounts = counts;
    keys = new long[oldKeys.length * 2];
    counts = new int[keys.length];
    int mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      long h = oldKeys[j];
      if (h != 0) {
        int i = (int) (h ^ h >>> 32) & mask;
        while (keys[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = h;
        counts[i] = oldCounts[j];
      }
    }
  }
}
