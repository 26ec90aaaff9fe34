package dev.tokensweep.scanner.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The allocation-free base64 text test against decoding, and the runs the layer decodes against a byte loop. */
class Base64LayerTest {

  /** Base64Layer's decision as it was written before the allocation-free pre-check. */
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
      assertEquals(expected, Base64Layer.mostlyText(buf, 0, n), new String(buf, java.nio.charset.StandardCharsets.US_ASCII));
    }
    assertEquals(true, text > 1000 && text < 19000, "both outcomes exercised: " + text);
  }

  @Test
  void base64Runs_randomText_decodesExactlyTheMaximalRunsAByteLoopFinds() throws Exception {
    Random rnd = new Random(24);
    String pieces = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_";
    int decodedRuns = 0;
    String breaks = " .,:=\"\n\r@[]{}\u00e9"; // no '%' or '#': only the base64 layer decodes here
    for (int round = 0; round < 3000; round++) {
      StringBuilder sb = new StringBuilder();
      int len = rnd.nextInt(200);
      while (sb.length() < len) {
        if (rnd.nextInt(3) == 0) {
          // base64 of text, so some runs decode and reach the next layer
          // (words of at most 7 bytes, so the decoded text holds no run of its own for layer two)
          byte[] plain = new byte[6 + rnd.nextInt(30)];
          for (int i = 0; i < plain.length; i++) {
            plain[i] = (byte) (i % 8 == 7 ? ' ' : 0x20 + rnd.nextInt(95));
          }
          sb.append(java.util.Base64.getEncoder().withoutPadding().encodeToString(plain));
        } else {
          int n = rnd.nextInt(24);
          for (int i = 0; i < n; i++) {
            sb.append(pieces.charAt(rnd.nextInt(pieces.length())));
          }
        }
        sb.append(breaks.charAt(rnd.nextInt(breaks.length())));
      }
      byte[] buf = sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      java.util.List<String> expected = new java.util.ArrayList<>();
      int s = 0;
      for (int i = 0; i <= buf.length; i++) {
        if (i == buf.length || (buf[i] & 0xFF) >= 0x80 || pieces.indexOf(buf[i]) < 0) {
          int n = i - s;
          if (n >= DecodingLayer.MIN_RUN) {
            int m = n % 4 == 1 ? n - 1 : n;
            if (Base64Layer.mostlyText(buf, s, m) && decodesToText(buf, s, m)) {
              String run = new String(buf, s, m, java.nio.charset.StandardCharsets.US_ASCII).replace('-', '+').replace('_', '/');
              expected.add(new String(java.util.Base64.getDecoder().decode(run + "==".substring(0, (4 - m % 4) % 4)),
                  java.nio.charset.StandardCharsets.ISO_8859_1));
            }
          }
          s = i + 1;
        }
      }
      java.util.List<String> seen = new java.util.ArrayList<>();
      new DecodingReader(new dev.tokensweep.scanner.read.TextReader(1 << 16)).read(new java.io.ByteArrayInputStream(buf), "t.log", new dev.tokensweep.scanner.read.SegmentSink() {
        @Override
        public void segment(byte[] b, int from, int to, int ownFrom, int ownTo, dev.tokensweep.scanner.read.Locator locator) {
          seen.add(new String(b, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1));
        }

        @Override
        public int overlap() {
          return 64;
        }

        @Override
        public void problem(dev.tokensweep.scanner.model.Problem problem) {}
      });
      // the raw segment first, then each run the base64 layer decoded, in order
      assertEquals(expected, seen.subList(Math.min(1, seen.size()), seen.size()), "round " + round);
      decodedRuns += expected.size();
    }
    assertEquals(true, decodedRuns > 1000, "runs decoded: " + decodedRuns);
  }
}
