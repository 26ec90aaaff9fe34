package dev.tokensweep.scanner.read;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tokensweep.detectors.rule.TokenForge;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class QuotedPrintableTextTest {
  private final TokenForge forge = new TokenForge(new Random(1));
  private final String token = forge.base62Crc32("ghp_");

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String read(byte[] mail) throws IOException {
    try (InputStream in = new QuotedPrintableText(new ByteArrayInputStream(mail))) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /** Reads in random small pieces, one byte at a time now and then. */
  private static String readInPieces(byte[] mail, Random r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = new QuotedPrintableText(new ByteArrayInputStream(mail))) {
      byte[] b = new byte[64];
      while (true) {
        if (r.nextInt(4) == 0) {
          int c = in.read();
          if (c < 0) {
            break;
          }
          out.write(c);
          continue;
        }
        int n = in.read(b, 0, 1 + r.nextInt(b.length));
        if (n < 0) {
          break;
        }
        out.write(b, 0, n);
      }
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  /** Fails naming only lengths and the first difference's place: the texts hold tokens. */
  private static void assertSameText(String expected, String actual, String what) {
    if (!expected.equals(actual)) {
      int i = 0;
      while (i < expected.length() && i < actual.length() && expected.charAt(i) == actual.charAt(i)) {
        i++;
      }
      fail(what + ": texts differ at " + i + " (expected " + expected.length() + " chars, got " + actual.length() + ")");
    }
  }

  /** Quoted-printable as a mailer writes it: {@code =}, controls and 8-bit bytes escaped, soft breaks every {@code width}. */
  static String qp(String text, int width, String eol) {
    StringBuilder out = new StringBuilder();
    int col = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        out.append(eol);
        col = 0;
        continue;
      }
      String enc = c == '=' || c < ' ' || c > '~' ? String.format("=%02X", (int) c) : String.valueOf(c);
      if (col + enc.length() > width - 1) {
        out.append('=').append(eol);
        col = 0;
      }
      out.append(enc);
      col += enc.length();
    }
    return out.toString();
  }

  private String body() {
    return "Hello,\nyour token=" + token + " expires soon.\nCaf\u00e9 \u2014 bye\n";
  }

  @Test
  void read_singlePartCrlf_softBreaksJoinedAndEscapesDecoded() throws IOException {
    String head = "From: a@example.com\r\nTo: b@example.com\r\nSubject: t\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
    String encoded = qp(body().replace("\u2014", "-"), 30, "\r\n");
    assertTrue(encoded.contains("=\r\n") && encoded.contains("=3D"), "the fixture has soft breaks and =3D");
    assertSameText(head + body().replace("\u2014", "-").replace("\n", "\r\n"), read(latin1(head + encoded)), "decoded");
  }

  @Test
  void read_singlePartLf_softBreaksWithTrailingBlanksJoined() throws IOException {
    String head = "Date: Mon, 1 Jan 2026 00:00:00 +0000\nMIME-Version: 1.0\ncontent-transfer-encoding:  Quoted-Printable\n\n";
    String encoded = "token=3D" + token.substring(0, 10) + "= \t\n" + token.substring(10, 20) + "=\n" + token.substring(20) + "\n";
    assertSameText(head + "token=" + token + "\n", read(latin1(head + encoded)), "decoded");
  }

  @Test
  void read_hexEitherCaseDecoded_otherEqualsKept() throws IOException {
    String head = "Subject: x\nContent-Transfer-Encoding: quoted-printable\n\n";
    // the last line ends in a soft break: nothing follows it
    assertSameText(head + "a=b =G1 =4 \u00e9\u00e9 = end", read(latin1(head + "a=3db =G1 =4 =e9=E9 = end=\n")), "decoded");
  }

  @Test
  void read_unfoldedHeaderAndQuotedBoundary_nestedAlternativeInMixed() throws IOException {
    String mail = "From: a@example.com\nMIME-Version: 1.0\nContent-Type: multipart/mixed;\n boundary=\"outer b\"\n\n"
        + "preamble =41\n"
        + "--outer b\nContent-Type: multipart/alternative; charset=x; BOUNDARY=inner\n\n"
        + "--inner\nContent-Type: text/plain\nContent-Transfer-Encoding: 7bit\n\nplain =41 stays=\n\n"
        + "--inner\nContent-Type: text/html\nContent-Transfer-Encoding:\n quoted-printable\n\n"
        + "<p>" + token.substring(0, 15) + "=\n" + token.substring(15) + "=3D</p>\n"
        + "--inner--\nepilogue =41\n"
        + "--outer b\nContent-Type: text/plain\n\nafter =41\n"
        + "--outer b--\n";
    String want = mail.replace("<p>" + token.substring(0, 15) + "=\n" + token.substring(15) + "=3D</p>", "<p>" + token + "=</p>");
    assertFalse(want.equals(mail), "the fixture has a part to decode");
    assertSameText(want, read(latin1(mail)), "decoded");
  }

  @Test
  void read_mboxOfTwoMessages_onlyTheQuotedPrintableOneDecoded() throws IOException {
    String first = "From alice@example.com Mon Jan  1 00:00:00 2026\nFrom: alice@example.com\nMIME-Version: 1.0\n\n"
        + "plain =41 and a break=\nkept\n\n";
    String second = "From bob@example.com Mon Jan  1 00:00:01 2026\nFrom: bob@example.com\nMIME-Version: 1.0\n"
        + "Content-Transfer-Encoding: quoted-printable\n\n";
    String encoded = "key " + token.substring(0, 20) + "=\n" + token.substring(20) + "\n";
    assertSameText(first + second + "key " + token + "\n", read(latin1(first + second + encoded)), "decoded");
  }

  @Test
  void read_mboxMessageAfterAnUnterminatedMultipart_isDecoded() throws IOException {
    String first = "From a Mon Jan  1 00:00:00 2026\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
        + "Content-Type: text/plain\n\nnever closed\n\n";
    String second = "From b Mon Jan  1 00:00:01 2026\nContent-Transfer-Encoding: quoted-printable\n\nx=3Dy\n";
    assertSameText(first + second.replace("=3D", "="), read(latin1(first + second)), "decoded");
  }

  @Test
  void read_messageRfc822Part_itsOwnHeaderDecides() throws IOException {
    String mail = "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\n"
        + "Subject: inner\nContent-Transfer-Encoding: quoted-printable\n\nx=3Dy=\nz\n--b--\n";
    assertSameText(mail.replace("x=3Dy=\nz", "x=yz"), read(latin1(mail)), "decoded");
  }

  @Test
  void read_notMimeStructured_passedOnAsItIs() throws IOException {
    String log = "2026-01-01 INFO a=\nb=41 c=3D\n\nContent-Transfer-Encoding: quoted-printable\n\nx=3D=\ny\n";
    // the first line is no header field: the empty line ends an (odd) header, the body is not QP
    assertSameText(log, read(latin1("Subject: x\n" + log)).substring("Subject: x\n".length()), "as it is");
  }

  @Test
  void read_randomTextsAndPieces_roundTripTheEncoding() throws IOException {
    Random r = new Random(5);
    for (int round = 0; round < 300; round++) {
      StringBuilder text = new StringBuilder();
      int n = r.nextInt(400);
      for (int i = 0; i < n; i++) {
        int k = r.nextInt(20);
        text.append(k == 0 ? '\n' : k == 1 ? '=' : k == 2 ? '\u00e9' : k == 3 ? ' ' : (char) ('!' + r.nextInt(94)));
      }
      String body = text.toString().replaceAll(" +\n", "\n"); // trailing blanks would be encoded, not kept
      String eol = r.nextBoolean() ? "\r\n" : "\n";
      String head = "Subject: r" + eol + "Content-Transfer-Encoding: quoted-printable" + eol + eol;
      String encoded = head + qp(body, 8 + r.nextInt(70), eol);
      String want = head + body.replace("\n", eol);
      assertSameText(want, read(latin1(encoded)), "round " + round);
      assertSameText(want, readInPieces(latin1(encoded), r), "round " + round + " in pieces");
    }
  }

  @Test
  void read_headerLineOfOneMegabyte_passedOnAndTheNextPartStillDecoded() throws IOException {
    String head = "Subject: x\nX-Long: " + "a".repeat(1 << 20) + "\nContent-Transfer-Encoding: quoted-printable\n\n";
    String mail = head + "t=3D" + token.substring(0, 9) + "=\n" + token.substring(9) + "\n";
    assertSameText(head + "t=" + token + "\n", read(latin1(mail)), "decoded");
  }

  @Test
  void read_linesLongerThanTheFirstBufferAndShorterThanTheCap_stillDecoded() throws IOException {
    String head = "Subject: x\nX-Pad: " + "p".repeat(20_000) + "\nContent-Transfer-Encoding: quoted-printable\n\n";
    String pad = "=41".repeat(10_000);
    String mail = head + pad + "t=3D" + token.substring(0, 9) + "=\n" + token.substring(9) + "\n";
    assertSameText(head + "A".repeat(10_000) + "t=" + token + "\n", read(latin1(mail)), "decoded");
  }

  @Test
  void read_bodyLineOfOneMegabyte_passedOnUndecoded() throws IOException {
    String head = "Subject: x\nContent-Transfer-Encoding: quoted-printable\n\n";
    String longLine = "=41".repeat(400_000) + "\n";
    assertSameText(head + longLine + "A\n", read(latin1(head + longLine + "=41\n")), "decoded");
  }

  @Test
  void read_hostileStructures_endAndNeverGrow() {
    String deep = "MIME-Version: 1.0\n" + "Content-Type: multipart/mixed; boundary=b0\n\n";
    StringBuilder b = new StringBuilder(deep);
    for (int i = 1; i < 200; i++) {
      b.append("--b").append(i - 1).append("\nContent-Type: multipart/mixed; boundary=b").append(i).append("\n\n");
    }
    b.append("--b199\nContent-Transfer-Encoding: quoted-printable\n\nx=3Dy\n");
    String[] hostile = {
        b.toString(),
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=never\n\n" + "--nope\n\n=41\n".repeat(1000),
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"\n\n--\n--\n",
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/mixed; boundary=b\n\n--b\n",
        "Subject: x\n" + " folded\n".repeat(20_000) + "Content-Transfer-Encoding: quoted-printable\n\n==\n=\n=",
        "Subject: x\nContent-Type: " + "m".repeat(200_000) + "\n\n",
        "From x\n".repeat(5000),
        "",
        "=",
    };
    for (int i = 0; i < hostile.length; i++) {
      byte[] in = latin1(hostile[i]);
      int k = i;
      String out = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10), () -> read(in), "hostile " + k);
      assertTrue(out.length() <= in.length, "hostile " + k + ": never longer than the input");
    }
  }
}
