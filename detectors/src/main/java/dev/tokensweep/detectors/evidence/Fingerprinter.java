package dev.tokensweep.detectors.evidence;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed fingerprints: HMAC-SHA256 of the secret's bytes, hex. The same key gives the same
 * fingerprint on every host and sweep, so a token can be followed without being stored; without
 * the key a fingerprint cannot be tested against guesses. Thread-safe.
 */
public final class Fingerprinter {

  /**
   * The documented default key. Fingerprints made with it can be compared by anyone who can guess
   * a candidate token; set a private key ({@code --fingerprint-key-file} or
   * {@code TOKENSWEEP_FINGERPRINT_KEY}) to share fingerprints outside your team.
   */
  public static final String DEFAULT_KEY = "tokensweep-default-fingerprint-key-v1";

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> mac;

  public Fingerprinter(byte[] key) {
    if (key.length == 0) {
      throw new IllegalArgumentException("fingerprint key is empty");
    }
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.mac = ThreadLocal.withInitial(this::newMac);
  }

  public static Fingerprinter withDefaultKey() {
    return new Fingerprinter(DEFAULT_KEY.getBytes(StandardCharsets.UTF_8));
  }

  private Mac newMac() {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      return m;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** 64 hex characters. */
  public String fingerprint(byte[] secret) {
    Mac m = mac.get();
    m.reset();
    return HexFormat.of().formatHex(m.doFinal(secret));
  }
}
