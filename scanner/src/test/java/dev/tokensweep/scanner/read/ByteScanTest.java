package dev.tokensweep.scanner.read;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SWAR loops against the obvious byte loops, and the allocation-free base64 text test against decoding. */
class ByteScanTest {

  @Test
  void countAndIndexOf_randomBytes_equalNaiveLoops() {
    Random rnd = new Random(21);
    for (int round = 0; round < 2000; round++) {
      byte[] buf = new byte[rnd.nextInt(100)];
      for (int i = 0; i < buf.length; i++) {
        // few distinct values, the high-bit ones included, so matches and near-misses are common
        buf[i] = (byte) new int[] {'\n', '%', 0, 0x80, 0x8A, 0xFF, 'a', 0x0B, 0x09}[rnd.nextInt(9)];
      }
      int from = buf.length == 0 ? 0 : rnd.nextInt(buf.length);
      int to = from + rnd.nextInt(buf.length - from + 1);
      for (byte b : new byte[] {'\n', '%', 0, (byte) 0x80, (byte) 0xFF}) {
        int n = 0;
        int first = -1;
        int last = -1;
        for (int i = from; i < to; i++) {
          if (buf[i] == b) {
            n++;
            first = first < 0 ? i : first;
            last = i;
          }
        }
        assertEquals(n, ByteScan.count(buf, from, to, b));
        assertEquals(first, ByteScan.indexOf(buf, from, to, b));
        assertEquals(last, ByteScan.lastIndexOf(buf, from, to, b));
      }
    }
  }

  /** decodeBase64's decision as it was written before the allocation-free pre-check. */
  private static boolean decodesToText(byte[] buf, int s, int n) {
    byte[] b64 = new byte[256];
    java.util.Arrays.fill(b64, (byte) -1);
    String a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < a.length(); i++) {
      b64[a.charAt(i)] = (byte) i;
    }
    b64['+'] = 62;
    b64['-'] = 62;
    b64['/'] = 63;
    b64['_'] = 63;
    int o = 0;
    int acc = 0;
    int bits = 0;
    int printable = 0;
    for (int i = s; i < s + n; i++) {
      acc = (acc << 6) | b64[buf[i] & 0xFF];
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        int c = (acc >> bits) & 0xFF;
        o++;
        if ((c >= 0x20 && c < 0x7F) || c == '\n' || c == '\r' || c == '\t') {
          printable++;
        } else if (o - printable > o / 10 + 1 && o >= 32) {
          return false;
        }
      }
    }
    return o >= 8 && printable * 10 >= o * 9;
  }

  @Test
  void mostlyText_randomRuns_decidesAsDecoding() {
    Random rnd = new Random(22);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_";
    int text = 0;
    for (int round = 0; round < 20000; round++) {
      byte[] buf;
      if (rnd.nextBoolean()) {
        // base64 of mostly printable bytes with a few others, so both sides of the 90% rule occur
        byte[] plain = new byte[8 + rnd.nextInt(80)];
        for (int i = 0; i < plain.length; i++) {
          plain[i] = (byte) (rnd.nextInt(12) == 0 ? rnd.nextInt(32) : 0x20 + rnd.nextInt(95));
        }
        buf = java.util.Base64.getEncoder().withoutPadding().encode(plain);
      } else {
        buf = new byte[16 + rnd.nextInt(100)];
        for (int i = 0; i < buf.length; i++) {
          buf[i] = (byte) alphabet.charAt(rnd.nextInt(alphabet.length()));
        }
      }
      int n = buf.length % 4 == 1 ? buf.length - 1 : buf.length;
      boolean expected = decodesToText(buf, 0, n);
      text += expected ? 1 : 0;
      assertEquals(expected, DecodingReader.mostlyText(buf, 0, n), new String(buf, java.nio.charset.StandardCharsets.US_ASCII));
    }
    assertEquals(true, text > 1000 && text < 19000, "both outcomes exercised: " + text);
  }
}
