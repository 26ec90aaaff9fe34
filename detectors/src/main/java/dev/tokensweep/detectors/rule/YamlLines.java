package dev.tokensweep.detectors.rule;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each key and list item of a YAML document is, so that an error can name its line
 * without quoting the value (which may be a secret). Paths are JSON pointers: {@code /rules/3/pattern},
 * {@code /0/id}, {@code /severity} and so on; a list item's own path is its first line.
 */
public final class YamlLines {
  private final Map<String, Integer> lines;

  private YamlLines(Map<String, Integer> lines) {
    this.lines = lines;
  }

  /** Indexes {@code yaml}; a document that does not parse gives whatever was read before the error. */
  public static YamlLines of(String yaml) {
    Map<String, Integer> lines = new HashMap<>();
    Deque<Frame> open = new ArrayDeque<>();
    try (JsonParser p = new YAMLFactory().createParser(yaml)) {
      String field = null;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          open.pop();
          continue;
        }
        if (t == JsonToken.FIELD_NAME) {
          field = escape(p.currentName());
          continue;
        }
        Frame top = open.peek();
        String name = top == null ? null : top.array ? Integer.toString(top.next++) : field;
        String pointer = top == null ? "" : top.pointer + "/" + name;
        if (top != null) {
          lines.putIfAbsent(pointer, p.currentTokenLocation().getLineNr());
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          open.push(new Frame(pointer, t == JsonToken.START_ARRAY));
        }
      }
    } catch (IOException | RuntimeException e) {
      // a syntax error is reported by the parse that reads values; lines are only a help
    }
    return new YamlLines(lines);
  }

  private static final class Frame {
    final String pointer;
    final boolean array;
    int next;

    Frame(String pointer, boolean array) {
      this.pointer = pointer;
      this.array = array;
    }
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  /** The line of {@code pointer}, else of its closest ancestor that has one, else 1. */
  public int line(String pointer) {
    String p = pointer;
    while (!p.isEmpty()) {
      Integer l = lines.get(p);
      if (l != null) {
        return l;
      }
      p = p.substring(0, p.lastIndexOf('/'));
    }
    return 1;
  }

  /**
   * A parse or mapping error as {@code name:line: what}, naming the field and never quoting a
   * value: Jackson's and SnakeYAML's messages quote the text they choke on, which in a rules or
   * configuration file may be a secret. Keys are quoted only when they look like identifiers.
   */
  public String describe(com.fasterxml.jackson.core.JsonProcessingException e, String name) {
    StringBuilder path = new StringBuilder();
    String field = null;
    if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
      for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : m.getPath()) {
        if (r.getFieldName() != null) {
          field = r.getFieldName();
          path.append('/').append(escape(field));
        } else if (r.getIndex() >= 0) {
          path.append('/').append(r.getIndex());
        }
      }
    }
    int line = path.length() > 0 ? line(path.toString())
        : e.getLocation() != null && e.getLocation().getLineNr() > 0 ? e.getLocation().getLineNr() : 1;
    String what;
    if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
      what = "unknown key" + (typo(u.getPropertyName(), u.getKnownPropertyIds()) ? " '" + u.getPropertyName() + "'" : "")
          + " (known: "
          + String.join(", ", u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList()) + ")";
    } else if (e instanceof com.fasterxml.jackson.databind.JsonMappingException) {
      what = field != null && identifier(field) ? "invalid value for '" + field + "'" : "invalid value";
    } else {
      what = "not valid YAML";
    }
    return name + ":" + line + ": " + what;
  }

  /**
   * Whether an unknown key is a known one mistyped ({@code sevrity}, {@code fromat}), and so safe
   * to quote: plain, and within {@value #MAX_TYPO_EDITS} edits of a known key. Anything further may
   * be a value pasted where a key belongs, a secret among them (a fuzzer found a 26-character piece
   * of a token that passed as a plain key).
   */
  public static boolean typo(String key, java.util.Collection<?> known) {
    if (!identifier(key)) {
      return false;
    }
    for (Object o : known) {
      String k = String.valueOf(o);
      if (Math.abs(k.length() - key.length()) <= MAX_TYPO_EDITS && edits(k, key) <= MAX_TYPO_EDITS) {
        return true;
      }
    }
    return false;
  }

  /** Edits (insert, delete, replace) within which an unknown key still reads as a typo of a known one. */
  static final int MAX_TYPO_EDITS = 2;

  /** Levenshtein distance; both strings are short keys. */
  private static int edits(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** The longest key an error quotes: rule and configuration keys are under 20 characters, most secrets are longer. */
  static final int MAX_QUOTED_KEY_LENGTH = 32;

  /**
   * A key short and plain enough to quote: a field name, never a value pasted in its place. Every
   * key of a rule or configuration file is lower case letters and underscores; a key with a digit
   * or a capital may be a secret no rule recognizes without its context (an API key's 32 hex
   * digits as a key of {@code severity:}), and the detector's scrub of the message would not hide it.
   */
  static boolean identifier(String key) {
    return key != null && key.length() <= MAX_QUOTED_KEY_LENGTH && key.matches("[a-z_][a-z_]*");
  }
}
