package dev.tokensweep.scanner.read;

import static dev.tokensweep.scanner.read.ReaderFixture.one;
import static dev.tokensweep.scanner.read.ReaderFixture.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReaderSelectorTest {
  @TempDir
  Path dir;

  private final TokenForge forge = new TokenForge(new Random(5));
  private final ReaderSelector selector = new ReaderSelector(1 << 16);

  private String format(String path, String content) {
    return format(path, content.getBytes(StandardCharsets.ISO_8859_1));
  }

  private String format(String path, byte[] head) {
    return selector.select(path, head, head.length).format();
  }

  /** The byte-at-a-time test that {@link ReaderSelector#isBinary} skips words of. */
  private static boolean isBinaryByteAtATime(byte[] h, int n) {
    if (n >= 2 && (((h[0] & 0xFF) == 0xFF && (h[1] & 0xFF) == 0xFE) || ((h[0] & 0xFF) == 0xFE && (h[1] & 0xFF) == 0xFF))) {
      return false;
    }
    int odd = 0;
    for (int i = 0; i < n; i++) {
      int c = h[i] & 0xFF;
      if (c == 0) {
        return true;
      }
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B && c != 0x01) {
        odd++;
      }
    }
    if (odd * 10 > n) {
      return true;
    }
    if (n == 0) {
      return false;
    }
    int bad = 0;
    for (int i = 0; i < n; ) {
      int c = h[i] & 0xFF;
      int k = c < 0x80 ? 0 : c >= 0xC2 && c < 0xE0 ? 1 : c >= 0xE0 && c < 0xF0 ? 2 : c >= 0xF0 && c < 0xF5 ? 3 : -1;
      if (k < 0) {
        bad++;
        i++;
        continue;
      }
      int j = 1;
      while (j <= k && i + j < n && (h[i + j] & 0xC0) == 0x80) {
        j++;
      }
      if (j <= k && i + j < n) {
        bad++;
        i++;
      } else {
        i += j;
      }
    }
    return bad * 10 > n * 3;
  }

  @Test
  void isBinary_wordAtATime_sameAsByteAtATime() {
    Random r = new Random(11);
    byte[] pool = "abc XYZ 019 =:/\"{}".getBytes(StandardCharsets.ISO_8859_1);
    byte[] odd = {0, 1, 2, 7, 8, 9, 10, 12, 13, 0x1B, 0x1F, 0x20, 0x1A};
    byte[] utf8 = "\u00e9\u20ac\ud83d\ude00".getBytes(StandardCharsets.UTF_8);
    int binary = 0;
    for (int run = 0; run < 20_000; run++) {
      int n = r.nextInt(300);
      byte[] h = new byte[n + r.nextInt(9)]; // bytes past n must not count
      int oddRate = r.nextInt(40);
      int highRate = r.nextInt(40);
      for (int i = 0; i < h.length; i++) {
        int k = r.nextInt(100);
        h[i] = k < oddRate / 4 ? odd[r.nextInt(odd.length)]
            : k < oddRate / 4 + highRate / 3 ? (r.nextBoolean() ? utf8[r.nextInt(utf8.length)] : (byte) (0x80 + r.nextInt(128)))
            : pool[r.nextInt(pool.length)];
      }
      boolean expected = isBinaryByteAtATime(h, n);
      binary += expected ? 1 : 0;
      assertEquals(expected, ReaderSelector.isBinary(h, n), "run " + run + ", " + n + " bytes");
    }
    org.junit.jupiter.api.Assertions.assertTrue(binary > 2_000 && binary < 18_000, "both answers met: " + binary);
  }

  @Test
  void select_byNameAndContent() {
    assertEquals("bash-history", format("/home/u/.bash_history", "ls\n"));
    assertEquals("zsh-history", format("img.tar!home/u/.histfile", "ls\n"));
    assertEquals("zsh-history", format("backup.txt", ": 1700000000:0;ls\n"));
    assertEquals("fish-history", format("x", "- cmd: ls\n  when: 1\n"));
    assertEquals("libedit-history", format("x", "_HiStOrY_V2_\nls\n"));
    assertEquals("bash-history", format("x", "#1700000000\nls\n"));
    assertEquals("powershell-history", format("C:\\Users\\u\\ConsoleHost_history.txt", "dir\r\n"));
    assertEquals("node-history", format(".node_repl_history", "1+1\n"));
    assertEquals("minidump", format("a.bin", "MDMP\u0093\u00a7\u0000\u0000"));
    assertEquals("hprof", format("a", "JAVA PROFILE 1.0.2\u0000"));
    assertEquals("binary", format("notes.txt", "abc\u0000def"));
    assertEquals("text", format("memory.dmp", "just text\n"));
    assertEquals("hs-err", format("hs_err_pid12.log", "#\n# A fatal error\n"));
    assertEquals("har", format("x.har", "{\"log\":{}}"));
    assertEquals("jsonl", format("x.log", "{\"a\":1}\n{\"b\":2}\n"));
    assertEquals("json", format("x", "{\"a\":1}\n"));
    assertEquals("text", format("x.log", "2026-01-01 INFO {\"a\":1}\n"));
    assertEquals("token-cache:azure-msal", format("/home/u/.azure/msal_token_cache.json", "{}"));
    assertEquals("token-cache:aws-sso", format("/home/u/.aws/sso/cache/abc.json", "{}"));
    assertEquals("token-cache:aws-credentials", format("/home/u/.aws/credentials", "[default]\n"));
    assertEquals("token-cache:github-cli", format("/home/u/.config/gh/hosts.yml", "github.com:\n"));
    assertEquals("token-cache:gcloud", format("/home/u/.config/gcloud/access_tokens.db", "SQLite format 3\u0000"));
    assertEquals("token-cache:kubeconfig", format("/home/u/.kube/config", "apiVersion: v1\n"));
    assertEquals("token-cache:kube-oidc-login", format("/home/u/.kube/cache/oidc-login/abc", "{}"));
    assertEquals("token-cache:docker", format("/home/u/.docker/config.json", "{}"));
    assertEquals("token-cache:npm", format("/home/u/.npmrc", "x\n"));
    assertEquals("token-cache:git-credentials", format("/home/u/.git-credentials", "https://u:p@h\n"));
    assertEquals("token-cache:netrc", format("/home/u/.netrc", "machine h\n"));
    assertEquals("token-cache:terraform", format("/home/u/.terraform.d/credentials.tfrc.json", "{}"));
    assertEquals("json", format("/srv/app/config.json", "{}"));
    assertEquals("journal-export", format("core.export", "__CURSOR=s=1\nCOREDUMP\n\u0008\u0000\u0000\u0000\u0000\u0000\u0000\u0000"));
  }

  @Test
  void dockerConfig_base64Auth_isDecodedAndNamedAsCache() throws IOException {
    String t = forge.base62Crc32("ghp_");
    Path docker = dir.resolve(".docker");
    Files.createDirectories(docker);
    Path p = docker.resolve("config.json");
    String auth = Base64.getEncoder().encodeToString(("octocat:" + t).getBytes(StandardCharsets.UTF_8));
    Files.writeString(p, "{\"auths\":{\"ghcr.io\":{\"auth\":\"" + auth + "\"}}}");
    Location l = one(scan(p), t, "docker").location();
    assertEquals("token-cache:docker", l.format());
    assertEquals("auths['ghcr.io'].auth", l.jsonPath());
    assertEquals(List.of("base64"), l.decodings());
  }

  @Test
  void awsCredentials_andGitCredentials_areTextCaches() throws IOException {
    String t = forge.base62Crc32("ghp_");
    Path aws = dir.resolve(".aws");
    Files.createDirectories(aws);
    Files.writeString(aws.resolve("credentials"), "[default]\nx = " + t + "\n");
    ScanResult r = scan(aws.resolve("credentials"));
    assertEquals("token-cache:aws-credentials", one(r, t, "aws").location().format());
    Path gc = dir.resolve(".git-credentials");
    Files.writeString(gc, "https://octocat:" + t + "@github.com\n");
    Location l = one(scan(gc), t, "git").location();
    assertEquals("token-cache:git-credentials", l.format());
    assertEquals(1L, l.line());
  }
}
