package dev.tokensweep.detectors.evidence;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The first 128 bits of the SHA-256 of some bytes (a secret, or a window of text that holds one),
 * as two longs: the key under which the per-run memos remember work done on those bytes, so that
 * they hold no secret. SHA-256 is collision resistant: two different secrets sharing a key, which
 * would give one the other's verdict or evidence, cannot be made on purpose. Public for the
 * engine's memos; one instance per thread, not thread-safe.
 */
public final class SecretDigest {
  private final MessageDigest sha;
  private final byte[] out = new byte[32];
  private long hi;
  private long lo;

  public SecretDigest() {
    sha = sha256();
  }

  /** A new SHA-256 digest (the JDK's own, from its SUN provider); the one place that makes one. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** Digests {@code b[from, to)}; the result is in {@link #hi()} and {@link #lo()} until the next call. */
  public void digest(byte[] b, int from, int to) {
    sha.update(b, from, to - from);
    try {
      sha.digest(out, 0, out.length);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 output buffer", e);
    }
    hi = longAt(0);
    lo = longAt(8);
  }

  /** A digest kept: its first 128 bits. */
  public record Value(long hi, long lo) {}

  /** The last digest, kept. */
  public Value value() {
    return new Value(hi, lo);
  }

  /** The last digest's first 64 bits. */
  public long hi() {
    return hi;
  }

  /** The last digest's second 64 bits. */
  public long lo() {
    return lo;
  }

  private long longAt(int i) {
    long v = 0;
    for (int k = i; k < i + 8; k++) {
      v = (v << 8) | (out[k] & 0xFF);
    }
    return v;
  }
}
