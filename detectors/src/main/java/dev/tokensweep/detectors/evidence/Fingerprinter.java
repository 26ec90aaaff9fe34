package dev.tokensweep.detectors.evidence;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Keyed fingerprints: HMAC-SHA256 of the secret's bytes, hex. The same key gives the same
 * fingerprint on every host and sweep, so a token can be followed without being stored; without
 * the key a fingerprint cannot be tested against guesses. Thread-safe.
 *
 * <p>The HMAC (RFC 2104) is computed here on the JDK's SHA-256 rather than by {@code javax.crypto.Mac}:
 * a scan's first {@code Mac.getInstance} set up the JCE's jurisdiction policy and loaded every
 * security provider ahead of SunJCE in the list (RSA, EC with its curve tables, JSSE) to look for
 * the algorithm, ~29 ms of the scan thread at its first finding, interpreted, and more for the JIT.
 * The same bytes come out ({@code FingerprinterTest} holds it to {@code Mac}).
 */
public final class Fingerprinter {

  /**
   * The documented default key. Fingerprints made with it can be compared by anyone who can guess
   * a candidate token; set a private key ({@code --fingerprint-key-file} or
   * {@code TOKENSWEEP_FINGERPRINT_KEY}) to share fingerprints outside your team.
   */
  public static final String DEFAULT_KEY = "tokensweep-default-fingerprint-key-v1";

  /** SHA-256's block size: a longer key is hashed first, a shorter one padded with zeros. */
  private static final int BLOCK = 64;

  /** The key XOR 0x36 and XOR 0x5c, one block each. */
  private final byte[] innerPad = new byte[BLOCK];
  private final byte[] outerPad = new byte[BLOCK];
  private final ThreadLocal<Hmac> hmac = ThreadLocal.withInitial(Hmac::new);

  public Fingerprinter(byte[] key) {
    if (key.length == 0) {
      throw new IllegalArgumentException("fingerprint key is empty");
    }
    byte[] k = key.length > BLOCK ? SecretDigest.sha256().digest(key) : key;
    for (int i = 0; i < BLOCK; i++) {
      byte b = i < k.length ? k[i] : 0;
      innerPad[i] = (byte) (b ^ 0x36);
      outerPad[i] = (byte) (b ^ 0x5c);
    }
    if (k != key) {
      Arrays.fill(k, (byte) 0);
    }
  }

  public static Fingerprinter withDefaultKey() {
    return new Fingerprinter(DEFAULT_KEY.getBytes(StandardCharsets.UTF_8));
  }

  /** 64 hex characters. */
  public String fingerprint(byte[] secret) {
    return HexFormat.of().formatHex(hmac.get().of(secret));
  }

  /** One thread's digest and buffers; the result is valid until its next use. */
  private final class Hmac {
    private final MessageDigest sha = SecretDigest.sha256();
    private final byte[] inner = new byte[32];
    private final byte[] out = new byte[32];

    byte[] of(byte[] secret) {
      try {
        sha.update(innerPad);
        sha.update(secret);
        sha.digest(inner, 0, inner.length);
        sha.update(outerPad);
        sha.update(inner);
        sha.digest(out, 0, out.length);
      } catch (DigestException e) {
        throw new IllegalStateException("SHA-256 output buffer", e);
      }
      return out;
    }
  }
}
