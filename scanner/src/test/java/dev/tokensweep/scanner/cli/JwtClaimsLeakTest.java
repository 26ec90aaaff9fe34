package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.report.Reporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports print a JWT's claims decoded (issuer, audience, scopes, client id, and the broad scopes
 * in the reason): a claim that holds another secret must be redacted as a name holding one is.
 */
class JwtClaimsLeakTest {
  private final TokenForge forge = new TokenForge(new Random(83));

  @TempDir
  Path dir;

  @Test
  void claimsHoldingTokens_redactedInEveryFormat() throws Exception {
    String inScope = forge.base62Crc32("ghp_");
    String inAudience = forge.base62Crc32("gho_");
    String inClient = forge.base62Crc32("ghu_");
    String inIssuer = forge.base62Crc32("ghs_");
    long now = System.currentTimeMillis() / 1000;
    String jwt = forge.jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"iss\":\"https://issuer.example.com/" + inIssuer
        + "\",\"aud\":[\"api\",\"" + inAudience + "\"],\"iat\":" + now + ",\"exp\":" + (now + 3600) + ",\"scp\":\"read "
        + inScope + "/.default\",\"azp\":\"" + inClient + "\"}");
    Path log = dir.resolve("gateway.log");
    Files.writeString(log, "GET /v1/items HTTP/1.1\nAuthorization: Bearer " + jwt + "\n");
    for (String format : Reporter.FORMATS) {
      Run r = Run.run("scan", "-f", format, log.toString());
      assertEquals(Main.EXIT_FINDINGS, r.exit(), format);
      // the text report shows the scopes, CSV and SARIF the reason that names the broad ones, the others every claim
      assertTrue(r.out().contains(format.equals("text") ? "scopes: read" : "with broad scopes"), format + ": the claims are reported");
      for (String token : new String[] {inScope, inAudience, inClient, inIssuer}) {
        r.assertNotPrinted(token.substring(6, 26), format + ": a token in a claim (" + token.substring(0, 4) + ")");
      }
    }
  }
}
