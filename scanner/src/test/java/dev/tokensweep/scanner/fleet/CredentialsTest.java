package dev.tokensweep.scanner.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {

  @TempDir
  Path tmp;

  @Test
  void load_fileWithUserAndPassword_givesBasicAuthAndNeverPrintsThePassword() throws Exception {
    Path f = tmp.resolve("c");
    Files.writeString(f, "# shipper account\nusername=shipper\npassword=p@ss word=with equals \r\n");
    Credentials c = Credentials.load(f, Map.of(Credentials.ENV_API_KEY, "ignored-when-a-file-is-given"));
    assertEquals("basic", c.kind());
    assertEquals("Basic " + Base64.getEncoder().encodeToString("shipper:p@ss word=with equals ".getBytes(StandardCharsets.UTF_8)),
        c.authorization(), "the value is taken as written after the first '=', less the CR");
    assertFalse(c.toString().contains("p@ss"), c.toString());
    assertTrue(c.toString().contains("shipper"));
  }

  @Test
  void load_apiKey_givesAnApiKeyHeader() throws Exception {
    Path f = tmp.resolve("c");
    Files.writeString(f, "api_key=os_synthetic0000000000000000\n");
    Credentials c = Credentials.load(f, Map.of());
    assertEquals("ApiKey os_synthetic0000000000000000", c.authorization());
    assertFalse(c.toString().contains("os_synthetic"));
  }

  @Test
  void load_environment_whenNoFile() throws Exception {
    Credentials c = Credentials.load(null, Map.of(Credentials.ENV_USERNAME, "u", Credentials.ENV_PASSWORD, "pw-from-env"));
    assertEquals("basic", c.kind());
    assertEquals("environment", c.source());
    assertEquals(Credentials.NONE, Credentials.load(null, Map.of()));
  }

  @Test
  void load_badFiles_failWithoutQuotingWhatTheyHold() throws Exception {
    Path f = tmp.resolve("c");
    Files.writeString(f, "hunter2-secret-line\n");
    Credentials.CredentialsException e = assertThrows(Credentials.CredentialsException.class, () -> Credentials.load(f, Map.of()));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertTrue(e.getMessage().contains("line 1"));
    Files.writeString(f, "passwd=hunter2\n");
    e = assertThrows(Credentials.CredentialsException.class, () -> Credentials.load(f, Map.of()));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    Files.writeString(f, "password=hunter2\n");
    e = assertThrows(Credentials.CredentialsException.class, () -> Credentials.load(f, Map.of()));
    assertTrue(e.getMessage().contains("needs a username"), e.getMessage());
    Files.writeString(f, "username=u\npassword=hunter2\napi_key=k\n");
    assertThrows(Credentials.CredentialsException.class, () -> Credentials.load(f, Map.of()));
    assertThrows(Credentials.CredentialsException.class, () -> Credentials.load(tmp.resolve("none"), Map.of()));
  }

  @Test
  void permissionWarning_worldReadableFile_warns() throws Exception {
    Path f = tmp.resolve("c");
    Files.writeString(f, "api_key=k\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    assertNotNull(Credentials.permissionWarning(f));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertNull(Credentials.permissionWarning(f));
  }

  @Test
  void parseUrl_userInfo_isRefusedWithoutRepeatingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Cluster.parseUrl("https://admin:S3cretPass@search.example.internal:9200"));
    assertFalse(e.getMessage().contains("S3cretPass"), e.getMessage());
    assertTrue(e.getMessage().contains("--credentials-file"));
    assertEquals("https://search.example.internal:9200/os", Cluster.parseUrl("https://search.example.internal:9200/os/").toString());
    assertEquals("http://127.0.0.1:9200", Cluster.parseUrl("http://127.0.0.1:9200").toString());
    assertThrows(IllegalArgumentException.class, () -> Cluster.parseUrl("ftp://x"));
    assertThrows(IllegalArgumentException.class, () -> Cluster.parseUrl("http://x:9200/?q=1"));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Cluster.parseUrl("http://a b:pw x@h"));
    assertFalse(bad.getMessage().contains("pw x"));
  }
}
