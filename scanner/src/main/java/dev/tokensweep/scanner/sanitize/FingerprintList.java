package dev.tokensweep.scanner.sanitize;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.RandomAccess;

/**
 * A leaf's fingerprints of one rule, for its report: 32 bytes each in one array, where the
 * strings (64 hex characters) took 104 bytes and a reference each, and lived as long as the run.
 * Only {@link #add} changes it; {@link #get} gives the fingerprint as the fingerprinter wrote it.
 */
final class FingerprintList extends AbstractList<String> implements RandomAccess {

  private static final int BYTES = 32;
  private static final HexFormat HEX = HexFormat.of();

  private byte[] digests = new byte[4 * BYTES];
  private int n;

  /** Adds a fingerprint as {@link dev.tokensweep.detectors.evidence.Fingerprinter} writes them: 64 lower-case hex digits. */
  @Override
  public boolean add(String fingerprint) {
    if (fingerprint.length() != 2 * BYTES) {
      throw new IllegalArgumentException("a fingerprint has " + 2 * BYTES + " hex digits, not " + fingerprint.length());
    }
    byte[] d = HEX.parseHex(fingerprint);
    if (!HEX.formatHex(d).equals(fingerprint)) {
      throw new IllegalArgumentException("a fingerprint is lower-case hex");
    }
    if ((n + 1) * BYTES > digests.length) {
      digests = Arrays.copyOf(digests, digests.length * 2);
    }
    System.arraycopy(d, 0, digests, n * BYTES, BYTES);
    n++;
    modCount++;
    return true;
  }

  @Override
  public String get(int i) {
    java.util.Objects.checkIndex(i, n);
    return HEX.formatHex(digests, i * BYTES, (i + 1) * BYTES);
  }

  @Override
  public int size() {
    return n;
  }
}
