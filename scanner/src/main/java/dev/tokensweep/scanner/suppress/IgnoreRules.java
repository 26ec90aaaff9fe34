package dev.tokensweep.scanner.suppress;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Path patterns in gitignore syntax, matched against paths relative to a root: blank lines and
 * {@code #} comments are skipped; {@code !} re-includes; a trailing {@code /} matches directories
 * only; a pattern with a {@code /} elsewhere is anchored at the root, one without matches at any
 * depth; {@code *} and {@code ?} stop at {@code /}, {@code **} crosses it, {@code [a-z]} is a class;
 * {@code \} escapes. The last pattern that matches wins, and as in git a file cannot be re-included
 * when a directory above it is ignored. Immutable and thread-safe.
 *
 * <p>Patterns are translated to regular expressions run by RE2/J, which matches in time linear in
 * the path: the rules may come from a {@code .tokensweepignore} planted in the scanned tree, and a
 * backtracking engine would let a pattern like {@code *a*a*a*a*b} stall a scan for hours.
 */
public final class IgnoreRules {

  /** The name of the ignore file looked for in a scanned directory. */
  public static final String FILE_NAME = ".tokensweepignore";

  /** A pattern that cannot be used; the message is {@code file:line: bad pattern (reason)}, never the pattern. */
  public static final class BadPatternException extends Exception {
    public BadPatternException(String message) {
      super(message);
    }
  }

  private record Rule(Pattern regex, boolean negate, boolean dirOnly, String source) {}

  private final List<Rule> rules;

  private IgnoreRules(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  public static final IgnoreRules EMPTY = new IgnoreRules(List.of());

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** Parses gitignore text; {@code name} is for error messages. */
  public static IgnoreRules parse(String text, String name) throws BadPatternException {
    return parse(text, name, 1);
  }

  /**
   * Parses gitignore text whose first line is line {@code firstLine} of {@code name} (a list item in
   * a configuration file); {@code name} and the line are for error messages.
   */
  public static IgnoreRules parse(String text, String name, int firstLine) throws BadPatternException {
    List<Rule> rules = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = stripTrailingSpaces(lines[i]);
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      boolean negate = false;
      if (line.startsWith("!")) {
        negate = true;
        line = line.substring(1);
      } else if (line.startsWith("\\!") || line.startsWith("\\#")) {
        line = line.substring(1);
      }
      boolean dirOnly = false;
      if (line.endsWith("/") && !line.endsWith("\\/")) {
        dirOnly = true;
        line = line.substring(0, line.length() - 1);
      }
      if (line.isEmpty()) {
        continue;
      }
      boolean anchored = line.indexOf('/') >= 0;
      if (line.startsWith("/")) {
        line = line.substring(1);
      }
      String where = name + ":" + (firstLine + i);
      Pattern regex;
      try {
        regex = Pattern.compile(toRegex(line, anchored));
      } catch (PatternSyntaxException e) {
        // the description only ("invalid character class range"): the message quotes the pattern,
        // and a line in an ignore file may be a pasted secret
        throw new BadPatternException(where + ": bad pattern (" + e.getDescription() + ")");
      }
      rules.add(new Rule(regex, negate, dirOnly, where));
    }
    return new IgnoreRules(rules);
  }

  /** Ignore files larger than this are refused: one is written by hand. */
  public static final int MAX_FILE_BYTES = 1 << 20;

  public static IgnoreRules load(Path file) throws IOException, BadPatternException {
    byte[] b = dev.tokensweep.scanner.config.SmallFiles.read(file, MAX_FILE_BYTES, "ignore file");
    return parse(new String(b, StandardCharsets.UTF_8), file.toString());
  }

  /** These rules followed by {@code later} (which win where both match). */
  public IgnoreRules and(IgnoreRules later) {
    return all(List.of(this, later));
  }

  /** The rules of each of {@code parts}, in order: one copy, where a fold of {@link #and} copies each part's predecessors again. */
  public static IgnoreRules all(List<IgnoreRules> parts) {
    List<Rule> all = new ArrayList<>();
    for (IgnoreRules p : parts) {
      all.addAll(p.rules);
    }
    return new IgnoreRules(all);
  }

  /**
   * Whether the file at {@code relative} (to the root, {@code /}-separated) is ignored: a
   * directory above it is ignored, or the last pattern matching the file itself excludes it.
   */
  public boolean ignored(String relative) {
    if (rules.isEmpty()) {
      return false;
    }
    String[] parts = relative.split("/");
    StringBuilder prefix = new StringBuilder();
    for (int i = 0; i < parts.length - 1; i++) {
      if (i > 0) {
        prefix.append('/');
      }
      prefix.append(parts[i]);
      if (decide(prefix.toString(), true)) {
        return true;
      }
    }
    return decide(relative, false);
  }

  private boolean decide(String path, boolean isDir) {
    boolean ignored = false;
    for (Rule r : rules) {
      if (r.dirOnly() && !isDir) {
        continue;
      }
      if (r.regex().matcher(path).matches()) {
        ignored = !r.negate();
      }
    }
    return ignored;
  }

  private static String stripTrailingSpaces(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == ' ' && !(end > 1 && s.charAt(end - 2) == '\\')) {
      end--;
    }
    return s.substring(0, end);
  }

  /**
   * Translates one pattern (without its leading {@code /}, trailing {@code /} or {@code !}) to an
   * RE2 regular expression; literal characters are quoted with {@link Pattern#quote}.
   */
  static String toRegex(String glob, boolean anchored) {
    StringBuilder b = new StringBuilder();
    if (!anchored) {
      b.append("(?:.*/)?");
    }
    int n = glob.length();
    for (int i = 0; i < n; i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        boolean dbl = i + 1 < n && glob.charAt(i + 1) == '*';
        boolean atSegStart = i == 0 || glob.charAt(i - 1) == '/';
        if (dbl && atSegStart && (i + 2 == n || glob.charAt(i + 2) == '/')) {
          if (i + 2 == n) {
            b.append(".*");            // trailing "/**": everything inside
            i += 1;
          } else {
            b.append("(?:.*/)?");      // leading or middle "**/": zero or more directories
            i += 2;
          }
        } else if (dbl) {
          b.append("[^/]*");           // "**" inside a name acts like "*"
          i += 1;
        } else {
          b.append("[^/]*");
        }
      } else if (c == '?') {
        b.append("[^/]");
      } else if (c == '[') {
        int close = glob.indexOf(']', i + 2);
        if (close < 0) {
          b.append("\\[");
        } else {
          String cls = glob.substring(i + 1, close);
          if (cls.startsWith("!")) {
            cls = "^" + cls.substring(1);
          }
          b.append('[').append(cls.replace("\\", "\\\\").replace("[", "\\[")).append(']');
          i = close;
        }
      } else if (c == '\\' && i + 1 < n) {
        b.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
      } else {
        b.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return b.toString();
  }
}
