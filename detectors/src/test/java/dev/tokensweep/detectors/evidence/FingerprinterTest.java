package dev.tokensweep.detectors.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The fingerprint is HMAC-SHA256, as {@code javax.crypto.Mac} computes it: fingerprints in reports,
 * indices and fleets made before and after stay comparable. The inputs are random bytes (no token),
 * so a failure may print them.
 */
class FingerprinterTest {

  private static String mac(byte[] key, byte[] data) throws Exception {
    Mac m = Mac.getInstance("HmacSHA256");
    m.init(new SecretKeySpec(key, "HmacSHA256"));
    return HexFormat.of().formatHex(m.doFinal(data));
  }

  @Test
  void rfc4231TestCase2() {
    Fingerprinter f = new Fingerprinter("Jefe".getBytes(StandardCharsets.US_ASCII));
    assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        f.fingerprint("what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void rfc4231TestCase6KeyLongerThanABlock() {
    byte[] key = new byte[131];
    java.util.Arrays.fill(key, (byte) 0xaa);
    assertEquals("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        new Fingerprinter(key).fingerprint("Test Using Larger Than Block-Size Key - Hash Key First".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void sameAsJavaxCryptoMacAcrossKeyAndMessageLengths() throws Exception {
    Random rnd = new Random(20261204);
    int[] keyLengths = {1, 20, 32, 37, 63, 64, 65, 128, 300};
    int[] dataLengths = {0, 1, 31, 55, 56, 63, 64, 65, 119, 120, 1000};
    for (int kl : keyLengths) {
      byte[] key = new byte[kl];
      rnd.nextBytes(key);
      Fingerprinter f = new Fingerprinter(key);
      for (int dl : dataLengths) {
        byte[] data = new byte[dl];
        rnd.nextBytes(data);
        assertEquals(mac(key, data), f.fingerprint(data), "key of " + kl + " bytes, data of " + dl);
        // the per-thread state carries nothing from one fingerprint to the next
        assertEquals(mac(key, data), f.fingerprint(data), "again: key of " + kl + " bytes, data of " + dl);
      }
    }
  }

  @Test
  void defaultKeyAsDocumented() throws Exception {
    byte[] data = "ghp_000000000000000000000000000000000000".getBytes(StandardCharsets.US_ASCII);
    assertEquals(mac(Fingerprinter.DEFAULT_KEY.getBytes(StandardCharsets.UTF_8), data),
        Fingerprinter.withDefaultKey().fingerprint(data));
  }

  @Test
  void threadsShareOneFingerprinter() throws Exception {
    Fingerprinter f = new Fingerprinter("shared".getBytes(StandardCharsets.US_ASCII));
    List<byte[]> inputs = new ArrayList<>();
    Random rnd = new Random(7);
    for (int i = 0; i < 400; i++) {
      byte[] d = new byte[rnd.nextInt(200)];
      rnd.nextBytes(d);
      inputs.add(d);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<String>>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        runs.add(pool.submit(() -> {
          List<String> out = new ArrayList<>();
          for (byte[] d : inputs) {
            out.add(f.fingerprint(d));
          }
          return out;
        }));
      }
      for (Future<List<String>> r : runs) {
        List<String> got = r.get();
        for (int i = 0; i < inputs.size(); i++) {
          assertEquals(mac("shared".getBytes(StandardCharsets.US_ASCII), inputs.get(i)), got.get(i), "input " + i);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void emptyKeyRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Fingerprinter(new byte[0]));
  }
}
