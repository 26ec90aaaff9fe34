package dev.tokensweep.detectors.rule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the one-line-per-value YAML the built-in rule files are written in, without a YAML
 * library: rules are {@code - key: value} at column 0 then {@code key: value} at two spaces; a
 * value is a plain, single- or double-quoted scalar, a flow list {@code [a, 'b']}, or nothing with
 * {@code - item} lines at four spaces below it. A cold JVM spends about 0.1 s interpreting
 * SnakeYAML's scanner over the catalogue; this is a few milliseconds.
 *
 * <p>Anything else (block scalars, anchors, values over several lines, unknown escapes, tabs)
 * throws {@link Unsupported}, and {@link CatalogueReader} reads that file with the YAML parser
 * instead. So a rule file written in any YAML still loads; it only loads slower.
 */
final class LineRuleReader {
  private LineRuleReader() {}

  /** The file uses YAML this reader does not handle; the message says where. */
  static final class Unsupported extends Exception {
    Unsupported(int line, String what) {
      super("line " + line + ": " + what, null, false, false);
    }
  }

  /** The rules in {@code text}; semantic problems (unknown key, missing key) are Unsupported too. */
  static List<Rule> read(String text) throws Unsupported {
    List<Rule> rules = new ArrayList<>();
    Fields rule = null;
    List<String> block = null;
    int lineNr = 0;
    int pos = 0;
    int n = text.length();
    while (pos < n) {
      int end = text.indexOf('\n', pos);
      if (end < 0) {
        end = n;
      }
      String line = text.substring(pos, end > pos && text.charAt(end - 1) == '\r' ? end - 1 : end);
      pos = end + 1;
      lineNr++;
      if (line.indexOf('\t') >= 0) {
        throw new Unsupported(lineNr, "tab");
      }
      String stripped = line.strip();
      if (stripped.isEmpty() || stripped.startsWith("#")) {
        continue;
      }
      if (line.startsWith("    - ") && block != null) {
        block.add(scalar(line, 6, lineNr));
        continue;
      }
      block = null;
      int keyAt;
      if (line.startsWith("- ")) {
        if (rule != null) {
          rules.add(rule.toRule(lineNr));
        }
        rule = new Fields();
        keyAt = 2;
      } else if (line.startsWith("  ") && line.charAt(2) != ' ' && rule != null) {
        keyAt = 2;
      } else {
        throw new Unsupported(lineNr, "not a rule key");
      }
      int colon = line.indexOf(':', keyAt);
      if (colon < 0) {
        throw new Unsupported(lineNr, "no key");
      }
      String key = line.substring(keyAt, colon);
      for (int i = 0; i < key.length(); i++) {
        char c = key.charAt(i);
        if (!(c >= 'a' && c <= 'z' || c == '_')) {
          throw new Unsupported(lineNr, "key");
        }
      }
      String rest = line.substring(colon + 1);
      if (rest.isBlank()) {
        block = new ArrayList<>();
        rule.set(key, block, lineNr);
      } else if (rest.charAt(0) != ' ') {
        throw new Unsupported(lineNr, "key");
      } else {
        rule.set(key, value(line, colon + 2, lineNr), lineNr);
      }
    }
    if (rule != null) {
      rules.add(rule.toRule(lineNr));
    }
    return rules;
  }

  /** A scalar or a flow list of scalars starting at {@code at}, with nothing but a comment after it. */
  private static Object value(String line, int at, int lineNr) throws Unsupported {
    while (at < line.length() && line.charAt(at) == ' ') {
      at++;
    }
    if (at < line.length() && line.charAt(at) == '[') {
      List<String> items = new ArrayList<>();
      int[] next = {at + 1};
      skipSpaces(line, next);
      if (next[0] < line.length() && line.charAt(next[0]) == ']') {
        next[0]++;
      } else {
        while (true) {
          items.add(flowItem(line, next, lineNr));
          skipSpaces(line, next);
          if (next[0] >= line.length()) {
            throw new Unsupported(lineNr, "flow list over several lines");
          }
          char c = line.charAt(next[0]++);
          if (c == ']') {
            break;
          }
          if (c != ',') {
            throw new Unsupported(lineNr, "flow list");
          }
          skipSpaces(line, next);
        }
      }
      requireEnd(line, next[0], lineNr);
      return items;
    }
    return scalar(line, at, lineNr);
  }

  /** A whole-line scalar: quoted, or plain up to a comment. {@code null} for {@code ~} and {@code null}. */
  private static String scalar(String line, int at, int lineNr) throws Unsupported {
    if (at >= line.length()) {
      throw new Unsupported(lineNr, "empty value");
    }
    char c = line.charAt(at);
    if (c == '\'' || c == '"') {
      int[] next = {at};
      String s = quoted(line, next, lineNr);
      requireEnd(line, next[0], lineNr);
      return s;
    }
    if (indicator(line, at)) {
      throw new Unsupported(lineNr, "indicator at the start of a plain scalar");
    }
    int end = line.indexOf(" #", at);
    String s = (end < 0 ? line.substring(at) : line.substring(at, end)).strip();
    if (s.contains(": ") || s.endsWith(":")) {
      throw new Unsupported(lineNr, "':' in a plain scalar");
    }
    return s.equals("~") || s.equals("null") || s.equals("Null") || s.equals("NULL") ? null : s;
  }

  private static String flowItem(String line, int[] next, int lineNr) throws Unsupported {
    int at = next[0];
    if (at >= line.length()) {
      throw new Unsupported(lineNr, "flow list over several lines");
    }
    char c = line.charAt(at);
    if (c == '\'' || c == '"') {
      return quoted(line, next, lineNr);
    }
    if (indicator(line, at)) {
      throw new Unsupported(lineNr, "indicator in a flow list");
    }
    int end = at;
    while (end < line.length() && ",[]{}#:".indexOf(line.charAt(end)) < 0) {
      end++;
    }
    next[0] = end;
    String s = line.substring(at, end).strip();
    if (s.equals("~") || s.equalsIgnoreCase("null")) {
      throw new Unsupported(lineNr, "null in a list");
    }
    return s;
  }

  /** Whether a plain scalar cannot start at {@code at}; {@code -x} can, {@code - x} cannot. */
  private static boolean indicator(String line, int at) {
    char c = line.charAt(at);
    if (c == '-') {
      return at + 1 >= line.length() || " ,[]{}#".indexOf(line.charAt(at + 1)) >= 0;
    }
    return "[]{}&*!|>%@`#,?:'\"".indexOf(c) >= 0;
  }

  /**
   * A quoted scalar from {@code next[0]} (its opening quote); leaves {@code next[0]} after the
   * closing one. Copies the spans between quotes and escapes in bulk: a cold JVM interprets a
   * per-character loop, and the catalogue's examples (PEM blocks among them) are most of its text.
   */
  private static String quoted(String line, int[] next, int lineNr) throws Unsupported {
    char q = line.charAt(next[0]);
    int i = next[0] + 1;
    StringBuilder b = null;
    if (q == '\'') {
      while (true) {
        int close = line.indexOf('\'', i);
        if (close < 0) {
          throw new Unsupported(lineNr, "quoted scalar over several lines");
        }
        if (close + 1 < line.length() && line.charAt(close + 1) == '\'') {
          b = (b == null ? new StringBuilder() : b).append(line, i, close + 1); // '' is one quote
          i = close + 2;
          continue;
        }
        next[0] = close + 1;
        return b == null ? line.substring(i, close) : b.append(line, i, close).toString();
      }
    }
    while (true) {
      int close = line.indexOf('"', i);
      int esc = line.indexOf('\\', i);
      if (close < 0 && esc < 0) {
        throw new Unsupported(lineNr, "quoted scalar over several lines");
      }
      if (esc < 0 || (close >= 0 && close < esc)) {
        next[0] = close + 1;
        return b == null ? line.substring(i, close) : b.append(line, i, close).toString();
      }
      b = (b == null ? new StringBuilder() : b).append(line, i, esc);
      i = esc + 1;
      if (i >= line.length()) {
        throw new Unsupported(lineNr, "escaped line break");
      }
      char e = line.charAt(i++);
      switch (e) {
        case '\\', '"' -> b.append(e);
        case 'n' -> b.append('\n');
        case 't' -> b.append('\t');
        case 'r' -> b.append('\r');
        case 'e' -> b.append('\u001b');
        case '0' -> b.append('\0');
        case 'x', 'u' -> {
          int len = e == 'x' ? 2 : 4;
          if (i + len > line.length()) {
            throw new Unsupported(lineNr, "short escape");
          }
          int v = 0;
          for (int k = 0; k < len; k++) {
            int d = Character.digit(line.charAt(i + k), 16);
            if (d < 0) {
              throw new Unsupported(lineNr, "bad escape");
            }
            v = v * 16 + d;
          }
          if (Character.isSurrogate((char) v)) {
            throw new Unsupported(lineNr, "surrogate escape");
          }
          b.append((char) v);
          i += len;
        }
        default -> throw new Unsupported(lineNr, "escape \\" + e);
      }
    }
  }

  private static void skipSpaces(String line, int[] next) {
    while (next[0] < line.length() && line.charAt(next[0]) == ' ') {
      next[0]++;
    }
  }

  private static void requireEnd(String line, int at, int lineNr) throws Unsupported {
    int i = at;
    while (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    if (i < line.length() && !(line.charAt(i) == '#' && i > at)) {
      throw new Unsupported(lineNr, "text after a value");
    }
  }

  /** One rule's values as read; {@link #toRule} types and checks them. */
  private static final class Fields {
    private final Map<String, Object> values = new HashMap<>();

    void set(String key, Object value, int lineNr) throws Unsupported {
      if (values.containsKey(key)) {
        throw new Unsupported(lineNr, "key given twice");
      }
      values.put(key, value);
    }

    Rule toRule(int lineNr) throws Unsupported {
      Rule r = new Rule(string("id", true, lineNr), string("name", true, lineNr), kind(lineNr),
          list("keywords", true, lineNr), string("pattern", true, lineNr), list("validate", false, lineNr),
          number("min_entropy", lineNr), severity(lineNr), string("prefix", false, lineNr),
          list("examples", false, lineNr), list("negative_examples", false, lineNr),
          list("references", false, lineNr), string("description", false, lineNr),
          integer("max_before", lineNr), integer("max_length", lineNr));
      if (!values.isEmpty()) {
        throw new Unsupported(lineNr, "unknown key " + values.keySet());
      }
      return r;
    }

    private String string(String key, boolean required, int lineNr) throws Unsupported {
      Object v = values.remove(key);
      if (v instanceof List || (v == null && required)) {
        throw new Unsupported(lineNr, key);
      }
      return (String) v;
    }

    @SuppressWarnings("unchecked")
    private List<String> list(String key, boolean required, int lineNr) throws Unsupported {
      Object v = values.remove(key);
      if (v instanceof String || (v == null && required)) {
        throw new Unsupported(lineNr, key);
      }
      return (List<String>) v;
    }

    private Kind kind(int lineNr) throws Unsupported {
      String s = string("kind", true, lineNr);
      for (Kind k : Kind.values()) {
        if (k.id().equals(s)) {
          return k;
        }
      }
      throw new Unsupported(lineNr, "kind");
    }

    private Severity severity(int lineNr) throws Unsupported {
      String s = string("severity", true, lineNr);
      for (Severity v : Severity.values()) {
        if (v.id().equalsIgnoreCase(s)) {
          return v;
        }
      }
      throw new Unsupported(lineNr, "severity");
    }

    private Double number(String key, int lineNr) throws Unsupported {
      String s = string(key, false, lineNr);
      if (s == null) {
        return null;
      }
      if (!s.matches("[0-9]{1,9}(\\.[0-9]{1,9})?")) {
        throw new Unsupported(lineNr, key);
      }
      return Double.valueOf(s);
    }

    private Integer integer(String key, int lineNr) throws Unsupported {
      String s = string(key, false, lineNr);
      if (s == null) {
        return null;
      }
      if (!s.matches("[1-9][0-9]{0,8}|0")) {
        throw new Unsupported(lineNr, key);
      }
      return Integer.valueOf(s);
    }
  }
}
