package dev.tokensweep.detectors.engine;

import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.detectors.evidence.Redaction;
import dev.tokensweep.detectors.rule.Rule;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The detector role: finds the rules' secrets in bytes. The scanner and the corpus see only this
 * type, so the engine behind it (today {@link KeywordDetector}: keyword prefilter, window confirm,
 * validators) can change without touching them.
 *
 * <p>Implementations are thread-safe. Chunked scanning: to scan a long input in pieces, give each
 * call the piece it owns ({@code reportFrom..reportTo}) plus {@link #overlap()} bytes of context on
 * both sides; a match is reported by exactly the call whose owned range holds its first byte.
 */
public interface Detector {

  /** Compiles {@code rules}. Throws {@link IllegalArgumentException} when a rule does not compile. */
  static Detector of(List<Rule> rules) {
    return new KeywordDetector(rules);
  }

  /** The rules this detector finds, in the order it was given them. */
  List<Rule> rules();

  /** Bytes of context a chunked reader must give on each side of the range it asks to report. */
  int overlap();

  /** Scans {@code buf[from, to)} and reports every match in it. */
  void scan(byte[] buf, int from, int to, MatchSink sink);

  /**
   * Scans {@code buf[from, to)} and reports the matches whose first byte lies in
   * {@code [reportFrom, reportTo)}; the bytes outside that range are context only.
   */
  void scan(byte[] buf, int from, int to, int reportFrom, int reportTo, MatchSink sink);

  /** Convenience for tests and small inputs: all matches in {@code buf}. */
  List<Match> findAll(byte[] buf);

  /** Rules by id, for lookups by reporters. */
  Map<String, Rule> rulesById();

  /**
   * {@code text} with every secret this detector finds in it replaced by its preview: for text
   * that may quote input and must still be shown (a library's exception message, a file or member
   * name, a JSON key). Text without a secret comes back as it was.
   */
  default String scrub(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    List<Match> found = new ArrayList<>(findAll(b));
    if (found.isEmpty()) {
      return text;
    }
    found.sort(Comparator.comparingInt(Match::start).thenComparingInt(m -> -m.end()));
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(b.length);
    int at = 0;
    for (Match m : found) {
      if (m.start() < at) {
        continue; // inside a span already replaced
      }
      out.write(b, at, m.start() - at);
      out.writeBytes(Redaction.preview(m.rule(), m.secret()).getBytes(StandardCharsets.UTF_8));
      at = m.end();
    }
    out.write(b, at, b.length - at);
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * The checks a match passes after its regex, in the detector's order: not a placeholder or a
   * mask, above the rule's entropy floor, and every validator of the rule. Public for the
   * benchmarks, which time these checks on their own.
   */
  static boolean accepts(dev.tokensweep.detectors.rule.Rule rule, byte[] secret) {
    return KeywordDetector.accept(rule, secret);
  }
}
