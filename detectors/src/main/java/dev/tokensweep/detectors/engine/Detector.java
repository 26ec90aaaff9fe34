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
    return previewed(text, b, findAll(b));
  }

  /**
   * A file's or archive member's name with every secret in it replaced by its preview, the secrets
   * found as {@link #findAllInName} finds them: a path element shown in a report reads as the
   * name's finding says.
   */
  default String scrubName(String name) {
    if (name == null || name.isEmpty()) {
      return name;
    }
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    return previewed(name, b, findAllInName(b));
  }

  /**
   * The longest final extension a name may have: {@code .} and up to this many ASCII letters or
   * digits ({@code .txt}, {@code .json}, {@code .1}, {@code .jsonl}).
   */
  int MAX_EXTENSION = 5;

  /**
   * The secrets in a file's or archive member's name. A name with a final extension
   * ({@code device_code=<code>.txt}, {@code api_secret=<secret>.json}: names a tool wrote from a
   * variable) is read twice, whole and without its extension, and gives what either reading finds,
   * except that a secret the whole name gives that runs into the extension is the one the same
   * rule finds from the same start without it, where there is one: a rule whose values may hold
   * dots took the {@code .txt} too, so the fingerprint, the preview and a validation were of
   * another value. A secret with dots of its own stays whole: a JWT's parts are longer than an
   * extension, and a fixed-shape token whose last characters look like one matches nothing cut
   * short. A name with two ({@code token=<value>.json.gz}) is read without both too. Offsets are
   * the name's; a name without an extension is {@link #findAll} of it.
   */
  default List<Match> findAllInName(byte[] name) {
    int dot = extensionStart(name, name.length);
    if (dot < 0) {
      return findAll(name);
    }
    // two extensions (.json.gz, .tar.gz, .log.1) are cut as one is: the shortest reading first,
    // and a longer one adds only what the same rule does not find from the same start
    int inner = extensionStart(name, dot);
    List<Match> out = new ArrayList<>();
    if (inner >= 0) {
      scan(name, 0, inner, out::add);
    }
    List<Match> once = new ArrayList<>();
    scan(name, 0, dot, once::add);
    addNew(out, once);
    addNew(out, findAll(name));
    return out;
  }

  /** Adds to {@code out} each of {@code more} that no match of its rule in {@code out} starts where it does. */
  private static void addNew(List<Match> out, List<Match> more) {
    int cut = out.size();
    for (Match m : more) {
      boolean same = false;
      for (int i = 0; i < cut && !same; i++) {
        same = out.get(i).rule() == m.rule() && out.get(i).start() == m.start();
      }
      if (!same) {
        out.add(m);
      }
    }
  }

  /**
   * Where the final extension of {@code name[0, end)} starts (its dot): a dot followed by 1 to
   * {@link #MAX_EXTENSION} ASCII letters or digits that end it, with a longer part before the
   * dot; -1 when it has none.
   */
  private static int extensionStart(byte[] name, int end) {
    int k = 0;
    while (k < end && k <= MAX_EXTENSION && isAsciiAlnum(name[end - 1 - k])) {
      k++;
    }
    int dot = end - 1 - k;
    return k >= 1 && k <= MAX_EXTENSION && dot > k + 1 && name[dot] == '.' ? dot : -1;
  }

  private static boolean isAsciiAlnum(byte b) {
    return b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z';
  }

  /** {@code text} (whose bytes are {@code b}) with each of {@code found} replaced by its preview. */
  private static String previewed(String text, byte[] b, List<Match> found) {
    if (found.isEmpty()) {
      return text;
    }
    found = new ArrayList<>(found);
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
