package dev.tokensweep.corpus.gen;

import dev.tokensweep.detectors.rule.Kind;

import dev.tokensweep.corpus.Capability;
import dev.tokensweep.corpus.SourceType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** An endpoint's home directory: shell histories and token caches, named as the tools name them. */
final class Homes {
  private Homes() {}

  static final String[] COMMANDS = {
    "ls -la", "cd ~/src/infra", "git status", "git pull --rebase", "git log --oneline -n 20", "make test",
    "docker ps -a", "kubectl get pods -n payments", "kubectl describe pod api-7f9c6d5b8-x2k4q -n payments",
    "terraform plan -out tf.plan", "vim README.md", "npm ci", "npm run build", "python3 -m venv .venv",
    "source .venv/bin/activate", "pip install -r requirements.txt", "htop", "df -h", "journalctl -u app -n 200",
    "ssh bastion.corp.example", "gh pr list", "gh pr checkout 1423", "az account show", "aws sts get-caller-identity",
    "grep -rn TODO src/", "tail -f /var/log/app/app.log", "curl -sS https://status.example.com/healthz",
    "gh auth login", "gh auth status", "az login --use-device-code", "aws sso login --profile dev", "kubectl config get-contexts",
  };

  static List<Leaf> all(Host h) {
    List<Leaf> out = new ArrayList<>();
    out.add(bash(h));
    out.add(zsh(h));
    out.add(fish(h));
    out.add(powershell(h));
    out.add(msal(h));
    out.add(awsSso(h));
    out.add(ghHosts(h));
    out.add(npmrc(h));
    out.add(gitCredentials(h));
    out.add(netrc(h));
    out.add(kubeconfig(h));
    out.add(dockerConfig(h));
    return out;
  }

  /** One leaking command, written by {@code Leak#write}. */
  interface Leak {
    void write(TextBuilder b, Host h);
  }

  static final Leak[] LEAKS = {
    (b, h) -> b.add("export GITHUB_TOKEN=").plant(h.forge.github("ghp_"), "export GITHUB_TOKEN"),
    (b, h) -> b.add("curl -H \"Authorization: Bearer ").plant(h.forge.msAccessJwt(h.random.nextBoolean(), h.tenant), "curl bearer JWT")
        .add("\" https://graph.microsoft.com/v1.0/me"),
    (b, h) -> b.add("curl -sH \"Authorization: token ").plant(h.forge.githubAny(), "curl token header")
        .add("\" https://api.github.com/repos/" + h.repo() + "/actions/runs"),
    (b, h) -> b.add("docker login -u " + h.user + " -p ").plant(h.forge.docker(), "docker login -p"),
    (b, h) -> b.add("git clone https://" + h.user + ":").plant(h.forge.github("ghp_"), "git clone with token")
        .add("@github.com/" + h.repo() + ".git"),
    (b, h) -> b.add("kubectl --token=").plant(h.forge.k8sServiceAccountJwt("payments", "deployer"), "kubectl --token")
        .add(" get pods -n payments"),
    (b, h) -> b.add("echo ").plant(h.forge.githubFineGrained(), "gh auth login --with-token").add(" | gh auth login --with-token"),
    (b, h) -> b.add("export NPM_TOKEN=").plant(h.forge.npm(), "export NPM_TOKEN"),
    (b, h) -> b.add("export SLACK_BOT_TOKEN=").plant(h.forge.slackBot(), "export SLACK_BOT_TOKEN"),
    (b, h) -> b.add("export OPENAI_API_KEY=").plant(h.forge.openai(), "export OPENAI_API_KEY"),
    (b, h) -> b.add("vault login ").plant(h.forge.vault(), "vault login"),
    (b, h) -> b.add("glab auth login --token ").plant(h.forge.gitlab(), "glab auth login --token"),
  };

  static TextBuilder commandOrLeak(TextBuilder b, Host h, int i) {
    if (i % 4 == 3) {
      LEAKS[h.random.nextInt(LEAKS.length)].write(b, h);
    } else if (h.random.nextInt(12) == 0) {
      b.add(h.random.nextBoolean() ? "export GITHUB_TOKEN=${GITHUB_TOKEN}" : "echo ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    } else {
      b.add(h.forge.pick(COMMANDS));
    }
    return b;
  }

  /** bash with HISTTIMEFORMAT: {@code #<epoch>} before each entry; one multi-line entry. */
  static Leaf bash(Host h) {
    TextBuilder b = new TextBuilder(SourceType.HISTORY);
    int n = 24 + h.random.nextInt(24);
    for (int i = 1; i <= n; i++) {
      b.entry(i);
      b.line("#" + h.tick(600_000));
      if (i == 5) {
        b.line("cat > /tmp/req.json <<'EOF'").add("{\"refresh_token\": \"")
            .plant(h.forge.githubRefresh(), "heredoc refresh_token").line("\"}").line("EOF");
        continue;
      }
      commandOrLeak(b, h, i).line("");
    }
    return b.leaf(".bash_history");
  }

  /** zsh EXTENDED_HISTORY, with metafied non-ASCII commands and a {@code \}-continued entry. */
  static Leaf zsh(Host h) {
    TextBuilder b = new TextBuilder(SourceType.HISTORY);
    int n = 20 + h.random.nextInt(20);
    String[] nonAscii = {"git commit -m '修正: ログ出力のバグ'", "echo 'naïve café — déjà vu'", "mkdir Übersicht-Größen",
        "say 'Привет, мир'"};
    for (int i = 1; i <= n; i++) {
      b.entry(i);
      b.add(": " + h.tick(600_000) + ":" + h.random.nextInt(30) + ";");
      if (i % 5 == 2) {
        b.raw(metafy(h.forge.pick(nonAscii).getBytes(StandardCharsets.UTF_8)));
      } else if (i == 7) {
        b.line("curl -X POST https://api.github.com/graphql \\").add("  -H 'Authorization: bearer ")
            .plant(h.forge.github("gho_"), "zsh multi-line curl").add("' \\\n  -d @query.json");
      } else {
        commandOrLeak(b, h, i);
      }
      b.line("");
    }
    return b.leaf(".zsh_history");
  }

  /** zsh's metafication: 0x00 and 0x83..0xA2 become 0x83 then the byte XOR 0x20. */
  static byte[] metafy(byte[] in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 8);
    for (byte x : in) {
      int v = x & 0xFF;
      if (v == 0 || (v >= 0x83 && v <= 0xA2)) {
        out.write(0x83);
        out.write(v ^ 0x20);
      } else {
        out.write(v);
      }
    }
    return out.toByteArray();
  }

  static Leaf fish(Host h) {
    TextBuilder b = new TextBuilder(SourceType.HISTORY);
    int n = 12 + h.random.nextInt(12);
    for (int i = 1; i <= n; i++) {
      b.entry(i);
      b.add("- cmd: ");
      if (i == 4) {
        b.add("set -x AWS_SESSION_TOKEN ").plant(h.forge.awsSessionToken(), "fish set -x AWS_SESSION_TOKEN");
      } else {
        commandOrLeak(b, h, i);
      }
      b.line("").line("  when: " + h.tick(900_000));
      if (i % 3 == 0) {
        b.line("  paths:").line("    - ~/src/" + h.repo().replace('/', '-'));
      }
    }
    return b.leaf(".local/share/fish/fish_history");
  }

  /**
   * PSReadLine history. Its default filter drops lines with token/password/secret/apikey, so what
   * leaks is an Authorization header; a trailing backtick continues an entry.
   */
  static Leaf powershell(Host h) {
    TextBuilder b = new TextBuilder(SourceType.HISTORY);
    String[] cmds = {"Get-AzContext", "Connect-AzAccount -UseDeviceAuthentication", "Get-ChildItem -Recurse *.log",
        "Set-Location C:\\src\\infra", "git status", "Get-Process | Sort-Object CPU -Descending | Select-Object -First 10"};
    int n = 10 + h.random.nextInt(10);
    for (int i = 1; i <= n; i++) {
      b.entry(i);
      if (i % 4 == 2) {
        b.add("$h = @{ Authorization = \"Bearer ").plant(h.forge.msAccessJwt(h.random.nextBoolean(), h.tenant), "PowerShell header")
            .line("\" }");
        b.entry(++i);
        b.line("Invoke-RestMethod -Uri https://graph.microsoft.com/v1.0/me/messages `").line("  -Headers $h `")
            .line("  -Method Get");
      } else {
        b.line(h.forge.pick(cmds));
      }
    }
    return b.leaf("AppData/Roaming/Microsoft/Windows/PowerShell/PSReadLine/ConsoleHost_history.txt");
  }

  /** Azure CLI's MSAL cache (plaintext on Linux and macOS), with a family refresh token. */
  static Leaf msal(Host h) {
    TextBuilder b = new TextBuilder(SourceType.TOKEN_CACHE);
    String oid = h.forge.uuid();
    String home = oid + "." + h.tenant;
    String client = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
    long t = h.epoch();
    b.line("{").line("    \"AccessToken\": {")
        .line("        \"" + home + "-login.microsoftonline.com-accesstoken-" + client + "-" + h.tenant
            + "-https://management.core.windows.net//user_impersonation https://management.core.windows.net//.default\": {")
        .line("            \"credential_type\": \"AccessToken\",")
        .add("            \"secret\": \"").plant(h.forge.msAccessJwt(h.random.nextBoolean(), h.tenant), "MSAL AccessToken secret").line("\",")
        .line("            \"home_account_id\": \"" + home + "\",").line("            \"environment\": \"login.microsoftonline.com\",")
        .line("            \"client_id\": \"" + client + "\",").line("            \"realm\": \"" + h.tenant + "\",")
        .line("            \"token_type\": \"Bearer\",").line("            \"cached_at\": \"" + t + "\",")
        .line("            \"expires_on\": \"" + (t + 4000) + "\"").line("        }").line("    },")
        .line("    \"RefreshToken\": {").line("        \"" + home + "-login.microsoftonline.com-refreshtoken-1--\": {")
        .line("            \"credential_type\": \"RefreshToken\",")
        .add("            \"secret\": \"").plant(h.forge.msRefresh(), "MSAL family RefreshToken secret").line("\",")
        .line("            \"home_account_id\": \"" + home + "\",").line("            \"environment\": \"login.microsoftonline.com\",")
        .line("            \"client_id\": \"" + client + "\",").line("            \"family_id\": \"1\"").line("        }").line("    },")
        .line("    \"IdToken\": {").line("        \"" + home + "-login.microsoftonline.com-idtoken-" + client + "-" + h.tenant + "-\": {")
        .line("            \"credential_type\": \"IdToken\",")
        .add("            \"secret\": \"").plant(h.forge.msIdToken(h.random.nextBoolean(), h.tenant, h.fullName), "MSAL IdToken secret")
        .line("\",").line("            \"realm\": \"" + h.tenant + "\"").line("        }").line("    },")
        .line("    \"Account\": {").line("        \"" + home + "-login.microsoftonline.com-" + h.tenant + "\": {")
        .line("            \"home_account_id\": \"" + home + "\",").line("            \"local_account_id\": \"" + oid + "\",")
        .line("            \"username\": \"" + h.user + "@contoso.example\",").line("            \"authority_type\": \"MSSTS\"")
        .line("        }").line("    }").line("}");
    return b.leaf(".azure/msal_token_cache.json");
  }

  static Leaf awsSso(Host h) {
    TextBuilder b = new TextBuilder(SourceType.TOKEN_CACHE);
    b.add("{\"startUrl\": \"https://acme.awsapps.com/start\", \"region\": \"us-east-1\", \"accessToken\": \"")
        .plant(h.forge.awsSso(false), "AWS SSO cache accessToken").add("\", \"expiresAt\": \"2026-11-02T20:00:00Z\", \"clientId\": \"")
        .add(h.forge.random(dev.tokensweep.detectors.rule.TokenForge.B64URL, 22) + "dXMtZWFzdC0x")
        .add("\", \"registrationExpiresAt\": \"2027-01-31T08:00:00Z\", \"refreshToken\": \"")
        .plant(h.forge.awsSso(true), "AWS SSO cache refreshToken").line("\"}");
    return b.leaf(".aws/sso/cache/" + h.forge.hex(40) + ".json");
  }

  static Leaf ghHosts(Host h) {
    TextBuilder b = new TextBuilder(SourceType.TOKEN_CACHE);
    Token t = h.forge.github("gho_");
    b.line("github.com:").line("    users:").line("        " + h.user + ":").add("            oauth_token: ")
        .plant(t, "gh hosts.yml users oauth_token").line("").line("    git_protocol: https").add("    oauth_token: ")
        .plant(t, "gh hosts.yml oauth_token").line("").line("    user: " + h.user);
    return b.leaf(".config/gh/hosts.yml");
  }

  static Leaf npmrc(Host h) {
    TextBuilder b = new TextBuilder(SourceType.TOKEN_CACHE);
    b.add("//registry.npmjs.org/:_authToken=").plant(h.forge.npm(), ".npmrc _authToken").line("")
        .line("@acme:registry=https://npm.pkg.github.com").add("//npm.pkg.github.com/:_authToken=")
        .plant(h.forge.github("ghp_"), ".npmrc GitHub Packages _authToken").line("");
    return b.leaf(".npmrc");
  }

  static Leaf gitCredentials(Host h) {
    TextBuilder b = new TextBuilder(SourceType.TOKEN_CACHE);
    b.add("https://" + h.user + ":").plant(h.forge.github("ghp_"), ".git-credentials github").line("@github.com")
        .add("https://oauth2:").plant(h.forge.gitlab(), ".git-credentials gitlab").line("@gitlab.example.com");
    return b.leaf(".git-credentials");
  }

  static Leaf netrc(Host h) {
    TextBuilder b = new TextBuilder(SourceType.TOKEN_CACHE);
    b.line("machine api.github.com").line("  login " + h.user).add("  password ").plant(h.forge.github("gho_"), ".netrc password")
        .line("").line("machine uploads.github.com login " + h.user + " password ${GITHUB_TOKEN}");
    return b.leaf(".netrc");
  }

  static Leaf kubeconfig(Host h) {
    TextBuilder b = new TextBuilder(SourceType.TOKEN_CACHE);
    b.line("apiVersion: v1").line("kind: Config").line("clusters:").line("- cluster:")
        .line("    certificate-authority-data: " + Decoys.pngBase64(h.forge))
        .line("    server: https://10.20.0.1:6443").line("  name: prod").line("contexts:").line("- context:")
        .line("    cluster: prod").line("    user: deployer").line("  name: prod").line("current-context: prod")
        .line("users:").line("- name: deployer").line("  user:").add("    token: ")
        .plant(h.forge.k8sServiceAccountJwt("payments", "deployer"), "kubeconfig user token").line("")
        .line("- name: readonly").line("  user:").line("    token: <masked>");
    return b.leaf(".kube/config");
  }

  /** Docker's {@code auths}: base64 of {@code user:token}, so finding it needs base64 decoding. */
  static Leaf dockerConfig(Host h) {
    TextBuilder b = new TextBuilder(SourceType.TOKEN_CACHE);
    Token d = h.forge.docker();
    Token g = h.forge.github("ghp_");
    // each auth is two findings: the registry credential itself, and the token it carries
    String dAuth = Forge.b64(h.user + ":" + d.value());
    String gAuth = Forge.b64(h.user + ":" + g.value());
    b.line("{").line("\t\"auths\": {").line("\t\t\"https://index.docker.io/v1/\": {").add("\t\t\t\"auth\": \"")
        .label(new Token(dAuth, Kind.PASSWORD, "docker", Capability.DOCKER_AUTH, "unknown"), "docker config.json auth")
        .plantEncoded(d, dAuth, "docker config.json auth (base64)", Capability.BASE64)
        .line("\"").line("\t\t},").line("\t\t\"ghcr.io\": {").add("\t\t\t\"auth\": \"")
        .label(new Token(gAuth, Kind.PASSWORD, "docker", Capability.DOCKER_AUTH, "unknown"), "docker config.json ghcr auth")
        .plantEncoded(g, gAuth, "docker config.json ghcr auth (base64)", Capability.BASE64)
        .line("\"").line("\t\t}").line("\t},").line("\t\"credsStore\": \"\"").line("}");
    return b.leaf(".docker/config.json");
  }

}
