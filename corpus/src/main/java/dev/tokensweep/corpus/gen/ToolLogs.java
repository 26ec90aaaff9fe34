package dev.tokensweep.corpus.gen;

import dev.tokensweep.corpus.Capability;
import dev.tokensweep.corpus.SourceType;
import dev.tokensweep.detectors.rule.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Logs as the tools write them: {@code curl -v}, {@code kubectl -v=9}, {@code az --debug},
 * {@code aws --debug}, {@code GIT_TRACE_CURL}, {@code GH_DEBUG=api} device flow, application logs
 * with stack traces (plain, JSON lines, rotated and gzipped), access logs and syslog.
 */
final class ToolLogs {
  private ToolLogs() {}

  static List<Leaf> all(Host h, SourceType source) {
    List<Leaf> out = new ArrayList<>();
    out.add(curl(h, source));
    out.add(kubectl(h, source, true));
    out.add(kubectl(h, source, false));
    out.add(az(h, source));
    out.add(aws(h, source));
    out.add(gitTraceCurl(h, source));
    out.add(ghDeviceFlow(h, source));
    out.add(appLog(h, source, "app.log", 300));
    out.add(appLog(h, source, "app.log.1", 300));
    out.add(Archives.gzip(appLog(h, source, "app.log.2", 400), "app.log.2.gz", 1));
    out.add(Archives.gzip(appLog(h, source, "app.log.3", 400), "app.log.3.gz", 3));
    out.add(jsonLog(h, source));
    out.add(accessLog(h, source));
    out.add(syslog(h, source, "messages"));
    return out;
  }

  static void noise(TextBuilder b, Host h, int lines) {
    for (int i = 0; i < lines; i++) {
      h.tick(2000);
      if (h.random.nextInt(8) == 0) {
        b.line(h.iso() + " INFO  " + Decoys.line(h.forge));
      } else {
        b.line(h.iso() + " " + NoiseWriter.message(h.forge));
      }
    }
  }

  static Leaf curl(Host h, SourceType source) {
    TextBuilder b = new TextBuilder(source);
    for (int k = 0; k < 3; k++) {
      b.line("$ curl -v -H \"Authorization: Bearer ...\" https://api.github.com/user")
          .line("*   Trying 140.82.121.6:443...").line("* Connected to api.github.com (140.82.121.6) port 443 (#0)")
          .line("* ALPN: offers h2,http/1.1").line("* SSL connection using TLSv1.3 / TLS_AES_128_GCM_SHA256")
          .line("* using HTTP/2").line("> GET /user HTTP/2").line("> Host: api.github.com").line("> user-agent: curl/8.5.0")
          .line("> accept: */*");
      Token t = k == 1 ? h.forge.opaqueBearer() : k == 2 ? h.forge.oauthJwt("https://auth.acme.example/", "api://acme-api",
          "read:orders write:orders", h.random.nextBoolean()) : h.forge.githubAny();
      b.add("> authorization: Bearer ").plant(t, "curl -v request header").line("").line(">")
          .line("< HTTP/2 200").line("< date: Mon, 02 Nov 2026 10:11:12 GMT").line("< content-type: application/json; charset=utf-8")
          .line("< x-github-request-id: " + h.forge.hex(4).toUpperCase() + ":" + h.forge.hex(6).toUpperCase() + ":"
              + h.forge.hex(7).toUpperCase())
          .line("< etag: W/\"" + h.forge.hex(64) + "\"").line("<")
          .line("{\"login\":\"" + h.user + "\",\"id\":" + (100000 + h.random.nextInt(9000000)) + ",\"node_id\":\"MDQ6VXNlcj"
              + h.forge.random("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 6) + "\",\"type\":\"User\"}")
          .line("* Connection #0 to host api.github.com left intact");
    }
    b.line("$ curl -v -X POST https://auth.acme.example/oauth2/token -d grant_type=client_credentials")
        .line("> POST /oauth2/token HTTP/1.1").line("> Host: auth.acme.example").line("> Content-Type: application/x-www-form-urlencoded")
        .line(">").line("< HTTP/1.1 200 OK").line("< Content-Type: application/json").line("<")
        .add("{\"access_token\":\"").plant(h.forge.opaqueField(Kind.ACCESS_TOKEN), "curl -v token response access_token")
        .line("\",\"token_type\":\"Bearer\",\"expires_in\":3599}");
    return b.leaf("curl-v.log");
  }

  /** kubectl -v=9: masked Authorization (current) or the unmasked curl line of old versions; bodies are never masked. */
  static Leaf kubectl(Host h, SourceType source, boolean masked) {
    TextBuilder b = new TextBuilder(source);
    String ts = "I1102 10:" + (10 + h.random.nextInt(40)) + ":12.3456" + h.random.nextInt(10) + "  " + (3000 + h.random.nextInt(5000));
    b.line(ts + " loader.go:395] Config loaded from file:  /home/" + h.user + "/.kube/config");
    b.add(ts + " round_trippers.go:466] curl -v -XGET  -H \"Accept: application/json\" -H \"Authorization: Bearer ");
    if (masked) {
      b.add("<masked>");
    } else {
      b.plant(h.forge.k8sServiceAccountJwt("kube-system", "admin"), "kubectl -v=9 unmasked curl line");
    }
    b.line("\" 'https://10.20.0.1:6443/api/v1/namespaces/payments/serviceaccounts/deployer/token'")
        .line(ts + " round_trippers.go:553] POST https://10.20.0.1:6443/api/v1/namespaces/payments/serviceaccounts/deployer/token 201 Created in 12 milliseconds")
        .line(ts + " round_trippers.go:570] HTTP Statistics: DNSLookup 0 ms Dial 1 ms TLSHandshake 4 ms ServerProcessing 6 ms Duration 12 ms")
        .add(ts + " request.go:1212] Response Body: {\"kind\":\"TokenRequest\",\"apiVersion\":\"authentication.k8s.io/v1\",\"metadata\":{\"name\":\"deployer\",\"namespace\":\"payments\",\"creationTimestamp\":\"2026-11-02T10:11:12Z\"},\"spec\":{\"audiences\":[\"https://kubernetes.default.svc.cluster.local\"],\"expirationSeconds\":3600},\"status\":{\"token\":\"")
        .plant(h.forge.oauthJwt("https://kubernetes.default.svc.cluster.local", "https://kubernetes.default.svc.cluster.local", "",
            h.random.nextBoolean()), "kubectl -v=9 TokenRequest response body")
        .line("\",\"expirationTimestamp\":\"2026-11-02T11:11:12Z\"}}")
        .line(ts + " request.go:1212] Response Body: {\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"" + (1_000_000 + h.random.nextInt(90_000_000)) + "\"},\"items\":[]}");
    return b.leaf(masked ? "kubectl-v9.log" : "kubectl-v9-old.log");
  }

  /** az --debug: headers are masked, but the device-flow response and command arguments are not. */
  static Leaf az(Host h, SourceType source) {
    TextBuilder b = new TextBuilder(source);
    Token code = h.forge.msUserCode(Capability.USER_CODE_FIELD);
    String prompt = "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ";
    b.line("DEBUG: cli.knack.cli: Command arguments: ['login', '--use-device-code', '--debug']")
        .line("DEBUG: cli.knack.cli: __init__ debug log:").line("DEBUG: cli.azure.cli.core: Modules found from index for 'login': ['azure.cli.command_modules.profile']")
        .line("DEBUG: urllib3.connectionpool: Starting new HTTPS connection (1): login.microsoftonline.com:443")
        .line("DEBUG: urllib3.connectionpool: https://login.microsoftonline.com:443 \"POST /organizations/oauth2/v2.0/devicecode HTTP/1.1\" 200 473")
        .add("DEBUG: msal.application: Initiate device flow response: {\"user_code\": \"").plant(code, "az --debug device flow user_code")
        .add("\", \"device_code\": \"").plant(h.forge.msDeviceCode(), "az --debug device flow device_code")
        .add("\", \"verification_uri\": \"https://microsoft.com/devicelogin\", \"expires_in\": 900, \"interval\": 5, \"message\": \"" + prompt)
        .plant(code.withRule(Capability.USER_CODE_PROMPT), "az --debug device flow message").line(" to authenticate.\"}")
        .add("WARNING: " + prompt).plant(code.withRule(Capability.USER_CODE_PROMPT), "az login prompt").line(" to authenticate.")
        .line("DEBUG: urllib3.connectionpool: https://login.microsoftonline.com:443 \"POST /organizations/oauth2/v2.0/token HTTP/1.1\" 400 512")
        .line("DEBUG: msal.oauth2cli.oauth2: authorization_pending")
        .line("DEBUG: urllib3.connectionpool: https://login.microsoftonline.com:443 \"POST /organizations/oauth2/v2.0/token HTTP/1.1\" 200 4567")
        .line("DEBUG: cli.azure.cli.core.util: Request headers: {'Authorization': 'Bearer *****', 'x-ms-client-request-id': '" + h.forge.uuid() + "'}")
        .line("DEBUG: cli.knack.cli: Command arguments: ['login', '--service-principal', '-u', '" + h.forge.uuid() + "', '-p', '*****', '--tenant', '" + h.tenant + "']")
        .add("DEBUG: cli.knack.cli: Command arguments: ['rest', '--method', 'get', '--url', 'https://graph.microsoft.com/v1.0/me', '--headers', 'Authorization=Bearer ")
        .plant(h.forge.msAccessJwt(h.random.nextBoolean(), h.tenant), "az --debug Command arguments").line("']")
        .line("DEBUG: cli.azure.cli.core.util: Response status: 200");
    return b.leaf("az-debug.log");
  }

  /** aws --debug for sso login and GetRoleCredentials. */
  static Leaf aws(Host h, SourceType source) {
    TextBuilder b = new TextBuilder(source);
    String p = "2026-11-02 10:11:12,345 - MainThread - ";
    Token user = h.forge.awsUserCode(Capability.USER_CODE_CAMEL);
    b.line(p + "awscli.clidriver - DEBUG - CLI version: aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22")
        .line(p + "botocore.endpoint - DEBUG - Making request for OperationModel(name=StartDeviceAuthorization) with params: {'url_path': '/device_authorization'}")
        .add(p + "botocore.parsers - DEBUG - Response body:\nb'{\"deviceCode\":\"").plant(h.forge.awsDeviceCode(), "aws --debug deviceCode")
        .add("\",\"expiresIn\":600,\"interval\":1,\"userCode\":\"").plant(user, "aws --debug userCode")
        .line("\",\"verificationUri\":\"https://device.sso.us-east-1.amazonaws.com/\"}'")
        .line("Attempting to automatically open the SSO authorization page in your default browser.")
        .line("If the browser does not open or you wish to use a different device to authorize this request, open the following URL:")
        .line("").line("https://device.sso.us-east-1.amazonaws.com/").line("").line("Then enter the code:").line("")
        .plant(user.withRule(Capability.USER_CODE_PROMPT_AWS), "aws sso login prompt").line("")
        .line(p + "botocore.endpoint - DEBUG - Making request for OperationModel(name=GetRoleCredentials)")
        .add(p + "botocore.endpoint - DEBUG - Sending http request: <AWSPreparedRequest stream_output=False, method=GET, url=https://portal.sso.us-east-1.amazonaws.com/federation/credentials?role_name=Admin&account_id=123456789012, headers={'x-amz-sso_bearer_token': b'")
        .plant(h.forge.awsSso(false), "aws --debug x-amz-sso_bearer_token").line("', 'User-Agent': b'aws-cli/2.15.30'}>")
        .add(p + "botocore.parsers - DEBUG - Response body:\nb'{\"roleCredentials\":{\"accessKeyId\":\"").plant(h.forge.awsTempKeyId(), "aws --debug accessKeyId")
        .add("\",\"secretAccessKey\":\"").plant(h.forge.awsSecret(), "aws --debug secretAccessKey")
        .add("\",\"sessionToken\":\"").plant(h.forge.awsSessionToken(), "aws --debug sessionToken")
        .line("\",\"expiration\":1793635200000}}'")
        .line(p + "botocore.hooks - DEBUG - Event needs-retry.s3.ListBuckets: calling handler <botocore.retryhandler.RetryHandler object at 0x7f3a2c1d9e50>");
    return b.leaf("aws-debug.log");
  }

  /** GIT_TRACE_CURL: redacted by default, but not with GIT_TRACE_REDACT=0 (Basic auth of x-access-token:TOKEN). */
  static Leaf gitTraceCurl(Host h, SourceType source) {
    TextBuilder b = new TextBuilder(source);
    String t = "10:11:12.345678 http.c:";
    Token tok = h.forge.github("ghs_");
    b.line(t + "703              == Info: Connected to github.com (140.82.121.4) port 443 (#0)")
        .line(t + "664              => Send header, 0000000228 bytes (0x000000e4)")
        .line(t + "664              => Send header: GET /" + h.repo() + ".git/info/refs?service=git-upload-pack HTTP/1.1")
        .line(t + "664              => Send header: Host: github.com")
        .line(t + "664              => Send header: Authorization: Basic <redacted>")
        .line("# GIT_TRACE_REDACT=0 git fetch")
        .add(t + "664              => Send header: Authorization: Basic ")
        // one leak, two findings: the Basic credential itself, and the token it carries
        .label(new Token(Forge.b64("x-access-token:" + tok.value()), dev.tokensweep.detectors.rule.Kind.PASSWORD, "http-basic",
            Capability.BASIC_AUTH, "unknown"), "GIT_TRACE_CURL unredacted Basic credential")
        .plantEncoded(tok, Forge.b64("x-access-token:" + tok.value()), "GIT_TRACE_CURL unredacted Basic", Capability.BASE64).line("")
        .line(t + "664              <= Recv header: HTTP/1.1 200 OK");
    return b.leaf("git-trace-curl.log");
  }

  /** GH_DEBUG=api during gh auth login: the whole device exchange, form-encoded as GitHub answers by default. */
  static Leaf ghDeviceFlow(Host h, SourceType source) {
    TextBuilder b = new TextBuilder(source);
    Token device = h.forge.githubDeviceCode();
    Token user = h.forge.githubUserCode(Capability.USER_CODE_FIELD);
    b.line("* Request at 2026-11-02 10:11:12.345 +0000 UTC").line("* Request to https://github.com/login/device/code")
        .line("> POST /login/device/code HTTP/1.1").line("> Host: github.com").line("> Accept: application/x-www-form-urlencoded")
        .line("> Content-Type: application/x-www-form-urlencoded").line("")
        .line("client_id=178c6fc778ccc68e1d6a&scope=repo+read%3Aorg+gist").line("").line("< HTTP/2.0 200 OK")
        .line("< Content-Type: application/x-www-form-urlencoded; charset=utf-8").line("")
        .add("device_code=").plant(device, "GH_DEBUG device code response").add("&expires_in=899&interval=5&user_code=")
        .plant(user, "GH_DEBUG device code response user_code").line("&verification_uri=https%3A%2F%2Fgithub.com%2Flogin%2Fdevice")
        .line("").add("! First copy your one-time code: ").plant(user.withRule(Capability.USER_CODE_PROMPT), "gh auth login prompt").line("")
        .line("Press Enter to open https://github.com/login/device in your browser... ");
    int polls = 1 + h.random.nextInt(3);
    for (int i = 0; i <= polls; i++) {
      b.line("* Request to https://github.com/login/oauth/access_token").line("> POST /login/oauth/access_token HTTP/1.1")
          .line("> Host: github.com").line("").add("client_id=178c6fc778ccc68e1d6a&device_code=").plant(device, "GH_DEBUG poll device_code")
          .line("&grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code").line("").line("< HTTP/2.0 200 OK").line("");
      if (i < polls) {
        b.line(i == 0 ? "error=slow_down&error_description=Too+many+requests+have+been+made+in+the+same+timeframe.&interval=10"
            : "error=authorization_pending&error_description=The+authorization+request+is+still+pending.");
      } else {
        b.add("access_token=").plant(h.forge.github("gho_"), "GH_DEBUG token response").line("&scope=gist%2Cread%3Aorg%2Crepo&token_type=bearer");
      }
    }
    b.line("✓ Authentication complete.").line("✓ Logged in as " + h.user);
    return b.leaf("gh-debug-api.log");
  }

  /** An application log: noise, a few leaks, a multi-line stack trace with a JDBC password. */
  static Leaf appLog(Host h, SourceType source, String name, int lines) {
    TextBuilder b = new TextBuilder(source);
    noise(b, h, lines / 3);
    h.tick(1000);
    b.add(h.iso() + " DEBUG [http-nio-8080-exec-7] c.a.client.GitHubClient - calling https://api.github.com/repos/" + h.repo()
        + " with token ").plant(h.forge.github("ghs_"), "app log debug token").line("");
    noise(b, h, lines / 3);
    h.tick(1000);
    b.line(h.iso() + " ERROR [main] o.s.boot.SpringApplication - Application run failed")
        .line("org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'dataSource'")
        .line("\tat org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.initializeBean(AbstractAutowireCapableBeanFactory.java:1806)")
        .line("\tat org.springframework.beans.factory.support.AbstractBeanFactory.doGetBean(AbstractBeanFactory.java:335)")
        .add("Caused by: org.postgresql.util.PSQLException: FATAL: password authentication failed for user \"app\" (url=jdbc:postgresql://db.internal:5432/orders?user=app&password=")
        .plant(h.forge.password(Capability.PASSWORD_ASSIGNMENT), "stack trace JDBC URL password").line(")")
        .line("\tat org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:693)")
        .line("\tat org.postgresql.Driver.connect(Driver.java:297)").line("\t... 42 common frames omitted");
    noise(b, h, lines / 3);
    return b.leaf(name);
  }

  static Leaf jsonLog(Host h, SourceType source) {
    TextBuilder b = new TextBuilder(source);
    for (int i = 0; i < 200; i++) {
      h.tick(3000);
      if (i == 60) {
        b.add("{\"ts\":\"" + h.iso() + "\",\"level\":\"debug\",\"logger\":\"auth.device\",\"msg\":\"device authorization response\",\"body\":{\"device_code\":\"")
            .plant(h.forge.googleDeviceCode(), "JSON log device_code").add("\",\"user_code\":\"")
            .plant(new Token(h.forge.random("BCDFGHJKLMNPQRSTVWXZ", 3) + "-" + h.forge.random("BCDFGHJKLMNPQRSTVWXZ", 3) + "-"
                + h.forge.random("BCDFGHJKLMNPQRSTVWXZ", 3), Kind.USER_CODE, "google", Capability.USER_CODE_FIELD, "unknown"),
                "JSON log user_code")
            .line("\",\"verification_url\":\"https://www.google.com/device\",\"expires_in\":1800,\"interval\":5}}");
      } else if (i == 130) {
        b.add("{\"ts\":\"" + h.iso() + "\",\"level\":\"debug\",\"logger\":\"auth.token\",\"msg\":\"token refreshed\",\"access_token\":\"")
            .plant(h.forge.googleAccess(), "JSON log google access_token").add("\",\"refresh_token\":\"")
            .plant(h.forge.googleRefresh(), "JSON log google refresh_token").line("\",\"expires_in\":3599}");
      } else if (i % 25 == 7) {
        b.line("{\"ts\":\"" + h.iso() + "\",\"level\":\"info\",\"msg\":\"" + Decoys.line(h.forge).replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
      } else {
        b.line("{\"ts\":\"" + h.iso() + "\",\"level\":\"info\",\"logger\":\"http\",\"msg\":\"request completed\",\"method\":\"GET\",\"path\":\"/api/v1/orders/"
            + h.random.nextInt(100000) + "\",\"status\":200,\"duration_ms\":" + h.random.nextInt(900) + ",\"trace_id\":\"" + h.forge.hex(32)
            + "\",\"span_id\":\"" + h.forge.hex(16) + "\"}");
      }
    }
    return b.leaf("app.jsonl");
  }

  static Leaf accessLog(Host h, SourceType source) {
    TextBuilder b = new TextBuilder(source);
    String[] paths = {"/", "/healthz", "/api/v1/orders", "/static/app.8f3a2c.js", "/api/v1/users/me", "/favicon.ico"};
    for (int i = 0; i < 400; i++) {
      h.tick(500);
      String ip = "10." + h.random.nextInt(256) + "." + h.random.nextInt(256) + "." + h.random.nextInt(256);
      b.add(ip + " - - [02/Nov/2026:10:" + String.format("%02d:%02d", h.random.nextInt(60), h.random.nextInt(60)) + " +0000] \"GET ");
      if (i == 111) {
        b.add("/api/v1/reports/export?access_token=").plant(h.forge.opaqueField(Kind.ACCESS_TOKEN), "access log ?access_token=").add("&format=csv");
      } else if (i == 222) {
        b.add("/hooks/ci?access_token=").plant(h.forge.github("gho_"), "access log ?access_token= GitHub");
      } else {
        b.add(h.forge.pick(paths));
      }
      b.line(" HTTP/1.1\" 200 " + h.random.nextInt(20000) + " \"-\" \"" + h.forge.pick(new String[] {"Mozilla/5.0 (X11; Linux x86_64)",
          "python-requests/2.31.0", "curl/8.5.0", "kube-probe/1.29"}) + "\"");
    }
    return b.leaf("access.log");
  }

  /** rsyslog: control characters escaped, a logged request with headers on one line joined by #012. */
  static Leaf syslog(Host h, SourceType source, String name) {
    TextBuilder b = new TextBuilder(source);
    for (int i = 0; i < 150; i++) {
      h.tick(5000);
      String pfx = h.syslogTime() + " " + h.shortHost() + " ";
      if (i == 77) {
        b.add(pfx + "orders[" + (1000 + h.random.nextInt(30000)) + "]: upstream call failed, request was:#012POST /v1/charges HTTP/1.1#012Host: api.payments.example#012Authorization: Bearer ")
            .plant(h.forge.oauthJwt("https://auth.acme.example/", "payments", "charges:write", h.random.nextBoolean()), "syslog #012 Authorization")
            .line("#012Content-Type: application/json#012#012{\"amount\":1200}");
      } else {
        b.line(pfx + h.forge.pick(new String[] {"systemd[1]: Started Session " + h.random.nextInt(900) + " of User " + h.user + ".",
            "kernel: [" + h.random.nextInt(99999) + ".123456] eth0: Link is Up - 1Gbps/Full", "sshd[" + h.random.nextInt(30000)
                + "]: Accepted publickey for " + h.user + " from 10.0.3.7 port 51234 ssh2: ED25519 SHA256:"
                + h.forge.random(dev.tokensweep.detectors.rule.TokenForge.B64URL, 43),
            "CRON[" + h.random.nextInt(30000) + "]: (root) CMD (/usr/local/bin/backup.sh)"}));
      }
    }
    return b.leaf(name);
  }
}
