package dev.tokensweep.scanner.sanitize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The sanitizer's replacement of every stored form of every secret: the same copy as a plain
 * leftmost-then-longest replacement over the whole input, however the input is cut into reads and
 * chunks, with forms of any length from one byte; and bounded for a log of many distinct tokens.
 */
class ReplacerTest {

  /** The reference: at each position the longest form that matches there, else the byte. */
  private static byte[] reference(byte[] in, List<Replacer.Form> forms, long[] count) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < in.length; ) {
      Replacer.Form best = null;
      for (Replacer.Form f : forms) {
        byte[] x = f.find();
        if (i + x.length <= in.length && Arrays.equals(in, i, i + x.length, x, 0, x.length)
            && (best == null || x.length > best.find().length)) {
          best = f;
        }
      }
      if (best == null) {
        out.write(in[i++]);
      } else {
        out.writeBytes(best.replace());
        i += best.find().length;
        count[0]++;
      }
    }
    return out.toByteArray();
  }

  /** An input stream that answers each read with a random number of bytes. */
  private static InputStream trickle(byte[] b, Random rnd) {
    return new ByteArrayInputStream(b) {
      @Override
      public synchronized int read(byte[] buf, int off, int len) {
        return super.read(buf, off, Math.min(len, 1 + rnd.nextInt(40)));
      }
    };
  }

  /** A copy of {@code in} made {@code chunk} bytes at a time, read in random pieces, is the reference's. */
  private static void assertCopiesAsTheReference(byte[] in, List<Replacer.Form> forms, int chunk, Random rnd, String what)
      throws IOException {
    long[] want = {0};
    byte[] expected = reference(in, forms, want);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long got = new Replacer(forms, chunk).copy(trickle(in, rnd), out);
    assertArrayEquals(expected, out.toByteArray(), what);
    assertEquals(want[0], got, what + ": occurrences");
  }

  @Test
  void randomFormsAndInputs_sameCopyAsTheReference() throws IOException {
    Random rnd = new Random(21);
    byte[] alphabet = "ab\0=-".getBytes(StandardCharsets.ISO_8859_1);
    for (int k = 0; k < 400; k++) {
      List<Replacer.Form> forms = new ArrayList<>();
      int n = 1 + rnd.nextInt(6);
      int minLen = 1 + rnd.nextInt(10);
      for (int j = 0; j < n; j++) {
        byte[] f = new byte[minLen + rnd.nextInt(12)];
        for (int i = 0; i < f.length; i++) {
          f[i] = alphabet[rnd.nextInt(alphabet.length)];
        }
        forms.add(new Replacer.Form(f, ("<" + j + ">").getBytes(StandardCharsets.US_ASCII)));
      }
      byte[] in = new byte[rnd.nextInt(3000)];
      for (int i = 0; i < in.length; i++) {
        in[i] = alphabet[rnd.nextInt(alphabet.length)];
      }
      // plant whole forms too, so long ones occur
      for (int p = 0; p < 10 && in.length > 40; p++) {
        byte[] f = forms.get(rnd.nextInt(n)).find();
        int at = rnd.nextInt(in.length - f.length);
        System.arraycopy(f, 0, in, at, f.length);
      }
      assertCopiesAsTheReference(in, forms, 1 + rnd.nextInt(200), rnd, "case " + k);
    }
  }

  /**
   * Forms that share their first bytes, as every bearer JWT of one issuer does, or the UTF-16
   * forms of every {@code ghp_} token: one slot of the table, searched by a second key. The copy
   * is the reference's whatever the shared prefix, the forms' lengths (some prefixes of others)
   * and the chunking.
   */
  @Test
  void formsSharingTheirStart_sameCopyAsTheReference() throws IOException {
    Random rnd = new Random(23);
    byte[] alphabet = "abc.\0".getBytes(StandardCharsets.ISO_8859_1);
    for (int k = 0; k < 150; k++) {
      byte[] prefix = new byte[1 + rnd.nextInt(40)];
      for (int i = 0; i < prefix.length; i++) {
        prefix[i] = alphabet[rnd.nextInt(alphabet.length)];
      }
      List<Replacer.Form> forms = new ArrayList<>();
      int n = Replacer.SUB_INDEX_MIN + 1 + rnd.nextInt(60);
      for (int j = 0; j < n; j++) {
        byte[] f;
        if (j > 0 && rnd.nextInt(5) == 0) { // a prefix or an extension of another form
          byte[] other = forms.get(rnd.nextInt(j)).find();
          f = Arrays.copyOf(other, Math.max(prefix.length, other.length + rnd.nextInt(9) - 4));
          for (int i = other.length; i < f.length; i++) {
            f[i] = alphabet[rnd.nextInt(alphabet.length)];
          }
        } else {
          f = Arrays.copyOf(prefix, prefix.length + rnd.nextInt(30));
          for (int i = prefix.length; i < f.length; i++) {
            f[i] = alphabet[rnd.nextInt(alphabet.length)];
          }
        }
        forms.add(new Replacer.Form(f, ("<" + j + ">").getBytes(StandardCharsets.US_ASCII)));
      }
      ByteArrayOutputStream in = new ByteArrayOutputStream();
      for (int p = 0; p < 200; p++) {
        for (int i = rnd.nextInt(6); i > 0; i--) {
          in.write(alphabet[rnd.nextInt(alphabet.length)]);
        }
        byte[] f = forms.get(rnd.nextInt(n)).find();
        in.write(f, 0, rnd.nextInt(4) == 0 ? rnd.nextInt(f.length + 1) : f.length); // whole, or cut short
      }
      byte[] bytes = in.toByteArray();
      assertCopiesAsTheReference(bytes, forms, 1 + rnd.nextInt(300), rnd, "case " + k);
    }
  }

  @Test
  void manyDistinctTokens_boundedTable_andAllReplaced() throws IOException {
    // 100,000 distinct 40-byte tokens with five forms each: an automaton over them needed gigabytes
    Random rnd = new Random(22);
    Replacer.Forms forms = new Replacer.Forms();
    byte[][] tokens = new byte[100_000][];
    for (int t = 0; t < tokens.length; t++) {
      byte[] tok = new byte[40];
      for (int i = 0; i < tok.length; i++) {
        tok[i] = (byte) ('a' + rnd.nextInt(26));
      }
      tokens[t] = tok;
      for (int f = 0; f < 5; f++) {
        byte[] form = tok.clone();
        form[0] = (byte) ('0' + f);
        forms.add(form, "*".getBytes(StandardCharsets.US_ASCII));
      }
    }
    // one arena and four ints a form: 500,000 arrays and records took 40 MB more
    assertTrue(forms.heapBytes() < 40L << 20, "the forms stay small: " + (forms.heapBytes() >> 20) + " MiB");
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long before = rt.totalMemory() - rt.freeMemory();
    Replacer r = new Replacer(forms, 1 << 16);
    System.gc();
    long used = rt.totalMemory() - rt.freeMemory() - before;
    assertTrue(used < 32L << 20, "the table stays small: " + (used >> 20) + " MiB");
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    for (int t = 0; t < tokens.length; t += 7) {
      in.writeBytes("x=".getBytes(StandardCharsets.US_ASCII));
      byte[] form = tokens[t].clone();
      form[0] = (byte) ('0' + t % 5);
      in.writeBytes(form);
      in.write('\n');
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long n = r.copy(new ByteArrayInputStream(in.toByteArray()), out);
    assertEquals((tokens.length + 6) / 7, n, "every planted form replaced");
    assertEquals("x=*\n".repeat((int) n), out.toString(StandardCharsets.US_ASCII), "nothing else changed");
  }
  /** {@code stored} as it is, or as UTF-16 (LE, BE): the bytes an encoded form stands for. */
  private static byte[] expand(byte[] stored, int enc) {
    return enc == Replacer.Forms.RAW ? stored : LeafSanitizer.utf16(stored, enc == Replacer.Forms.UTF16BE);
  }

  @Test
  void packedForms_utf16AndFills_sameCopyAsTheirPlainBytes() throws IOException {
    // a secret's UTF-16 forms read its own bytes, and a base64 core's or a binary mask's replacement
    // is a run of one byte: the copy must be the reference's over the bytes they stand for
    Random rnd = new Random(23);
    byte[] alphabet = "ab\0=*".getBytes(StandardCharsets.ISO_8859_1);
    for (int k = 0; k < 400; k++) {
      Replacer.Forms packed = new Replacer.Forms();
      List<Replacer.Form> plain = new ArrayList<>();
      int n = 1 + rnd.nextInt(6);
      for (int j = 0; j < n; j++) {
        byte[] stored = new byte[1 + rnd.nextInt(8)];
        for (int i = 0; i < stored.length; i++) {
          stored[i] = alphabet[rnd.nextInt(alphabet.length)];
        }
        int enc = rnd.nextInt(3);
        int replEnc = rnd.nextInt(3);
        int at = packed.put(stored);
        byte[] repl;
        if (rnd.nextBoolean()) {
          repl = new byte[rnd.nextInt(5)];
          Arrays.fill(repl, (byte) '#');
          packed.add(at, stored.length, enc, '#', repl.length, replEnc | Replacer.Forms.FILL);
        } else {
          repl = ("<" + j + ">").getBytes(StandardCharsets.US_ASCII);
          packed.add(at, stored.length, enc, packed.put(repl), repl.length, replEnc);
        }
        plain.add(new Replacer.Form(expand(stored, enc), expand(repl, replEnc)));
      }
      byte[] in = new byte[rnd.nextInt(3000)];
      for (int i = 0; i < in.length; i++) {
        in[i] = alphabet[rnd.nextInt(alphabet.length)];
      }
      for (int p = 0; p < 10 && in.length > 40; p++) {
        byte[] f = plain.get(rnd.nextInt(n)).find();
        System.arraycopy(f, 0, in, rnd.nextInt(in.length - f.length), f.length);
      }
      long[] want = {0};
      byte[] expected = reference(in, plain, want);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      long got = new Replacer(packed, 1 + rnd.nextInt(200)).copy(trickle(in, rnd), out);
      assertArrayEquals(expected, out.toByteArray(), "case " + k);
      assertEquals(want[0], got, "case " + k + ": occurrences");
    }
  }
}
