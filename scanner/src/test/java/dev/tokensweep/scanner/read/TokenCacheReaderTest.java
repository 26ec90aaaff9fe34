package dev.tokensweep.scanner.read;

import static dev.tokensweep.scanner.read.ReaderFixture.noProblems;
import static dev.tokensweep.scanner.read.ReaderFixture.one;
import static dev.tokensweep.scanner.read.ReaderFixture.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.CacheContext;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.report.ReportModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCacheReaderTest {
  /** ReaderFixture scans at 2026-01-01T00:00:00Z. */
  private static final long NOW = 1_767_225_600L;

  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(31));

  private Path write(String rel, String content) throws IOException {
    Path p = dir.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p;
  }

  private String msAccess() {
    return "EwA" + forge.random(TokenForge.ALNUM + "+/", 320);
  }

  private String msRefresh() {
    return "1.A" + forge.random(TokenForge.B64URL, 60) + ".AgA" + forge.random(TokenForge.B64URL, 260);
  }

  @Test
  void msal_expiryPerEntry_familyRefreshCritical_andRefreshPresence() throws IOException {
    String live = msAccess();
    String old = msAccess();
    String family = msRefresh();
    String home = forge.uuid() + "." + forge.uuid();
    Path p = write(".azure/msal_token_cache.json", "{\n"
        + "  \"AccessToken\": {\n"
        + "    \"" + home + "-login.microsoftonline.com-accesstoken-a-b-scope\": {\n"
        + "      \"credential_type\": \"AccessToken\", \"secret\": \"" + live + "\",\n"
        + "      \"cached_at\": \"" + (NOW - 100) + "\", \"expires_on\": \"" + (NOW + 3000) + "\"},\n"
        + "    \"" + home + "-login.microsoftonline.com-accesstoken-a-c-scope\": {\n"
        + "      \"credential_type\": \"AccessToken\", \"secret\": \"" + old + "\", \"expires_on\": \"" + (NOW - 5) + "\"}\n"
        + "  },\n"
        + "  \"RefreshToken\": {\n"
        + "    \"" + home + "-login.microsoftonline.com-refreshtoken-1--\": {\n"
        + "      \"credential_type\": \"RefreshToken\", \"secret\": \"" + family + "\", \"family_id\": \"1\"}\n"
        + "  }\n"
        + "}\n");
    ScanResult r = scan(p);
    noProblems(r);

    Finding l = one(r, live, "live access token");
    CacheContext c = l.location().cache();
    assertEquals(new CacheContext("azure-msal", "access_token", NOW + 3000, true, false), c);
    assertEquals("live", l.evidence().status());
    assertEquals(Severity.HIGH, l.evidence().severity());

    Finding o = one(r, old, "expired access token");
    assertEquals("expired", o.evidence().status());
    assertEquals(Severity.LOW, o.evidence().severity());

    Finding f = one(r, family, "family refresh token");
    assertEquals("RefreshToken['" + home + "-login.microsoftonline.com-refreshtoken-1--'].secret", f.location().jsonPath());
    assertTrue(f.location().cache().familyRefreshToken());
    assertEquals(CacheContext.REFRESH_TOKEN, f.location().cache().entry());
    assertEquals(Kind.REFRESH_TOKEN, f.evidence().kind());
    assertEquals(Severity.CRITICAL, f.evidence().severity());
    assertTrue(f.evidence().why().startsWith("family refresh token"), f.evidence().why());

    Map<String, Object> json = ReportModel.location(f.location());
    assertEquals(Map.of("kind", "azure-msal", "entry", "refresh_token", "refresh_token_present", true,
        "family_refresh_token", true), json.get("token_cache"));
    assertEquals("token-cache:azure-msal", json.get("format"));
  }

  @Test
  void awsSso_accessExpiresAt_refreshLivesWithTheRegistration() throws IOException {
    String access = "aoa" + forge.random(TokenForge.B64URL, 80);
    String refresh = "aor" + forge.random(TokenForge.B64URL, 80);
    Path p = write(".aws/sso/cache/" + "0a1b2c".repeat(6) + ".json", "{\"startUrl\": \"https://acme.awsapps.com/start\","
        + " \"accessToken\": \"" + access + "\", \"expiresAt\": \"2025-12-31T23:00:00Z\","
        + " \"registrationExpiresAt\": \"2026-03-01T00:00:00UTC\", \"refreshToken\": \"" + refresh + "\"}");
    ScanResult r = scan(p);
    Finding a = one(r, access, "sso access");
    assertEquals("expired", a.evidence().status());
    assertEquals(Severity.LOW, a.evidence().severity());
    assertEquals(NOW - 3600, a.location().cache().expires());
    Finding f = one(r, refresh, "sso refresh");
    assertEquals("live", f.evidence().status());
    assertEquals(Severity.CRITICAL, f.evidence().severity());
    assertEquals(1_772_323_200L, f.location().cache().expires());
  }

  @Test
  void textCaches_lineKeysNameTheEntry() throws IOException {
    String gh = forge.base62Crc32("gho_");
    Path hosts = write(".config/gh/hosts.yml", "github.com:\n    user: octocat\n    oauth_token: " + gh + "\n"
        + "    git_protocol: https\n");
    Finding h = one(scan(hosts), gh, "gh hosts.yml");
    assertEquals(new CacheContext("github-cli", "access_token", null, false, false), h.location().cache());
    assertEquals("unknown", h.evidence().status());

    String rt = forge.random(TokenForge.ALNUM, 48);
    Path kube = write(".kube/config", "apiVersion: v1\nusers:\n- name: oidc\n  user:\n    auth-provider:\n      config:\n"
        + "        client-id: kubernetes\n        refresh-token: " + rt + "\n      name: oidc\n");
    Finding k = one(scan(kube), rt, "kubeconfig refresh-token");
    assertEquals(new CacheContext("kubeconfig", "refresh_token", null, true, false), k.location().cache());
    assertEquals(8L, k.location().line());
    assertEquals(Severity.CRITICAL, k.evidence().severity());

    String npm = forge.base62Crc32("npm_");
    Path npmrc = write(".npmrc", "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=" + npm + "\n");
    assertEquals("access_token", one(scan(npmrc), npm, "npmrc").location().cache().entry());
  }

  @Test
  void dockerConfig_decodedAuthKeepsTheCacheContext() throws IOException {
    String t = forge.base62Crc32("ghp_");
    String auth = java.util.Base64.getEncoder().encodeToString(("octocat:" + t).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Path p = write(".docker/config.json", "{\"auths\":{\"ghcr.io\":{\"auth\":\"" + auth + "\"}}}");
    Finding f = one(scan(p), t, "docker");
    assertEquals(java.util.List.of("base64"), f.location().decodings());
    assertEquals(new CacheContext("docker", "password", null, false, false), f.location().cache());
  }

  @Test
  void gcloudSqlite_binaryExtraction_knowsARefreshTokenIsThere() throws IOException {
    String t = "1//0" + forge.random(TokenForge.B64URL, 90);
    byte[] head = "SQLite format 3\0\0\0\1\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] row = ("{\"client_id\": \"32555940559.apps.googleusercontent.com\", \"refresh_token\": \"" + t + "\"}")
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] db = new byte[4096];
    System.arraycopy(head, 0, db, 0, head.length);
    System.arraycopy(row, 0, db, 2000, row.length);
    Path p = dir.resolve(".config/gcloud/credentials.db");
    Files.createDirectories(p.getParent());
    Files.write(p, db);
    Finding f = one(scan(p), t, "gcloud credentials.db");
    assertEquals("token-cache:gcloud", f.location().format());
    assertEquals(new CacheContext("gcloud", null, null, true, false), f.location().cache());
  }

  @Test
  void notACache_hasNoCacheContext() throws IOException {
    String t = forge.base62Crc32("ghp_");
    Path p = write("app.log", "token " + t + "\n");
    assertNull(one(scan(p), t, "plain").location().cache());
    assertFalse(ReportModel.location(one(scan(p), t, "plain").location()).containsKey("token_cache"));
  }

  @Test
  void expiry_formatsTheCachesWrite() {
    com.fasterxml.jackson.databind.node.JsonNodeFactory n = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    assertEquals(1_700_000_000L, TokenCacheReader.epochSeconds(n.textNode("1700000000")));
    assertEquals(1_700_000_000L, TokenCacheReader.epochSeconds(n.numberNode(1_700_000_000_123L)));
    assertEquals(1_700_000_000L, TokenCacheReader.epochSeconds(n.textNode("2023-11-14T22:13:20Z")));
    assertEquals(1_700_000_000L, TokenCacheReader.epochSeconds(n.textNode("2023-11-14T22:13:20UTC")));
    assertEquals(1_700_000_000L, TokenCacheReader.epochSeconds(n.textNode("2023-11-14 22:13:20.000000")));
    assertEquals(1_700_000_000L, TokenCacheReader.epochSeconds(n.textNode("2023-11-15T00:13:20+02:00")));
    assertNull(TokenCacheReader.epochSeconds(n.textNode("soon")));
  }
}
