package dev.tokensweep.scanner.sanitize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.scanner.FuzzLoop;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seeded random-mutation fuzzing of sanitize's mail stage ({@link MailParts}), bounded in time so
 * it runs in every build: messages and an mbox with quoted-printable and base64 parts, nested
 * multiparts and a forwarded message, in both line endings, mutated. Nothing may escape, the copy
 * stays bounded, and with forms that occur nowhere the copy is the input byte for byte.
 */
class MailPartsFuzzTest {

  private static byte[] seed(String eol, String s) {
    String b64 = Base64.getMimeEncoder(76, eol.getBytes(StandardCharsets.US_ASCII))
        .encodeToString(("{\"token\":\"" + s + "\",\"pad\":\"" + "p".repeat(60) + "\"}\n").getBytes(StandardCharsets.US_ASCII));
    String mail = String.join(eol, "From a@example.com Mon Jan  1 00:00:00 2026", "From: a@example.com",
        "MIME-Version: 1.0", "Content-Type: multipart/mixed;", " boundary=\"outer\"", "", "preamble", "--outer",
        "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
        "token: " + s.substring(0, 12) + "=", s.substring(12) + " caf=C3=A9 x=3Dy  ", "--outer",
        "Content-Type: message/rfc822", "", "Subject: fwd", "Content-Type: multipart/alternative; boundary=alt", "",
        "--alt", "Content-Transfer-Encoding: base64", "", b64, "--alt--", "--outer",
        "Content-Type: application/octet-stream", "Content-Transfer-Encoding: base64", "", "AAECAwQF", "--outer--", "",
        "From b@example.com Mon Jan  1 00:00:01 2026", "MIME-Version: 1.0", "Content-Transfer-Encoding: quoted-printable",
        "", "=" + s, "");
    return mail.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void mailStage_mutatedMails_noThrowBoundedCopyIdentityWithoutSecret() throws Exception {
    String s = new String(MailPartsTest.SECRET, StandardCharsets.US_ASCII);
    List<byte[]> seeds = new ArrayList<>(List.of(seed("\n", s), seed("\r\n", s)));
    List<Replacer.Form> none = List.of(new Replacer.Form("never-in-these-mails".getBytes(StandardCharsets.US_ASCII),
        MailPartsTest.MASK));
    FuzzLoop.run("MailParts", seeds, 2045, 2_500, 512L << 20, 40, (input, run) -> {
      byte[] masked;
      try (MailParts m = new MailParts(new ByteArrayInputStream(input), MailPartsTest.forms())) {
        masked = m.readAllBytes();
      }
      assertTrue(masked.length <= 3L * input.length + 64, "run " + run + ": a bounded copy (" + masked.length + ")");
      try (MailParts m = new MailParts(new ByteArrayInputStream(input), none)) {
        assertArrayEquals(input, m.readAllBytes(), "run " + run + ": without a secret, byte for byte");
      }
    });
  }
}
