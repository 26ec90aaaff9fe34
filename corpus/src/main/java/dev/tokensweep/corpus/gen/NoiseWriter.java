package dev.tokensweep.corpus.gen;

import dev.tokensweep.corpus.SourceType;
import dev.tokensweep.detectors.rule.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The bulk of a corpus: application logs of any size, written fast. Each file draws its lines from
 * a pool of pre-rendered messages (with decoys among them) behind a moving timestamp, and every
 * {@code tokenEvery} bytes or so plants a leaking line. Throughput is bounded by the disk, not by
 * formatting: the hot loop only copies bytes and writes a timestamp.
 */
final class NoiseWriter {
  private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.")
      .withZone(ZoneOffset.UTC);
  private static final int POOL = 4096;

  private static final String[] LOGGERS = {"o.a.c.c.C.[Tomcat].[localhost]", "c.a.orders.OrderService", "c.a.http.AccessFilter",
      "o.h.engine.jdbc.spi.SqlExceptionHelper", "c.zaxxer.hikari.pool.HikariPool", "c.a.payments.StripeGateway",
      "o.s.web.servlet.DispatcherServlet", "c.a.cache.RedisCache", "k.c.consumer.KafkaConsumer", "c.a.auth.SessionManager"};
  private static final String[] THREADS = {"main", "http-nio-8080-exec-1", "http-nio-8080-exec-7", "scheduling-1",
      "kafka-consumer-3", "HikariPool-1 housekeeper", "ForkJoinPool.commonPool-worker-2"};

  private NoiseWriter() {}

  /** One realistic log message after the timestamp: level, thread, logger, text. */
  static String message(Forge f) {
    String level = f.pick(new String[] {"INFO ", "INFO ", "INFO ", "DEBUG", "DEBUG", "WARN ", "ERROR"});
    String text;
    switch (f.nextInt(10)) {
      case 0: text = "Completed 200 OK in " + f.nextInt(900) + "ms for GET /api/v1/orders/" + f.nextInt(1_000_000); break;
      case 1: text = "order " + f.uuid() + " moved to state " + f.pick(new String[] {"PAID", "SHIPPED", "CANCELLED", "PENDING"}); break;
      case 2: text = "HikariPool-1 - Pool stats (total=" + (10 + f.nextInt(10)) + ", active=" + f.nextInt(10) + ", idle=" + f.nextInt(10) + ", waiting=0)"; break;
      case 3: text = "select o1_0.id,o1_0.customer_id,o1_0.total from orders o1_0 where o1_0.id=? [" + f.nextInt(1_000_000) + "]"; break;
      case 4: text = "cache miss key=customer:" + f.nextInt(1_000_000) + " ttl=300s"; break;
      case 5: text = "trace_id=" + f.hex(32) + " span_id=" + f.hex(16) + " upstream=inventory latency_ms=" + f.nextInt(400); break;
      case 6: text = "Committed offsets {orders-" + f.nextInt(12) + "=OffsetAndMetadata{offset=" + f.nextInt(90_000_000) + "}}"; break;
      case 7: text = "session created id=" + f.uuid() + " user=" + f.nextInt(100_000) + " ip=10." + f.nextInt(256) + "." + f.nextInt(256) + "." + f.nextInt(256); break;
      case 8: text = Decoys.line(f); break;
      default: text = "GC pause (G1 Evacuation Pause) " + (1 + f.nextInt(80)) + "ms, heap " + f.nextInt(2048) + "M->" + f.nextInt(1024) + "M(4096M)";
    }
    return level + " [" + f.pick(THREADS) + "] " + f.pick(LOGGERS) + " - " + text;
  }

  private static final String[] REQUEST_PATHS = {"/oauth/token", "/api/v1/session/refresh", "/api/v1/auth/login",
      "/api/v1/orders", "/api/v1/users/me", "/oauth/authorize", "/api/v1/tokens/introspect", "/healthz"};

  /**
   * One gateway request line: the words that tokens sit next to (token, auth, session, refresh,
   * scope, bearer) on most lines, but no token: every keyword hit opens a window that finds nothing.
   */
  static String request(Forge f) {
    String method = f.pick(new String[] {"GET", "GET", "POST", "POST", "PUT", "DELETE"});
    String path = f.pick(REQUEST_PATHS);
    return "INFO  [gateway-" + f.nextInt(16) + "] access - " + method + " " + path
        + "?scope=" + f.pick(new String[] {"orders.read", "orders.write+offline_access", "openid+profile", "admin"})
        + "&grant_type=" + f.pick(new String[] {"refresh_token", "authorization_code", "device_code", "client_credentials"})
        + " status=" + f.pick(new String[] {"200", "200", "200", "401", "403", "302"})
        + " auth=" + f.pick(new String[] {"bearer", "session", "none", "basic"})
        + " session_id=" + f.hex(12) + " token_type=" + f.pick(new String[] {"access", "refresh", "id"})
        + " user=" + f.nextInt(100_000) + " latency_ms=" + f.nextInt(900) + " ua=\"okhttp/4.12.0\"";
  }

  private static String json(Forge f) {
    return json(f, message(f));
  }

  private static String json(Forge f, String m) {
    String level = m.substring(0, 5).strip().toLowerCase();
    String text = m.substring(m.indexOf(" - ") + 3).replace("\\", "\\\\").replace("\"", "\\\"");
    return "\"level\":\"" + level + "\",\"logger\":\"" + f.pick(LOGGERS) + "\",\"msg\":\"" + text + "\",\"trace_id\":\"" + f.hex(32)
        + "\",\"span_id\":\"" + f.hex(16) + "\"}";
  }

  /** A line that leaks; the caller writes the timestamp first. {@code json} lines close the object. */
  private static Leak leak(Forge f, boolean json) {
    Token t;
    String before;
    String after;
    int kinds = json ? 4 : 12;
    int k = f.nextInt(kinds);
    if (k >= 9) {
      Leak c = catalogue(f);
      if (c != null) {
        return c;
      }
      k = 2;
    }
    switch (k) {
      case 0: t = f.github("ghs_"); before = json ? "\"level\":\"debug\",\"msg\":\"installation token issued\",\"token\":\"" : "DEBUG [scheduling-1] c.a.ci.GitHubApp - installation token "; after = json ? "\"}" : " expires in 3600s"; break;
      case 1: t = f.oauthJwt("https://auth.acme.example/", "api://orders", "orders.read orders.write offline_access", f.nextInt(2) == 0);
        before = json ? "\"level\":\"debug\",\"msg\":\"outgoing request\",\"headers\":{\"Authorization\":\"Bearer " : "DEBUG [http-nio-8080-exec-3] c.a.http.Client - > Authorization: Bearer ";
        after = json ? "\"}}" : ""; break;
      case 2: t = f.githubAny(); before = json ? "\"level\":\"warn\",\"msg\":\"retrying with token " : "WARN  [main] c.a.sync.RepoMirror - retrying clone with token "; after = json ? "\"}" : ""; break;
      case 3: t = f.npm(); before = json ? "\"level\":\"debug\",\"msg\":\"npm config //registry.npmjs.org/:_authToken=" : "DEBUG [main] c.a.build.Npm - //registry.npmjs.org/:_authToken="; after = json ? "\"}" : ""; break;
      case 4: t = f.opaqueField(Kind.ACCESS_TOKEN); before = "DEBUG [http-nio-8080-exec-1] c.a.auth.OAuthClient - token response {\"access_token\":\""; after = "\",\"token_type\":\"Bearer\",\"expires_in\":3600}"; break;
      case 5: t = f.slackBot(); before = "WARN  [scheduling-1] c.a.notify.Slack - posting with SLACK_BOT_TOKEN="; after = ""; break;
      case 6: t = f.gitlab(); before = "INFO  [main] c.a.deploy.Gitlab - PRIVATE-TOKEN: "; after = ""; break;
      case 7: t = f.stripe(); before = "DEBUG [http-nio-8080-exec-9] c.a.payments.StripeGateway - STRIPE_KEY="; after = ""; break;
      default: t = f.awsKeyId(); before = "DEBUG [main] c.a.s3.Uploader - aws_access_key_id = "; after = ""; break;
    }
    return new Leak(before, t.value(), List.of(new CatalogueForge.Placed(0, t, null)), after,
        json ? "JSON log line" : "application log line");
  }

  /**
   * A leaking line made of a catalogue rule's example with fresh secrets (any rule, so bulk logs
   * hold every provider the catalogue knows); null when the example spans lines.
   */
  private static Leak catalogue(Forge f) {
    CatalogueForge cf = CatalogueForge.builtin();
    List<dev.tokensweep.detectors.rule.Rule> rules = cf.rules();
    CatalogueForge.Planting p = cf.forge(rules.get(f.nextInt(rules.size())), f.random);
    if (p == null || p.text().indexOf('\n') >= 0 || p.text().indexOf('\r') >= 0) {
      return null;
    }
    return new Leak("DEBUG [main] c.a.config.Loader - ", p.text(), p.secrets(), "",
        p.rule().id() + " example " + (p.example() + 1) + " in an application log line");
  }

  /** {@code body} holds the secrets at their (char) offsets; the line is before + body + after. */
  private record Leak(String before, String body, List<CatalogueForge.Placed> secrets, String after, String context) {}

  /**
   * Writes about {@code bytes} bytes of log to {@code file} (stops at the first line end past it)
   * and returns the planted secrets. {@code tokenEvery} &lt;= 0 plants none.
   */
  static List<Planted> write(Path file, long bytes, long seed, boolean json, long tokenEvery, SourceType source)
      throws IOException {
    return write(file, bytes, seed, json, tokenEvery, source, false, 0);
  }

  /**
   * As {@link #write(Path, long, long, boolean, long, SourceType)}; {@code requests} writes gateway
   * request lines (keywords on most lines), and {@code tokenPool} &gt; 0 plants tokens drawn from
   * that many fixed leaking lines instead of a fresh one each time.
   */
  static List<Planted> write(Path file, long bytes, long seed, boolean json, long tokenEvery, SourceType source,
      boolean requests, int tokenPool) throws IOException {
    Random random = new Random(seed);
    Forge forge = new Forge(random);
    byte[][] pool = new byte[POOL][];
    for (int i = 0; i < POOL; i++) {
      String m = requests ? request(forge) : message(forge);
      pool[i] = ((json ? "Z\"," + json(forge, m) : "Z " + m) + "\n").getBytes(StandardCharsets.UTF_8);
    }
    Leak[] leaks = new Leak[Math.max(0, tokenPool)];
    for (int i = 0; i < leaks.length; i++) {
      leaks[i] = leak(forge, json);
    }
    SplittableRandom fast = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
    List<Planted> planted = new ArrayList<>();
    long ms = (Forge.NOW - 86_400L * 2) * 1000L + fast.nextInt(86_400_000);
    long second = -1;
    byte[] secondBytes = null;
    byte[] buf = new byte[1 << 20];
    int len = 0;
    long written = 0;
    long line = 1;
    long nextLeak = tokenEvery > 0 ? tokenEvery / 2 + fast.nextLong(tokenEvery) : Long.MAX_VALUE;
    byte[] jsonOpen = "{\"ts\":\"".getBytes(StandardCharsets.US_ASCII);
    try (OutputStream out = Files.newOutputStream(file)) {
      while (written + len < bytes) {
        if (len > buf.length - 4096) {
          out.write(buf, 0, len);
          written += len;
          len = 0;
          continue;
        }
        ms += fast.nextInt(40);
        long s = ms / 1000;
        if (s != second) {
          second = s;
          secondBytes = SECOND.format(Instant.ofEpochSecond(s)).getBytes(StandardCharsets.US_ASCII);
        }
        int lineStart = len;
        if (json) {
          System.arraycopy(jsonOpen, 0, buf, len, jsonOpen.length);
          len += jsonOpen.length;
        }
        System.arraycopy(secondBytes, 0, buf, len, secondBytes.length);
        len += secondBytes.length;
        int milli = (int) (ms % 1000);
        buf[len++] = (byte) ('0' + milli / 100);
        buf[len++] = (byte) ('0' + milli / 10 % 10);
        buf[len++] = (byte) ('0' + milli % 10);
        if (written + len >= nextLeak) {
          nextLeak = written + len + tokenEvery / 2 + fast.nextLong(tokenEvery);
          Leak l = leaks.length > 0 ? leaks[fast.nextInt(leaks.length)] : leak(forge, json);
          byte[] pre = ((json ? "Z\"," : "Z ") + l.before()).getBytes(StandardCharsets.UTF_8);
          byte[] body = l.body().getBytes(StandardCharsets.UTF_8);
          byte[] post = (l.after() + "\n").getBytes(StandardCharsets.UTF_8);
          if (len + pre.length + body.length + post.length > buf.length) {
            out.write(buf, 0, lineStart);
            written += lineStart;
            System.arraycopy(buf, lineStart, buf, 0, len - lineStart);
            len -= lineStart;
            lineStart = 0;
          }
          System.arraycopy(pre, 0, buf, len, pre.length);
          len += pre.length;
          for (CatalogueForge.Placed p : l.secrets()) {
            int at = len + l.body().substring(0, p.offset()).getBytes(StandardCharsets.UTF_8).length;
            planted.add(Planted.of(p.token(), source, line, (long) (at - lineStart) + 1, written + at, null, null,
                l.context()));
          }
          System.arraycopy(body, 0, buf, len, body.length);
          len += body.length;
          System.arraycopy(post, 0, buf, len, post.length);
          len += post.length;
        } else {
          byte[] m = pool[fast.nextInt(POOL)];
          System.arraycopy(m, 0, buf, len, m.length);
          len += m.length;
        }
        line++;
      }
      out.write(buf, 0, len);
    }
    return planted;
  }
}
