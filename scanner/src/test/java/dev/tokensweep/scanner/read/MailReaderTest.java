package dev.tokensweep.scanner.read;

import static dev.tokensweep.scanner.read.ReaderFixture.noProblems;
import static dev.tokensweep.scanner.read.ReaderFixture.one;
import static dev.tokensweep.scanner.read.ReaderFixture.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mail messages and mboxes through the whole pipeline: quoted-printable parts are decoded before detection. */
class MailReaderTest {
  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(1));

  private Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content.getBytes(StandardCharsets.ISO_8859_1));
    return p;
  }

  /** {@code s} cut by soft line breaks every {@code width} characters. */
  private static String softBroken(String s, int width, String eol) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i += width) {
      b.append(s, i, Math.min(s.length(), i + width));
      if (i + width < s.length()) {
        b.append('=').append(eol);
      }
    }
    return b.toString();
  }

  private static String header(String eol) {
    return String.join(eol, "Return-Path: <a@example.com>", "Received: from mx.example.com by mx2.example.com;",
        "\tMon, 1 Jan 2026 00:00:00 +0000", "From: a@example.com", "To: b@example.com", "Subject: your token",
        "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "", "");
  }

  @Test
  void eml_tokenCutBySoftBreaks_foundInBothLineEndings() throws IOException {
    for (String eol : List.of("\r\n", "\n")) {
      String token = forge.base62Crc32("ghp_");
      String mail = header(eol) + "Hello," + eol + eol + "here it is: " + softBroken(token, 13, eol) + eol + "bye" + eol;
      ScanResult r = scan(write("msg" + eol.length() + ".eml", mail));
      noProblems(r);
      Finding f = one(r, token, "a token cut by soft breaks");
      assertEquals(TextReader.MAIL, f.location().format(), "format");
      // offsets are those of the decoded text: the header and the lines before are unchanged
      assertEquals(mail.indexOf("here it is: ") + "here it is: ".length(), f.location().offset(), "offset");
    }
  }

  @Test
  void eml_escapedEqualsBeforeTheToken_keyRuleSeesIt() throws IOException {
    String secret = forge.random(TokenForge.ALNUM, 40);
    // on one line: undecoded, a key rule would take "3D" for the secret's start
    String mail = header("\r\n") + "access_token=3D" + secret + "\r\n";
    ScanResult r = scan(write("key.eml", mail));
    noProblems(r);
    one(r, secret, "access_token=3D<secret>");
  }

  @Test
  void eml_nestedAlternativeInMixed_quotedPrintableAndBase64PartsBothFound() throws IOException {
    String inQp = forge.base62Crc32("ghp_");
    String inB64 = forge.base62Crc32("gho_");
    String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString((inB64 + " is the other token, and the body goes on past one encoded line\n")
            .getBytes(StandardCharsets.US_ASCII)); // within the first line: each line is decoded on its own
    String literal = "plain =41 stays=3D as written";
    String mail = String.join("\r\n", "From: a@example.com", "Date: Mon, 1 Jan 2026 00:00:00 +0000", "MIME-Version: 1.0",
        "Content-Type: multipart/mixed; boundary=\"==outer==\"", "", "This is a multi-part message.",
        "--==outer==", "Content-Type: multipart/alternative;", " boundary=inner-7", "",
        "--inner-7", "Content-Type: text/plain", "Content-Transfer-Encoding: 7bit", "", literal, "",
        "--inner-7", "Content-Type: text/html", "Content-Transfer-Encoding: quoted-printable", "",
        "<p class=3D\"t\">" + softBroken(inQp, 9, "\r\n") + "</p>", "--inner-7--", "",
        "--==outer==", "Content-Type: application/octet-stream", "Content-Transfer-Encoding: base64", "", b64,
        "--==outer==--", "");
    ScanResult r = scan(write("nested.eml", mail));
    noProblems(r);
    one(r, inQp, "the token of the quoted-printable part");
    one(r, inB64, "the token of the base64 part");
  }

  @Test
  void eml_base64PartsTokenAcrossLineBreaks_found_andTheNextPartStillDecoded() throws IOException {
    // a base64 body is cut into 76-character lines, each decoded on its own: a token whose
    // encoding crossed a line end was lost; the part's lines are now one run
    for (String eol : List.of("\r\n", "\n")) {
      for (int pad = 0; pad < 3; pad++) {
        String inB64 = forge.base62Crc32("gho_");
        String afterQp = forge.base62Crc32("ghp_");
        // the token across the first line end, a second one across the third: a run of five lines
        String second = forge.base62Crc32("ghu_");
        String body = "x".repeat(20 + pad) + " here the token: " + inB64 + " and the body goes on a little"
            + " further, for two more lines of base64 at least, then " + second + " and the end\n";
        String b64 = Base64.getMimeEncoder(76, eol.getBytes(StandardCharsets.US_ASCII))
            .encodeToString(body.getBytes(StandardCharsets.US_ASCII));
        String mail = String.join(eol, "From: a@example.com", "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=b-1", "", "--b-1", "Content-Type: text/plain",
            "Content-Transfer-Encoding: base64", "", b64, "--b-1", "Content-Type: text/plain",
            "Content-Transfer-Encoding: quoted-printable", "", softBroken(afterQp, 11, eol), "--b-1--", "");
        ScanResult r = scan(write("b64-" + eol.length() + pad + ".eml", mail));
        noProblems(r);
        one(r, inB64, "the base64 part's token across a line end (pad " + pad + ")");
        one(r, second, "its second token, lines further on (pad " + pad + ")");
        one(r, afterQp, "the next part, decoded after the base64 run ended (pad " + pad + ")");
      }
    }
  }

  @Test
  void mbox_twoMessages_onlyTheSecondQuotedPrintable_foundThere() throws IOException {
    String plain = forge.base62Crc32("ghp_");
    String cut = forge.base62Crc32("ghp_");
    String mbox = "From alice@example.com Mon Jan  1 00:00:00 2026\nFrom: alice@example.com\nMIME-Version: 1.0\n\n"
        + "first: " + plain + "\n\n"
        + "From bob@example.com Mon Jan  1 00:00:01 2026\nFrom: bob@example.com\nMIME-Version: 1.0\n"
        + "Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n"
        + "second: " + softBroken(cut, 11, "\n") + "\n";
    ScanResult r = scan(write("Inbox", mbox));
    noProblems(r);
    assertEquals(mbox.indexOf(plain), one(r, plain, "the first message's token").location().offset(), "offset");
    assertEquals(TextReader.MAIL, one(r, cut, "the second message's token").location().format(), "format");
  }

  @Test
  void mbox_largerThanChunks_tokenAtTheEndFound() throws IOException {
    String token = forge.base62Crc32("ghp_");
    StringBuilder b = new StringBuilder("From a Mon Jan  1 00:00:00 2026\nFrom: a@example.com\nMIME-Version: 1.0\n\n");
    for (int i = 0; i < 3000; i++) {
      b.append("line ").append(i).append(" of the first message=\n continued\n");
    }
    b.append("\nFrom b Mon Jan  1 00:00:01 2026\nContent-Transfer-Encoding: quoted-printable\n\n")
        .append("t: ").append(softBroken(token, 7, "\n")).append('\n');
    ScanResult r = scan(write("big.mbox", b.toString()), 4096);
    noProblems(r);
    one(r, token, "a token after many chunks");
  }

  @Test
  void hostileMail_neitherThrowsNorHangs_andThePlainTokenIsFound() throws IOException {
    String token = forge.base62Crc32("ghp_");
    StringBuilder deep = new StringBuilder("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b0\n\n");
    for (int i = 1; i < 100; i++) {
      deep.append("--b").append(i - 1).append("\nContent-Type: multipart/mixed; boundary=b").append(i).append("\n\n");
    }
    String[] mails = {
        "From: a\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nplain " + token + "\n",
        "From: a\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=never\n\n--other\n\nplain " + token + "\n",
        "From: a\nMIME-Version: 1.0\nX-Long: " + "x".repeat(1 << 20) + "\n\nplain " + token + "\n",
        deep + "plain " + token + "\n",
    };
    for (int i = 0; i < mails.length; i++) {
      Path p = write("hostile" + i + ".eml", mails[i]);
      ScanResult r = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () -> scan(p), "hostile " + i);
      noProblems(r);
      assertEquals(mails[i].indexOf("plain ") + 6, one(r, token, "hostile " + i).location().offset(), "offset");
    }
  }

  @Test
  void logWithSoftBreakLookalikes_readAsTextAsBefore() throws IOException {
    String whole = forge.base62Crc32("ghp_");
    String cut = forge.base62Crc32("ghp_");
    String log = "2026-01-01T00:00:00Z INFO Content-Type: text/plain\n"
        + "2026-01-01T00:00:01Z DEBUG a=\nb=3D " + whole + " c=\n"
        + "2026-01-01T00:00:02Z DEBUG " + cut.substring(0, 20) + "=\n" + cut.substring(20) + "\n";
    ScanResult r = scan(write("app.log", log));
    noProblems(r);
    Finding f = one(r, whole, "the whole token");
    assertEquals("text", f.location().format(), "format");
    assertEquals(log.indexOf(whole), f.location().offset(), "offset");
    assertEquals(3, f.location().line(), "line");
    assertTrue(r.findings().stream().noneMatch(x -> cut.equals(x.revealed())), "a log's '=' line ends are not joined");
  }

  @Test
  void selector_mailHead_namedMailAndNeverReadInParts() {
    ReaderSelector s = new ReaderSelector(1 << 20);
    byte[] eml = "Received: from x\nMIME-Version: 1.0\n\nbody\n".getBytes(StandardCharsets.US_ASCII);
    byte[] mbox = "From a Mon Jan  1 00:00:00 2026\nSubject: x\nContent-Type: text/plain\n\n".getBytes(StandardCharsets.US_ASCII);
    byte[] headers = "X-Request-Id: 5\nFoo: bar\n\n".getBytes(StandardCharsets.US_ASCII);
    byte[] later = ("2026 INFO start\nMIME-Version: 1.0\n").getBytes(StandardCharsets.US_ASCII);
    for (byte[] h : List.of(eml, mbox)) {
      assertEquals(TextReader.MAIL, s.select("m", h, h.length).format(), "a message");
      assertNull(s.partReader("m", h, h.length), "a message is read from its start");
    }
    for (byte[] h : List.of(headers, later)) {
      assertEquals("text", s.select("m", h, h.length).format(), "not a message");
      assertNotNull(s.partReader("m", h, h.length), "plain text is read in parts");
    }
  }
}
