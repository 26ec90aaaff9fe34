package dev.tokensweep.scanner.sanitize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The mail stage of sanitize: its quoted-printable encoder against the scan's own decoder on random
 * text, a secret in a part masked while the bytes around stay, and hostile mails (no boundary,
 * endless lines, deep nesting, bad escapes, a body over the cap) that neither throw nor hang.
 */
class MailPartsTest {

  /** A synthetic secret (the detector is not involved: the stage takes the leaf's forms). */
  static final byte[] SECRET = "sk_test_Zq8vN3mW7pL2xR5tY9bC4dF6".getBytes(StandardCharsets.US_ASCII);

  static final byte[] MASK = "[REDACTED]".getBytes(StandardCharsets.US_ASCII);

  static List<Replacer.Form> forms() {
    return List.of(new Replacer.Form(SECRET, MASK));
  }

  static byte[] through(byte[] mail, List<Replacer.Form> r) throws IOException {
    try (MailParts m = new MailParts(new ByteArrayInputStream(mail), r)) {
      return m.readAllBytes();
    }
  }

  /** {@code mail} as the scan reads it: {@code read.QuotedPrintableText}, the decoder under test's partner. */
  static byte[] scanDecoded(byte[] mail) throws Exception {
    Class<?> c = Class.forName("dev.tokensweep.scanner.read.QuotedPrintableText");
    Constructor<?> k = c.getDeclaredConstructor(InputStream.class);
    k.setAccessible(true);
    try (InputStream in = (InputStream) k.newInstance(new ByteArrayInputStream(mail))) {
      return in.readAllBytes();
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static byte[] header(String eol, String encoding) {
    return ascii(String.join(eol, "From: a@example.com", "MIME-Version: 1.0", "Content-Type: text/plain",
        "Content-Transfer-Encoding: " + encoding, "", ""));
  }

  /** Random text biased to what QP must take care of: line ends, whitespace, '=', '-', "From ", non-ASCII. */
  private static byte[] randomText(Random rnd) {
    String[] pieces = {"a", "Z", " ", "\t", "=", "-", "--", "From ", "\n", "\r\n", "\r", ".", "=3D", "\u00e9", "x".repeat(80)};
    StringBuilder b = new StringBuilder();
    int n = rnd.nextInt(60);
    for (int i = 0; i < n; i++) {
      b.append(pieces[rnd.nextInt(pieces.length)]);
    }
    byte[] t = b.toString().getBytes(StandardCharsets.UTF_8);
    if (rnd.nextInt(4) == 0 && t.length > 0) {
      t[rnd.nextInt(t.length)] = (byte) rnd.nextInt(256); // any byte at all
    }
    return t;
  }

  @Test
  void encodeQuotedPrintable_randomText_scanDecodesItBack_linesValid() throws Exception {
    Random rnd = new Random(2045);
    for (int k = 0; k < 3000; k++) {
      boolean crlf = rnd.nextBoolean();
      String eol = crlf ? "\r\n" : "\n";
      byte[] text = randomText(rnd);
      boolean softEnd = rnd.nextBoolean();
      byte[] enc = MailParts.encodeQuotedPrintable(text, 0, text.length, crlf, softEnd);
      byte[] head = header(eol, "quoted-printable");
      byte[] decoded = scanDecoded(concat(head, enc));
      assertArrayEquals(text, Arrays.copyOfRange(decoded, head.length, decoded.length), "case " + k + ": round trip");
      assertArrayEquals(text, MailParts.decodeQuotedPrintable(enc, 0, enc.length).toArray(), "case " + k + ": own decoder");
      String s = new String(enc, StandardCharsets.ISO_8859_1);
      for (String line : s.split(eol, -1)) {
        assertTrue(line.length() <= MailParts.QP_LINE, "case " + k + ": a line of " + line.length());
        assertTrue(line.chars().allMatch(c -> c >= 32 && c < 127 || c == '\t'), "case " + k + ": printable ASCII");
        assertFalse(line.endsWith(" ") || line.endsWith("\t"), "case " + k + ": whitespace at a line's end");
        assertFalse(line.startsWith("-") || line.startsWith("From "), "case " + k + ": a boundary or From look-alike");
      }
    }
  }

  @Test
  void secretCutBySoftBreak_masked_bytesAroundKept() throws Exception {
    for (String eol : List.of("\n", "\r\n")) {
      String s = new String(SECRET, StandardCharsets.US_ASCII);
      byte[] head = ascii(String.join(eol, "From: a@example.com", "MIME-Version: 1.0",
          "Content-Type: multipart/mixed; boundary=\"b\"", "", "--b", "Content-Type: text/plain",
          "Content-Transfer-Encoding: quoted-printable", "", ""));
      byte[] body = ascii("key: " + s.substring(0, 10) + "=" + eol + s.substring(10) + " caf=C3=A9" + eol);
      byte[] tail = ascii(String.join(eol, "--b", "Content-Type: text/plain", "Content-Transfer-Encoding: base64", "",
          "c2VjcmV0LWZyZWUgdGV4dA==", "--b--", ""));
      List<Replacer.Form> r = forms();
      byte[] out = through(concat(head, body, tail), r);
      String copy = new String(out, StandardCharsets.ISO_8859_1);
      assertTrue(copy.startsWith(new String(head, StandardCharsets.ISO_8859_1)), "header kept");
      assertTrue(copy.endsWith(new String(tail, StandardCharsets.ISO_8859_1)), "the next part kept");
      byte[] newBody = Arrays.copyOfRange(out, head.length, out.length - tail.length);
      assertEquals("key: [REDACTED] caf\u00c3\u00a9" + eol,
          new String(MailParts.decodeQuotedPrintable(newBody, 0, newBody.length).toArray(), StandardCharsets.ISO_8859_1),
          "the part decodes to its text with the secret masked");
    }
  }

  @Test
  void base64TextPart_secretAcrossLineEnd_reencodedInItsLineLengthAndEnding() throws Exception {
    String eol = "\r\n";
    byte[] text = ascii("y".repeat(70) + " " + new String(SECRET, StandardCharsets.US_ASCII) + " " + "z".repeat(200));
    String enc = Base64.getEncoder().encodeToString(text);
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < enc.length(); i += 64) {
      lines.append(enc, i, Math.min(enc.length(), i + 64)).append(eol);
    }
    byte[] head = header(eol, "base64");
    byte[] out = through(concat(head, ascii(lines + eol)), forms());
    String body = new String(out, head.length, out.length - head.length, StandardCharsets.ISO_8859_1);
    assertTrue(body.endsWith(eol + eol), "the blank line after the base64 kept");
    String[] ls = body.strip().split(eol);
    for (int i = 0; i < ls.length - 1; i++) {
      assertEquals(64, ls[i].length(), "line " + i + ": the part's line length");
    }
    String decoded = new String(Base64.getMimeDecoder().decode(body.strip()), StandardCharsets.ISO_8859_1);
    assertEquals("y".repeat(70) + " [REDACTED] " + "z".repeat(200), decoded, "decodes to the masked text");
  }

  @Test
  void binaryBase64Part_leftAsItWas() throws Exception {
    byte[] bin = concat(new byte[] {0, 1, 2}, SECRET, new byte[] {0});
    byte[] mail = concat(header("\n", "base64"), ascii(Base64.getMimeEncoder(76, ascii("\n")).encodeToString(bin) + "\n"));
    assertArrayEquals(mail, through(mail, forms()), "a binary part is not rewritten: a mask would break it");
  }

  @Test
  void hostileMails_neitherThrowNorHang_andWithoutASecretComeOutAsTheyWent() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      String s = new String(SECRET, StandardCharsets.US_ASCII);
      StringBuilder deep = new StringBuilder("MIME-Version: 1.0\n");
      for (int i = 0; i < 10_000; i++) {
        deep.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("\"\n\n--b").append(i).append('\n');
      }
      deep.append("Content-Transfer-Encoding: quoted-printable\n\n").append(s, 0, 9).append("=\n").append(s.substring(9))
          .append("\n");
      List<byte[]> mails = List.of(
          // a multipart whose boundary never comes
          ascii("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=never\n\nx\n--other\n"
              + "Content-Transfer-Encoding: quoted-printable\n\n=XY=\n=4\n=\n" + s + "\n"),
          // an endless line in a QP body, and in a header
          concat(header("\n", "quoted-printable"), ascii("a".repeat(3 << 20) + "=\n" + s + "\n")),
          concat(ascii("MIME-Version: 1.0\nSubject: "), ascii("h".repeat(1 << 20)), ascii("\n\n" + s + "\n")),
          // an endless line that the input's end cuts
          concat(header("\n", "base64"), ascii("QUJD".repeat(100_000))),
          ascii(deep.toString()),
          // bad escapes and base64 that is not
          concat(header("\r\n", "quoted-printable"), ascii("=Z=1=GG=\r\n=\r\n  =  \r\n=3" + s)),
          concat(header("\n", "base64"), ascii("!!!!\n" + s + "\nQUJD=\nQUJD\n")));
      List<Replacer.Form> none = List.of(new Replacer.Form(ascii("never-in-these-mails"), MASK));
      for (int k = 0; k < mails.size(); k++) {
        byte[] m = mails.get(k);
        assertArrayEquals(m, through(m, none), "mail " + k + ": without a secret, byte for byte");
        byte[] out = through(m, forms());
        assertTrue(out.length <= 3L * m.length + 64, "mail " + k + ": a bounded copy");
      }
      // the deepest part: the walker follows 32 levels, so that QP body is not decoded and stays
      byte[] d = ascii(deep.toString());
      assertArrayEquals(d, through(d, forms()), "nesting past the walker's depth: copied as it was");
    });
  }

  @Test
  void bodyOverTheCap_copiedAsItWas_andCounted() throws Exception {
    byte[] head = header("\n", "quoted-printable");
    String s = new String(SECRET, StandardCharsets.US_ASCII);
    byte[] line = ascii("q".repeat(75) + "=\n");
    int n = MailParts.MAX_PART / line.length + 1;
    byte[] body = new byte[n * line.length];
    for (int i = 0; i < n; i++) {
      System.arraycopy(line, 0, body, i * line.length, line.length);
    }
    byte[] mail = concat(head, body, ascii(s.substring(0, 7) + "=\n" + s.substring(7) + "\n"));
    try (MailParts m = new MailParts(new ByteArrayInputStream(mail), forms())) {
      assertArrayEquals(mail, m.readAllBytes(), "a body over the cap passes as it came");
      assertEquals(1, m.longParts(), "and is counted");
      assertEquals(0, m.replaced(), "nothing replaced in it");
    }
  }
}
