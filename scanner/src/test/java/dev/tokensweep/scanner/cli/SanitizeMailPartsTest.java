package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sanitize of mail messages and mboxes whose tokens sit in quoted-printable or base64 parts: the
 * scan decodes those parts and finds a token that a soft line break or a base64 line end cut, or
 * whose {@code =} QP wrote {@code =3D}, but no form of it appeared whole in the raw bytes, so the
 * copy kept it and the verification said FAILED. Now the copy's parts decode to the original text
 * with the tokens masked, the verification is clean, and every byte outside a changed part (headers,
 * boundaries, parts without a secret) is as it was.
 */
class SanitizeMailPartsTest {

  @TempDir
  Path tmp;

  private final TokenForge forge = new TokenForge(new Random(2045));

  /** One piece of a test mail: fixed text, or a part's body. */
  private sealed interface Piece permits Fixed, Body {}

  private record Fixed(String text) implements Piece {}

  /** A body as written ({@code raw}), its text decoded, the tokens in it. */
  private record Body(boolean qp, String raw, byte[] decoded, List<String> tokens) implements Piece {}

  /** A mail built from pieces, in one line ending. */
  private static final class Mail {
    final String eol;
    final List<Piece> pieces = new ArrayList<>();

    Mail(String eol) {
      this.eol = eol;
    }

    /** Lines of fixed text, each ended by the mail's line ending. */
    Mail lines(String... ls) {
      StringBuilder b = new StringBuilder();
      for (String l : ls) {
        b.append(l).append(eol);
      }
      pieces.add(new Fixed(b.toString()));
      return this;
    }

    Mail header(String type, String encoding) {
      List<String> h = new ArrayList<>(List.of("Content-Type: " + type));
      if (encoding != null) {
        h.add("Content-Transfer-Encoding: " + encoding);
      }
      h.add("");
      return lines(h.toArray(String[]::new));
    }

    /** A quoted-printable body already encoded (its line ends in {@code \n}, turned into the mail's). */
    Mail qp(String encoded, String... tokens) {
      String raw = encoded.replace("\n", eol);
      pieces.add(new Body(true, raw, qpDecode(raw), List.of(tokens)));
      return this;
    }

    /** {@code text} (line ends turned into the mail's) as base64 in lines of 76, the last one ended too. */
    Mail b64(String text, String... tokens) {
      return b64(text.replace("\n", eol).getBytes(StandardCharsets.UTF_8), tokens);
    }

    Mail b64(byte[] content, String... tokens) {
      String enc = Base64.getEncoder().encodeToString(content);
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < enc.length(); i += 76) {
        b.append(enc, i, Math.min(enc.length(), i + 76)).append(eol);
      }
      pieces.add(new Body(false, b.toString(), content, List.of(tokens)));
      return this;
    }

    byte[] bytes() {
      StringBuilder b = new StringBuilder();
      for (Piece p : pieces) {
        b.append(p instanceof Fixed f ? f.text() : ((Body) p).raw());
      }
      return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    List<String> tokens() {
      List<String> t = new ArrayList<>();
      for (Piece p : pieces) {
        if (p instanceof Body body) {
          t.addAll(body.tokens());
        }
      }
      return t;
    }
  }

  /** Quoted-printable decoded as RFC 2045 says (soft breaks removed, {@code =XX} decoded, line ends kept). */
  static byte[] qpDecode(String raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String[] lines = raw.split("(?<=\n)");
    for (String line : lines) {
      String content = line.endsWith("\r\n") ? line.substring(0, line.length() - 2)
          : line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
      String end = line.substring(content.length());
      String stripped = content.replaceAll("[ \t]+$", "");
      boolean soft = !end.isEmpty() && stripped.endsWith("=");
      String body = soft ? stripped.substring(0, stripped.length() - 1) : content;
      for (int i = 0; i < body.length(); i++) {
        char c = body.charAt(i);
        if (c == '=' && i + 2 < body.length() && isHex(body.charAt(i + 1)) && isHex(body.charAt(i + 2))) {
          out.write(Integer.parseInt(body.substring(i + 1, i + 3), 16));
          i += 2;
        } else {
          out.write(c);
        }
      }
      if (!soft) {
        out.writeBytes(end.getBytes(StandardCharsets.ISO_8859_1));
      }
    }
    return out.toByteArray();
  }

  private static boolean isHex(char c) {
    return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f';
  }

  /** {@code s} cut by soft line breaks every {@code width} characters. */
  private static String soft(String s, int width) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i += width) {
      b.append(s, i, Math.min(s.length(), i + width));
      if (i + width < s.length()) {
        b.append("=\n");
      }
    }
    return b.toString();
  }

  private String jwt() {
    return forge.jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"sub\":\"" + forge.random(TokenForge.ALNUM, 8)
        + "\",\"iat\":1700000000,\"exp\":1900000000}");
  }

  private String deviceCode() {
    return forge.random(TokenForge.B64URL, 43);
  }

  private static Mail message(String eol, String type, String encoding) {
    return new Mail(eol).lines("From: a@example.com", "To: b@example.com", "Subject: tokens",
        "Date: Mon, 1 Jan 2026 00:00:00 +0000", "MIME-Version: 1.0").header(type, encoding);
  }

  /** (a) and (b): tokens cut by soft line breaks, and a token whose {@code =} QP wrote {@code =3D}. */
  private Mail quotedPrintable(String eol) {
    String ghp = forge.base62Crc32("ghp_");
    String jwt = jwt();
    String dev = deviceCode();
    String padded = forge.random(TokenForge.ALNUM, 39) + "=";
    String encoded = "Hello,\n\nyour token: " + soft(ghp, 17) + "\njwt " + soft(jwt, 40) + "\ncurl -d device_code=3D"
        + soft(dev, 20) + " -d x=3Dy\n" + "callback device_code=3D" + padded.replace("=", "=3D")
        + " caf=C3=A9\nbye  \n";
    return message(eol, "text/plain; charset=utf-8", "quoted-printable").qp(encoded, ghp, jwt, dev, padded);
  }

  /** (c): a base64 text part whose tokens cross line ends. */
  private Mail base64Text(String eol) {
    String ghp = forge.base62Crc32("gho_");
    String jwt = jwt();
    // 57 bytes make a 76-character line: the first token starts 50 bytes in, so it crosses the first line end
    String text = "x".repeat(49) + " " + ghp + " and " + jwt + "\nmore text ".repeat(9) + "device_code=" + deviceCode() + "\n";
    String dev = text.substring(text.lastIndexOf('=') + 1, text.length() - 1);
    return message(eol, "text/plain; charset=utf-8", "base64").b64(text, ghp, jwt, dev);
  }

  /** (d): a JSON attachment holding a token, next to a text part and a binary part without one. */
  private Mail jsonAttachment(String eol) {
    String ghp = forge.base62Crc32("ghp_");
    String json = "{\n  \"client\": \"ci\",\n  \"auth\": {\n    \"token\": \"" + ghp + "\"\n  }\n}\n";
    byte[] png = new byte[300];
    new Random(5).nextBytes(png);
    png[0] = (byte) 0x89;
    png[8] = 0;
    return message(eol, "multipart/mixed; boundary=\"b1_x\"", null).lines("preamble", "--b1_x")
        .header("text/plain; charset=utf-8", "quoted-printable").qp("see the attached file=\n, thanks\n")
        .lines("--b1_x").header("application/json; name=\"creds.json\"", "base64").b64(json, ghp)
        .lines("--b1_x").header("image/png", "base64").b64(png)
        .lines("--b1_x--", "epilogue");
  }

  /** (e): multipart/mixed holding multipart/related holding a forwarded message/rfc822 with alternatives. */
  private Mail nested(String eol) {
    String ghp = forge.base62Crc32("ghp_");
    String jwt = jwt();
    String ghs = forge.base62Crc32("ghs_");
    return message(eol, "multipart/mixed; boundary=\"outer\"", null).lines("--outer",
            "Content-Type: multipart/related; boundary=\"rel\"", "", "--rel")
        .header("text/plain", "quoted-printable").qp("hi =\nthere\n")
        .lines("--rel", "Content-Type: message/rfc822", "", "From: c@example.com", "Subject: fwd", "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"alt\"", "", "--alt")
        .header("text/plain; charset=utf-8", "quoted-printable").qp("forwarded: " + soft(ghp, 11) + "\n", ghp)
        .lines("--alt").header("text/html", "base64").b64("<p>" + "y".repeat(40) + " " + jwt + "</p>\n", jwt)
        .lines("--alt--", "--rel--", "--outer").header("text/plain", "base64").b64("the end: " + ghs + "\n", ghs)
        .lines("--outer--");
  }

  /** (f): an mbox of two messages, a QP one and a base64 one. */
  private Mail mbox(String eol) {
    Mail first = quotedPrintable(eol);
    Mail second = base64Text(eol);
    Mail m = new Mail(eol).lines("From a@example.com Mon Jan  1 00:00:00 2026");
    m.pieces.addAll(first.pieces);
    m.lines("", "From b@example.com Mon Jan  1 00:00:01 2026");
    m.pieces.addAll(second.pieces);
    return m; // the second message's body runs to the end
  }

  /** Sanitizes {@code mail} and checks the copy: clean, its parts masked, everything else as it was. */
  private void sanitizedClean(Mail mail, String name) throws IOException {
    Path in = tmp.resolve(name);
    byte[] original = mail.bytes();
    Files.write(in, original);
    Path out = tmp.resolve("out-" + name);

    Run r = Run.run("sanitize", in.toString(), "-o", out.toString());

    assertEquals(0, r.exit(), name + ": sanitized and verified clean (exit " + r.exit() + ")");
    assertTrue(r.err().contains("verification clean"), name + ": verification clean");
    assertArrayEquals(original, Files.readAllBytes(in), name + ": input unchanged");
    String copy = new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1);
    int pos = 0;
    Body pending = null;
    int bodies = 0;
    for (Piece p : mail.pieces) {
      if (p instanceof Body b) {
        pending = b;
        continue;
      }
      String fixed = ((Fixed) p).text();
      int at = copy.indexOf(fixed, pos);
      assertTrue(at >= 0, name + ": fixed text kept, piece at " + pos);
      if (pending == null) {
        assertEquals(pos, at, name + ": nothing before the fixed text at " + pos);
      } else {
        checkBody(pending, copy.substring(pos, at), name + " body " + bodies++);
        pending = null;
      }
      pos = at + fixed.length();
    }
    if (pending != null) {
      checkBody(pending, copy.substring(pos), name + " last body");
    } else {
      assertEquals(copy.length(), pos, name + ": nothing after the last piece");
    }
    for (String t : mail.tokens()) {
      r.assertNotPrinted(t.substring(4, 16), name + ": a token");
    }
  }

  private static final String MASK = "\\[REDACTED:[a-z_]+:[0-9a-f]{8}\\]";

  /** A body's copy: as it was without a token; else decoding to the text with each token masked. */
  private static void checkBody(Body b, String copied, String what) {
    if (b.tokens().isEmpty()) {
      assertEquals(b.raw(), copied, what + ": a part without a secret is copied as it was");
      return;
    }
    byte[] decoded = b.qp() ? qpDecode(copied) : Base64.getMimeDecoder().decode(copied.strip());
    String got = new String(decoded, StandardCharsets.ISO_8859_1).replaceAll(MASK, "X");
    String want = new String(b.decoded(), StandardCharsets.ISO_8859_1);
    for (String t : b.tokens()) {
      assertTrue(want.contains(t), what + ": the case holds its token");
      want = want.replace(t, "X");
    }
    assertEquals(want.length(), got.length(), what + ": the decoded copy is the text with its tokens masked (length)");
    assertTrue(want.equals(got), what + ": the decoded copy is the text with its tokens masked");
    String eol = b.raw().contains("\r\n") ? "\r\n" : "\n";
    for (String line : copied.split(eol, -1)) {
      assertTrue(line.length() <= 76, what + ": a line of " + line.length() + " characters");
      assertTrue(!line.contains("\n") && !line.contains("\r"), what + ": a line end of another kind");
      if (b.qp()) {
        assertTrue(line.chars().allMatch(c -> c >= 32 && c < 127 || c == '\t'), what + ": QP is printable ASCII");
        assertTrue(!line.endsWith(" ") && !line.endsWith("\t"), what + ": QP has no whitespace at a line's end");
      }
    }
  }

  @Test
  void quotedPrintable_tokensCutBySoftBreaksAndEqualsAs3D_maskedAndClean() throws IOException {
    sanitizedClean(quotedPrintable("\n"), "qp-lf.eml");
    sanitizedClean(quotedPrintable("\r\n"), "qp-crlf.eml");
  }

  @Test
  void base64TextPart_tokensAcrossLineEnds_maskedAndClean() throws IOException {
    sanitizedClean(base64Text("\n"), "b64-lf.eml");
    sanitizedClean(base64Text("\r\n"), "b64-crlf.eml");
  }

  @Test
  void base64JsonAttachment_maskedInside_otherPartsAsTheyWere() throws IOException {
    sanitizedClean(jsonAttachment("\n"), "json-lf.eml");
    sanitizedClean(jsonAttachment("\r\n"), "json-crlf.eml");
  }

  @Test
  void nestedMultipartAndForwardedMessage_everyPartMasked() throws IOException {
    sanitizedClean(nested("\n"), "nested-lf.eml");
    sanitizedClean(nested("\r\n"), "nested-crlf.eml");
  }

  @Test
  void mboxOfTwoMessages_bothMasked() throws IOException {
    sanitizedClean(mbox("\n"), "two-lf.mbox");
    sanitizedClean(mbox("\r\n"), "two-crlf.mbox");
  }

  @Test
  void mailWithoutSecrets_copiedByteForByte() throws IOException {
    for (String eol : List.of("\n", "\r\n")) {
      Mail mail = message(eol, "multipart/mixed; boundary=\"b\"", null).lines("--b")
          .header("text/plain; charset=utf-8", "quoted-printable").qp("caf=C3=A9 with a soft=\nbreak and bad =XY\n")
          .lines("--b").header("text/plain", "base64").b64("nothing secret here\n".repeat(20)).lines("--b--");
      Path in = tmp.resolve("clean" + eol.length() + ".eml");
      Files.write(in, mail.bytes());
      Path out = tmp.resolve("clean-out" + eol.length() + ".eml");
      Run r = Run.run("sanitize", in.toString(), "-o", out.toString());
      assertEquals(0, r.exit(), "clean mail sanitized");
      assertArrayEquals(mail.bytes(), Files.readAllBytes(out), "a mail without secrets is copied byte for byte");
    }
  }

  @Test
  void partOverTheCap_copiedAsItWas_andReportedAsALimit() throws IOException {
    String line = "QUJD".repeat(19) + "\n";
    Mail mail = message("\n", "multipart/mixed; boundary=\"b\"", null).lines("--b");
    mail.pieces.addAll(quotedPrintable("\n").pieces.subList(1, 3)); // the QP part: its header and body
    Mail big = new Mail("\n").lines("--b").header("application/octet-stream", "base64")
        .lines(line.repeat((16 << 20) / line.length() + 1).strip()).lines("--b--");
    mail.pieces.addAll(big.pieces);
    Path in = tmp.resolve("big.eml");
    Files.write(in, mail.bytes());
    Path out = tmp.resolve("big-out.eml");

    Run r = Run.run("sanitize", in.toString(), "-o", out.toString());

    assertEquals(3, r.exit(), "a limit was hit: exit 3");
    assertTrue(r.err().contains("max-mail-part"), "the cap is named");
    assertTrue(r.err().contains("verification clean"), "the small part was masked");
    byte[] copy = Files.readAllBytes(out);
    byte[] tail = (((Fixed) big.pieces.get(2)).text() + ((Fixed) big.pieces.get(3)).text())
        .getBytes(StandardCharsets.ISO_8859_1);
    assertArrayEquals(tail, java.util.Arrays.copyOfRange(copy, copy.length - tail.length, copy.length),
        "the long part copied as it was");
  }
}
