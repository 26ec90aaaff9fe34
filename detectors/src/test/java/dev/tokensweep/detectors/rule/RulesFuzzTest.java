package dev.tokensweep.detectors.rule;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.engine.RuleLinter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the rule reader: {@link Rules#parse} and {@code RuleLinter.lint} over
 * mutated rule files holding a planted token (in examples, a pattern, a name). Only
 * {@link Rules.RuleFileException} may escape parsing, nothing may escape linting, only
 * {@code IllegalArgumentException} may escape compiling a parsed rule set into a {@link Detector}; no message and no lint line may hold the planted token; the heap stays
 * bounded; whatever the reader accepts, the data binding it replaced reads the same. A few seconds by default; {@code -Pfuzz} sets {@code tokensweep.fuzz.seconds}.
 */
class RulesFuzzTest {
  private static final long MAX_HEAP = 512L << 20;

  private static long budgetMillis() {
    String s = System.getProperty("tokensweep.fuzz.seconds");
    return s == null || s.isBlank() ? 3_000 : (long) (Double.parseDouble(s.strip()) * 1000);
  }

  private static byte[] mutate(byte[] seed, Random rnd) {
    byte[] b = seed.clone();
    int ops = 1 + rnd.nextInt(6);
    for (int o = 0; o < ops; o++) {
      int at = rnd.nextInt(b.length);
      switch (rnd.nextInt(6)) {
        case 0 -> b[at] = (byte) rnd.nextInt(128);
        case 1 -> b[at] = (byte) "-:'\"[]{}\n #&*!|>%@`\\".charAt(rnd.nextInt(20)); // YAML's structure
        case 2 -> { // a line copied over another place: duplicated keys, wrong indentation
          int from = rnd.nextInt(b.length);
          int n = Math.min(Math.min(b.length - at, b.length - from), 1 + rnd.nextInt(80));
          System.arraycopy(b, from, b, at, n);
        }
        case 3 -> { // an insertion
          int from = rnd.nextInt(b.length);
          int n = Math.min(b.length - from, 1 + rnd.nextInt(120));
          byte[] c = new byte[b.length + n];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(b, from, c, at, n);
          System.arraycopy(b, at, c, at + n, b.length - at);
          b = c;
        }
        case 4 -> b[at] = (byte) ('0' + rnd.nextInt(10));
        default -> b = Arrays.copyOf(b, Math.max(1, at));
      }
    }
    return b;
  }

  @Test
  void parseAndLint_mutatedRuleFiles_onlyDocumentedExceptionsAndNoPlantedToken() {
    String token = new TokenForge(new Random(9)).base62Crc32("ghp_");
    String part = token.substring(4, 30);
    String yaml = """
        # custom rules
        - id: ts.acme.1
          name: Acme deploy key %1$s
          kind: api_key
          keywords: [acme_, deploy]
          pattern: '\\b(acme_[A-Za-z0-9]{32}|%1$s)\\b'
          severity: high
          examples:
            - 'ACME_KEY=acme_0123456789abcdefABCDEF0123456789'
            - 'deploy token %1$s here'
          negative_examples:
            - 'ACME_KEY=acme_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
        - id: ts.acme.2
          name: Acme session
          kind: access_token
          keywords: ["session="]
          pattern: 'session=([a-f0-9]{40})'
          severity: medium
          examples: ['session=0123456789abcdef0123456789abcdef01234567']
          negative_examples: ['session=none']
        """.formatted(token);
    byte[] seed = yaml.getBytes(StandardCharsets.UTF_8);
    Set<String> taken = Set.of("ts.github.1");
    Random rnd = new Random(90);
    long end = System.currentTimeMillis() + budgetMillis();
    int runs = 0;
    int parsed = 0;
    int compiled = 0;
    long peak = 0;
    while (System.currentTimeMillis() < end || runs < 50) {
      String text = new String(runs == 0 ? seed : mutate(seed, rnd), StandardCharsets.UTF_8);
      List<Rule> rules = null;
      try {
        rules = Rules.parse(text, "custom.yml");
        parsed++;
      } catch (Rules.RuleFileException e) {
        assertTrue(runs > 0, "the seed itself does not parse: " + e.getMessage());
        assertTrue(e.getMessage().matches("(?s)custom\\.yml:[0-9]+: .*"), "run " + runs + ": the message names the file and line");
        assertFalse(e.getMessage().contains(part), "run " + runs + ": a parse error quotes the planted token");
      } catch (Throwable e) {
        fail("run " + runs + ": " + e.getClass().getName() + " escaped Rules.parse at " + e.getStackTrace()[0]);
      }
      if (rules != null) {
        // the one reader accepts nothing the data binding it replaced refused, and reads it the same
        List<Rule> bound;
        try {
          bound = RuleReaderTest.bound(text);
        } catch (Exception e) {
          bound = null;
        }
        if (!rules.equals(bound)) {
          fail("run " + runs + ": the reader and data binding disagree on a file (" + (bound == null ? "binding refused it"
              : bound.size() + " bound, " + rules.size() + " read") + ")");
        }
        List<String> lint = List.of();
        try {
          lint = RuleLinter.lint(text, rules, "custom.yml", taken);
        } catch (Throwable e) {
          fail("run " + runs + ": " + e.getClass().getName() + " escaped Rules.lint at "
              + (e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?"));
        }
        for (String line : lint) {
          assertFalse(line.contains(part), "run " + runs + ": a lint line quotes the planted token");
        }
        if (!rules.isEmpty()) {
          try {
            compiled++;
            Detector.of(rules);
          } catch (IllegalArgumentException e) {
            assertFalse(String.valueOf(e.getMessage()).contains(part), "run " + runs + ": a compile error quotes the token");
          } catch (Throwable e) {
            fail("run " + runs + ": " + e.getClass().getName() + " escaped new Detector at "
                + (e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?"));
          }
        }
      }
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (used >= MAX_HEAP) {
        System.gc(); // what counts is what the reader still holds, not garbage
        used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      }
      peak = Math.max(peak, used);
      runs++;
    }
    assertTrue(parsed > 0, "no mutation parsed: the fuzz never reached the linter");
    assertTrue(compiled > 0, "no rule set parsed: the fuzz never reached the detector");
    assertTrue(peak < MAX_HEAP, "heap reached " + (peak >> 20) + " MiB");
  }
}
