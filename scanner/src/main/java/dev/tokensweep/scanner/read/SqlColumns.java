package dev.tokensweep.scanner.read;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Column names from the {@code CREATE TABLE} text that {@code sqlite_schema} keeps, in record
 * order: declaration order, or for a {@code WITHOUT ROWID} table its primary-key columns first
 * (fileformat2 2.6). Tolerant: what it cannot read gives {@code column<N>} names.
 */
final class SqlColumns {
  private static final int MAX_SQL = 1 << 20;
  private static final List<String> CONSTRAINTS = List.of("constraint", "primary", "unique", "check", "foreign");

  private SqlColumns() {}

  static boolean withoutRowid(String sql) {
    String tail = sql.substring(Math.max(0, sql.lastIndexOf(')') + 1)).toLowerCase(Locale.ROOT);
    return tail.replaceAll("\\s+", " ").contains("without rowid");
  }

  static List<String> of(String sql) {
    List<String> names = new ArrayList<>();
    if (sql == null || sql.length() > MAX_SQL) {
      return names;
    }
    int open = sql.indexOf('(');
    int close = sql.lastIndexOf(')');
    if (open < 0 || close <= open) {
      return names;
    }
    List<String> defs = split(sql.substring(open + 1, close));
    List<String> pk = new ArrayList<>();
    for (String d : defs) {
      List<String> words = words(d);
      if (words.isEmpty()) {
        continue;
      }
      String first = words.get(0);
      if (CONSTRAINTS.contains(first.toLowerCase(Locale.ROOT)) && !quoted(d.strip())) {
        int k = d.toLowerCase(Locale.ROOT).indexOf("primary key");
        if (k >= 0) {
          int o = d.indexOf('(', k);
          int c = d.indexOf(')', o + 1);
          if (o > 0 && c > o) {
            for (String p : split(d.substring(o + 1, c))) {
              List<String> w = words(p);
              if (!w.isEmpty()) {
                pk.add(w.get(0));
              }
            }
          }
        }
        continue;
      }
      names.add(first);
      if (d.toLowerCase(Locale.ROOT).contains("primary key")) {
        pk.add(first);
      }
    }
    if (withoutRowid(sql) && !pk.isEmpty()) {
      List<String> ordered = new ArrayList<>();
      for (String p : pk) {
        for (String n : names) {
          if (n.equalsIgnoreCase(p) && !ordered.contains(n)) {
            ordered.add(n);
          }
        }
      }
      for (String n : names) {
        if (!ordered.contains(n)) {
          ordered.add(n);
        }
      }
      return ordered;
    }
    return names;
  }

  private static boolean quoted(String d) {
    return !d.isEmpty() && "\"`['".indexOf(d.charAt(0)) >= 0;
  }

  /** Splits on commas outside parentheses and quotes. */
  private static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    char quote = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'' || c == '`') {
        quote = c;
      } else if (c == '[') {
        quote = ']';
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        out.add(s.substring(start, i));
        start = i + 1;
      }
    }
    out.add(s.substring(start));
    return out;
  }

  /** The first word of a definition, unquoted; one entry (enough for names). */
  private static List<String> words(String d) {
    String s = d.strip();
    List<String> out = new ArrayList<>();
    if (s.isEmpty()) {
      return out;
    }
    char c = s.charAt(0);
    char end = c == '"' ? '"' : c == '`' ? '`' : c == '[' ? ']' : c == '\'' ? '\'' : 0;
    if (end != 0) {
      int e = s.indexOf(end, 1);
      out.add(e > 0 ? s.substring(1, e) : s.substring(1));
      return out;
    }
    int i = 0;
    while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && s.charAt(i) != '(') {
      i++;
    }
    out.add(s.substring(0, i));
    return out;
  }
}
