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

  @Test
  void classify_everyByteValueAtEveryOffset_agreesWithTheAlphabetAndTheBytes() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_";
    Random rnd = new Random(23);
    // every byte value, at every offset of a word and of a vector, between random neighbours,
    // classified over ranges that start and end anywhere (the JIT's vector loop has a scalar
    // head and tail)
    byte[] buf = new byte[256 * 37 + 64];
    rnd.nextBytes(buf);
    for (int b = 0; b < 256; b++) {
      buf[b * 37 + b % 37] = (byte) b;
    }
    byte[] flags = new byte[buf.length];
    for (int round = 0; round < 200; round++) {
      int from = rnd.nextInt(64);
      int to = buf.length - rnd.nextInt(64);
      java.util.Arrays.fill(flags, (byte) 0x55);
      ByteScan.classify(buf, from, to, flags);
      for (int i = from & ~7; i + 8 <= (to & ~7); i += 8) {
        long w = ByteScan.word(flags, i);
        long non = ByteScan.nonBase64(w);
        long nl = ByteScan.newlines(w);
        long sp = ByteScan.specials(w);
        for (int k = 0; k < 8; k++) {
          int c = buf[i + k] & 0xFF;
          if (i + k < from) {
            continue;
          }
          String at = "byte 0x" + Integer.toHexString(c) + " at " + (i + k);
          assertEquals(c >= 0x80 || alphabet.indexOf(c) < 0, (non >>> (8 * k + 7) & 1) == 1, "base64 test, " + at);
          assertEquals(c == '\n', (nl >>> (8 * k + 7) & 1) == 1, "newline test, " + at);
          assertEquals(c == '%' || c == '#' || c == '!' || c == '\'', (sp >>> (8 * k + 7) & 1) == 1, "'%'/'#' test, " + at);
        }
      }
      if (from > 0) {
        assertEquals((byte) 0x55, flags[from - 1], "nothing written before from");
      }
      if (to < buf.length) {
        assertEquals((byte) 0x55, flags[to], "nothing written from to on");
      }
    }
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
          if (n >= DecodingReader.MIN_RUN) {
            int m = n % 4 == 1 ? n - 1 : n;
            if (DecodingReader.mostlyText(buf, s, m) && decodesToText(buf, s, m)) {
              String run = new String(buf, s, m, java.nio.charset.StandardCharsets.US_ASCII).replace('-', '+').replace('_', '/');
              expected.add(new String(java.util.Base64.getDecoder().decode(run + "==".substring(0, (4 - m % 4) % 4)),
                  java.nio.charset.StandardCharsets.ISO_8859_1));
            }
          }
          s = i + 1;
        }
      }
      java.util.List<String> seen = new java.util.ArrayList<>();
      new DecodingReader(new TextReader(1 << 16)).read(new java.io.ByteArrayInputStream(buf), "t.log", new SegmentSink() {
        @Override
        public void segment(byte[] b, int from, int to, int ownFrom, int ownTo, Locator locator) {
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
