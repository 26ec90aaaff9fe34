package dev.tokensweep.detectors.engine;

import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Rules found without re2j ({@link FixedShape}) against the reference detector, which runs re2j on
 * every window: same rule, span, group 1, for whole buffers and for random chunkings, on text
 * dense in their tokens, near-misses and word/non-word neighbours.
 */
class FixedShapeTest {

  private static final List<Rule> RULES = Rules.builtin();
  private static final Map<String, Rule> BY_ID = new KeywordDetector(RULES).rulesById();
  private static final String EDGES = " \t\n=:\"'/-_.%&;,{}[]()\\#@aAzZ09xX\u00e9";

  @Test
  void shapes_ofTheProviderRules() {
    for (String id : List.of("ts.github.1", "ts.github.2", "ts.github.3", "ts.github.4", "ts.github.5", "ts.github.6",
        "ts.aws.1", "ts.aws.2", "ts.npm.1")) {
      Rule r = BY_ID.get(id);
      assertNotNull(FixedShape.of(r.pattern(), r.keywords()), id);
    }
    for (String id : List.of("ts.generic.1", "ts.oauth.6", "ts.gitlab.1", "ts.stripe.1", "ts.aws.3", "ts.slack.3", "ts.gitlab.5")) {
      Rule r = BY_ID.get(id);
      assertNull(FixedShape.of(r.pattern(), r.keywords()), id);
    }
    assertNull(FixedShape.of("\\b(ghp_[A-Za-z0-9]{36})\\b", List.of("hp_")), "a keyword hit must be the match start");
    assertNull(FixedShape.of("\\b(ghp_[A-Za-z0-9]{36})\\b", List.of("_")));
    assertNull(FixedShape.of("\\b(ghp_[A-Za-z0-9]{36})", List.of("ghp_")), "no \\b after");
    assertNull(FixedShape.of("\\b(ghp_[A-Za-z0-9.]{36})\\b", List.of("ghp_")), "a non-word byte inside");
    assertNull(FixedShape.of("\\b(ghp_[A-Za-z0-9]{36,40})\\b", List.of("ghp_")), "not a fixed length");
  }

  private static byte[] denseText(Random rnd, TokenForge f, List<Rule> shaped) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 10 + rnd.nextInt(60); i > 0; i--) {
      Rule r = shaped.get(rnd.nextInt(shaped.size()));
      String kw = r.keywords().get(0);
      String s = switch (rnd.nextInt(7)) {
        case 0 -> r.examples().get(rnd.nextInt(r.examples().size()));
        case 1 -> r.negativeExamples().isEmpty() ? kw : r.negativeExamples().get(rnd.nextInt(r.negativeExamples().size()));
        case 2 -> kw.startsWith("gh") && kw.length() == 4 ? f.base62Crc32(kw) : kw + f.random(TokenForge.B64URL, 30);
        case 3 -> kw + f.random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abc", 12 + rnd.nextInt(30));
        case 4 -> kw + kw + f.random("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 30 + rnd.nextInt(20));
        case 5 -> kw.toUpperCase() + f.random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16 + rnd.nextInt(40));
        default -> kw;
      };
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      if (rnd.nextInt(4) == 0 && b.length > 0) {
        b[rnd.nextInt(b.length)] = (byte) EDGES.charAt(rnd.nextInt(EDGES.length()));
      }
      out.writeBytes(b);
      if (rnd.nextInt(3) > 0) {
        out.writeBytes(String.valueOf(EDGES.charAt(rnd.nextInt(EDGES.length()))).getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  private static String key(Match m) {
    return m.rule().id() + "@" + m.start() + ".." + m.end() + "/" + m.matchStart() + ".." + m.matchEnd() + "="
        + new String(m.secret(), StandardCharsets.ISO_8859_1);
  }

  private static List<String> chunked(Detector d, byte[] buf, int[] cuts) {
    List<String> out = new ArrayList<>();
    int ov = d.overlap();
    int pos = 0;
    for (int end : cuts) {
      d.scan(buf, Math.max(0, pos - ov), Math.min(buf.length, end + ov), pos, end, m -> out.add(key(m)));
      pos = end;
    }
    out.sort(null);
    return out;
  }

  /**
   * A built-in rule's pattern is parsed at its first hit, not when the detector is made (start-up
   * parsed the whole catalogue); its shape is then the one it always had. A rule from elsewhere,
   * even one equal to a built-in rule, is parsed when the detector is made.
   */
  @Test
  void builtinShapes_madeAtTheFirstHit_otherRulesAtOnce() {
    Rule github = BY_ID.get("ts.github.1");
    assertTrue(Rules.isBuiltin(github));
    KeywordDetector d = new KeywordDetector(RULES, 0);
    assertNull(d.shapeNow("ts.github.1"), "no hit yet");
    assertEquals(1, d.findAll(github.examples().get(0).getBytes(StandardCharsets.UTF_8)).stream()
        .filter(m -> m.rule().id().equals("ts.github.1")).count());
    FixedShape s = d.shapeNow("ts.github.1");
    assertNotNull(s);
    assertTrue(s != FixedShape.NONE && s.length() == FixedShape.of(github.pattern(), github.keywords()).length(),
        "the shape of its pattern");
    assertNull(d.shapeNow("ts.aws.1"), "a rule with no hit stays unparsed");

    Rule copy = new Rule(github.id(), github.name(), github.kind(), github.keywords(), github.pattern(), github.validate(),
        github.minEntropy(), github.severity(), github.prefix(), github.examples(), github.negativeExamples(),
        github.references(), github.description(), github.maxBefore(), github.maxLength());
    assertTrue(!Rules.isBuiltin(copy), "an equal rule from a file is not the built-in one");
    FixedShape own = new KeywordDetector(List.of(copy), 0).shapeNow("ts.github.1");
    assertTrue(own != null && own != FixedShape.NONE, "parsed when the detector is made");
    assertEquals(FixedShape.NONE, new KeywordDetector(RULES, -1).shapeNow("ts.github.1"), "the reference has none");
  }

  @Test
  void scan_denseText_sameMatchesAsReference() {
    List<Rule> shaped = RULES.stream().filter(r -> FixedShape.of(r.pattern(), r.keywords()) != null).toList();
    assertTrue(shaped.size() >= 9, "shaped rules: " + shaped.size());
    Detector fast = new KeywordDetector(RULES, 0);
    Detector reference = new KeywordDetector(RULES, -1);
    Random rnd = new Random(17);
    TokenForge f = new TokenForge(new Random(19));
    int found = 0;
    for (int round = 0; round < 400; round++) {
      byte[] buf = denseText(rnd, f, shaped);
      List<String> a = fast.findAll(buf).stream().map(FixedShapeTest::key).sorted().toList();
      List<String> b = reference.findAll(buf).stream().map(FixedShapeTest::key).sorted().toList();
      assertEquals(b, a, "round " + round);
      found += a.size();
      List<Integer> cuts = new ArrayList<>();
      for (int pos = 0; pos < buf.length; ) {
        pos = Math.min(buf.length, pos + 1 + rnd.nextInt(rnd.nextBoolean() ? 50 : 2000));
        cuts.add(pos);
      }
      int[] c = cuts.stream().mapToInt(Integer::intValue).toArray();
      assertEquals(chunked(reference, buf, c), chunked(fast, buf, c), "chunked, round " + round);
    }
    assertTrue(found > 400, "the dense text must hold findings: " + found);
  }

  /** Repeated lines, as in logs: the detector's window cache answers for re2j on every repeat. */
  @Test
  void scan_repeatedLines_sameMatchesAsReference() {
    Detector fast = new KeywordDetector(RULES, 0);
    Detector reference = new KeywordDetector(RULES, -1);
    Random rnd = new Random(23);
    int found = 0;
    for (int round = 0; round < 60; round++) {
      List<byte[]> pool = new ArrayList<>();
      for (int i = 0; i < 2 + rnd.nextInt(8); i++) {
        pool.add(WindowFilterTest.randomText(rnd, 1 + rnd.nextInt(6)));
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = 0; i < 50 + rnd.nextInt(150); i++) {
        out.writeBytes(pool.get(rnd.nextInt(pool.size())));
        out.write(rnd.nextInt(4) == 0 ? ' ' : '\n');
      }
      byte[] buf = out.toByteArray();
      List<String> a = fast.findAll(buf).stream().map(FixedShapeTest::key).sorted().toList();
      List<String> b = reference.findAll(buf).stream().map(FixedShapeTest::key).sorted().toList();
      assertEquals(b, a, "round " + round);
      found += a.size();
      List<Integer> cuts = new ArrayList<>();
      for (int pos = 0; pos < buf.length; ) {
        pos = Math.min(buf.length, pos + 1 + rnd.nextInt(rnd.nextBoolean() ? 100 : 3000));
        cuts.add(pos);
      }
      int[] c = cuts.stream().mapToInt(Integer::intValue).toArray();
      assertEquals(chunked(reference, buf, c), chunked(fast, buf, c), "chunked, round " + round);
    }
    assertTrue(found > 300, "the repeated lines must hold findings: " + found);
  }
}
