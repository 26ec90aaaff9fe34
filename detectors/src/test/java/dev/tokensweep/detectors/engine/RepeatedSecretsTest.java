package dev.tokensweep.detectors.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.detectors.evidence.EvidenceCache;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.detectors.evidence.SecretDigest;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The per-secret memos (verdicts of the checks after the regex, re2j's matches in long windows,
 * evidence) against the reference detector, which remembers nothing: on logs that repeat a few
 * secrets thousands of times, with near misses (the same secret with one byte changed, cut short,
 * in another case) beside them, long JWTs after {@code Bearer}, and chunk borders anywhere, the
 * fast detector reports exactly what the reference reports, and cached evidence is exactly what
 * {@link Evidence#of} builds for each match.
 */
class RepeatedSecretsTest {

  private static final List<Rule> RULES = Rules.builtin();

  /** A pool of lines that leak a few secrets, and near misses of them. */
  static List<String> pool(Random rnd) {
    TokenForge f = new TokenForge(rnd);
    List<String> secrets = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      secrets.add(f.accessJwt("https://login.example/" + i, "api://orders", "orders.read offline_access",
          1_790_000_000L + i, 3600));
    }
    secrets.add(f.jwt("{\"alg\":\"HS256\"}", "{\"sub\":\"x\",\"exp\":1700000000}"));
    secrets.add(f.base62Crc32("ghp_"));
    secrets.add(f.base62Crc32("npm_"));
    secrets.add(f.gitlabRoutable("glpat-"));
    secrets.add(f.random(TokenForge.ALNUM, 32));
    secrets.add(f.awsKeyId("AKIA", 123456789012L));
    List<String> lines = new ArrayList<>();
    for (String s : secrets) {
      for (String near : List.of(s, flip(s, rnd), s.substring(0, s.length() - 3), s.toLowerCase(java.util.Locale.ROOT))) {
        lines.add("> Authorization: Bearer " + near);
        lines.add("token=" + near + "&scope=openid");
        lines.add("API_TOKEN=\"" + near + "\"");
        lines.add("{\"access_token\":\"" + near + "\",\"token_type\":\"Bearer\"}");
        lines.add("retrying clone with token " + near + " expires");
        lines.add("aws_secret_access_key = " + near);
      }
    }
    for (Rule r : RULES) {
      lines.addAll(r.examples());
      lines.addAll(r.negativeExamples());
    }
    return lines;
  }

  /** {@code s} with one character (after its first four) replaced. */
  static String flip(String s, Random rnd) {
    int at = 4 + rnd.nextInt(s.length() - 4);
    char c = s.charAt(at) == 'A' ? 'B' : 'A';
    return s.substring(0, at) + c + s.substring(at + 1);
  }

  /** A log of {@code lines} lines drawn from a small part of {@code pool}, so each repeats many times. */
  static byte[] log(Random rnd, List<String> pool, int lines) {
    List<String> some = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      some.add(pool.get(rnd.nextInt(pool.size())));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < lines; i++) {
      String ts = "2026-11-01T11:09:" + (10 + rnd.nextInt(50)) + "." + rnd.nextInt(1000) + "Z DEBUG ";
      out.writeBytes((ts + some.get(rnd.nextInt(some.size())) + (rnd.nextInt(4) == 0 ? " " : "\n"))
          .getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /** Matches as comparable text: rule, spans and the secret's digest, never the secret. */
  static List<String> describe(List<Match> ms) {
    List<String> out = new ArrayList<>();
    Fingerprinter fp = Fingerprinter.withDefaultKey();
    for (Match m : ms) {
      out.add(m.rule().id() + "@" + m.matchStart() + ".." + m.matchEnd() + "/" + m.start() + ".." + m.end() + " "
          + fp.fingerprint(m.secret()).substring(0, 16)
          + (m.identifier() == null ? "" : " id " + m.identifier().name() + "@" + m.identifier().start()));
    }
    return out;
  }

  /** The matches of {@code d} over {@code buf} scanned in chunks of random sizes, each with its overlap. */
  static List<Match> chunked(Detector d, byte[] buf, Random rnd) {
    List<Match> out = new ArrayList<>();
    int at = 0;
    while (at < buf.length) {
      int end = Math.min(buf.length, at + 1 + rnd.nextInt(6000));
      d.scan(buf, Math.max(0, at - d.overlap()), Math.min(buf.length, end + d.overlap()), at, end, out::add);
      at = end;
    }
    return out;
  }

  /** The same matches in any order; on a difference, says the first few that differ. */
  static void same(List<String> want, List<String> got, String what) {
    List<String> w = new ArrayList<>(want);
    List<String> g = new ArrayList<>(got);
    java.util.Collections.sort(w);
    java.util.Collections.sort(g);
    if (!w.equals(g)) {
      List<String> missing = new ArrayList<>(w);
      missing.removeAll(g);
      List<String> extra = new ArrayList<>(g);
      extra.removeAll(w);
      org.junit.jupiter.api.Assertions.fail(what + ": " + w.size() + " expected, " + g.size() + " found; missing "
          + missing.subList(0, Math.min(5, missing.size())) + ", not expected " + extra.subList(0, Math.min(5, extra.size())));
    }
  }

  /**
   * Long windows that repeat byte for byte (a line with a Microsoft token repeated, and
   * {@code /EwA} repeated, where every hit opens the same 4 KB window), answered from the rule's
   * last long window, beside the same line with one byte of its token changed, whole and in
   * chunks of random sizes.
   */
  @Test
  void scan_repeatedLongWindows_sameMatchesAsReference() {
    Detector reference = new KeywordDetector(RULES, -1);
    Detector fast = new KeywordDetector(RULES);
    Random rnd = new Random(23);
    String token = "EwA" + new TokenForge(rnd).random(TokenForge.ALNUM, 400);
    String line = "refresh with " + token + " now\n";
    String near = "refresh with " + flip(token, rnd) + " now\n";
    String log = line.repeat(20) + near + line.repeat(3) + near.repeat(2) + line + "/EwA".repeat(400) + "\n";
    byte[] buf = log.getBytes(StandardCharsets.US_ASCII);
    List<String> want = describe(reference.findAll(buf));
    assertTrue(want.size() >= 27, "each line's token is found: " + want.size());
    same(want, describe(fast.findAll(buf)), "whole");
    same(want, describe(chunked(fast, buf, rnd)), "chunked");
  }

  @Test
  void scan_repeatedSecretsAndNearMisses_sameMatchesAsReference() {
    Detector reference = new KeywordDetector(RULES, -1);
    Detector fast = new KeywordDetector(RULES);
    Detector eager = new KeywordDetector(RULES, 0);
    Random rnd = new Random(16);
    List<String> pool = pool(rnd);
    int found = 0;
    for (int round = 0; round < 4; round++) {
      byte[] buf = log(rnd, pool, 1200);
      List<String> want = describe(reference.findAll(buf));
      found += want.size();
      same(want, describe(fast.findAll(buf)), "round " + round);
      same(want, describe(eager.findAll(buf)), "round " + round + " (filters from the first hit)");
      same(want, describe(chunked(fast, buf, rnd)), "round " + round + " in chunks");
    }
    assertTrue(found > 600, "the logs repeat secrets: " + found);
  }

  @Test
  void scan_longWindowRepeatedThenChanged_eachCopyJudgedByItsOwnBytes() {
    // the same long JWT line again and again: re2j's matches come from the memo; then the token
    // with one byte changed in its payload (which no longer decodes) must not be taken for it
    TokenForge f = new TokenForge(new Random(3));
    String jwt = f.accessJwt("https://login.example/", "api://orders", "orders.read", 1_790_000_000L, 3600);
    String broken = jwt.substring(0, 40) + "%" + jwt.substring(41);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      b.append("x").append(i).append(" > Authorization: Bearer ").append(i % 10 == 9 ? broken : jwt).append('\n');
    }
    byte[] buf = b.toString().getBytes(StandardCharsets.UTF_8);
    Detector fast = new KeywordDetector(RULES, 0);
    List<String> want = describe(new KeywordDetector(RULES, -1).findAll(buf));
    same(want, describe(fast.findAll(buf)), "first scan");
    same(want, describe(fast.findAll(buf)), "second scan, memos warm");
    long jwts = fast.findAll(buf).stream().filter(m -> m.secretText().equals(jwt)).count();
    assertTrue(jwts >= 180, "each unchanged copy is a finding: " + jwts);
  }

  @Test
  void evidenceCache_everyMatch_sameEvidenceAsBuiltFresh() {
    Random rnd = new Random(7);
    byte[] buf = log(rnd, pool(rnd), 2000);
    List<Match> ms = new KeywordDetector(RULES).findAll(buf);
    Fingerprinter fp = new Fingerprinter("a private key".getBytes(StandardCharsets.UTF_8));
    EvidenceCache big = new EvidenceCache(fp);
    EvidenceCache tiny = new EvidenceCache(fp, 3); // starts again empty all the time
    EvidenceCache none = new EvidenceCache(fp, 0);
    Instant now = Instant.parse("2026-11-02T00:00:00Z");
    Instant later = Instant.parse("2027-01-01T00:00:00Z");
    List<Evidence.Hint> hints = java.util.Arrays.asList(null, new Evidence.Hint(true, null, false),
        new Evidence.Hint(false, later, false), Evidence.Hint.seenAt(Instant.parse("2026-11-01T00:00:00Z")));
    for (int pass = 0; pass < 2; pass++) {
      for (Match m : ms) {
        Evidence.Hint h = hints.get(rnd.nextInt(hints.size()));
        Instant at = rnd.nextInt(5) == 0 ? later : now;
        Evidence want = Evidence.of(m, fp, at, h);
        assertEquals(want, big.of(m, at, h));
        assertEquals(want, tiny.of(m, at, h));
        assertEquals(want, none.of(m, at, h));
      }
    }
  }

  /**
   * The digest a match carries is its own secret's: the detector digests a secret once per
   * remembered window and hands every finding of that window the same digest, which the evidence
   * cache keys by instead of digesting again.
   */
  @Test
  void detectorDigests_eachTheDigestOfItsOwnSecret() {
    Random rnd = new Random(9);
    byte[] buf = log(rnd, pool(rnd), 3000);
    List<Match> ms = new KeywordDetector(RULES).findAll(buf);
    SecretDigest d = new SecretDigest();
    int with = 0;
    for (Match m : ms) {
      if (m.digest() == null) {
        continue;
      }
      with++;
      d.digest(m.secret(), 0, m.secret().length);
      assertEquals(d.value(), m.digest(), m.rule().id() + " at " + m.start() + ": the digest of its own secret");
    }
    assertEquals(ms.size(), with, "matches that carry the detector's digest (windows and fixed shapes alike)");
  }

  /**
   * A fixed shape's verdict is remembered by the secret's bytes: the documented placeholder key
   * and a real-looking one, each on many lines and beside near misses, are judged as the
   * reference judges each copy.
   */
  @Test
  void scan_fixedShapeRepeatedWithItsPlaceholder_sameMatchesAsReference() {
    Random rnd = new Random(11);
    TokenForge f = new TokenForge(rnd);
    String key = f.awsKeyId("AKIA", 123456789012L);
    List<String> lines = List.of("aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "aws_access_key_id = " + key,
        "key=" + key + " id=AKIAIOSFODNN7EXAMPLF", "export AWS_ACCESS_KEY_ID=" + flip(key, rnd));
    byte[] buf = log(rnd, lines, 1500);
    List<Match> want = new KeywordDetector(RULES, -1).findAll(buf);
    List<Match> got = new KeywordDetector(RULES).findAll(buf);
    assertTrue(want.size() > 1000, want.size() + " matches");
    assertTrue(want.equals(got), "the fast detector's " + got.size() + " matches against the reference's " + want.size());
  }

  @Test
  void evidenceCache_sameSecretOtherRuleOrKey_notTakenFromTheCache() {
    Rule a = RULES.stream().filter(r -> r.id().equals("ts.oauth.1")).findFirst().orElseThrow();
    Rule b = RULES.stream().filter(r -> r.id().equals("ts.oauth.6")).findFirst().orElseThrow();
    String jwt = new TokenForge(new Random(5)).accessJwt("https://login.example/", "api://x", "repo", 1_790_000_000L, 60);
    byte[] s = jwt.getBytes(StandardCharsets.UTF_8);
    EvidenceCache c = new EvidenceCache(Fingerprinter.withDefaultKey());
    Instant now = Instant.parse("2026-11-02T00:00:00Z");
    Evidence ea = c.of(new Match(a, 0, s.length, 0, s.length, s), now, null);
    Evidence eb = c.of(new Match(b, 0, s.length, 0, s.length, s), now, null);
    assertEquals("ts.oauth.1", ea.ruleId());
    assertEquals("ts.oauth.6", eb.ruleId());
    assertEquals(ea.fingerprint(), eb.fingerprint());
    EvidenceCache other = new EvidenceCache(new Fingerprinter("another key".getBytes(StandardCharsets.UTF_8)));
    assertNotEquals(ea.fingerprint(), other.of(new Match(a, 0, s.length, 0, s.length, s), now, null).fingerprint());
  }
}
