package dev.tokensweep.detectors.engine;

import dev.tokensweep.detectors.check.Entropy;
import dev.tokensweep.detectors.check.Placeholders;
import dev.tokensweep.detectors.check.Validators;
import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.YamlLines;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The checks every rule must pass, built-in or custom: well-formed unique ids, a pattern that
 * compiles in re2j with the secret in group 1, keywords in every example, examples that the whole
 * detector finds and negative examples that it does not. Problems never quote a secret.
 */
public final class RuleLinter {
  private RuleLinter() {}

  /** Shorter keywords are refused: two bytes occur everywhere, and every hit costs a regex window. */
  static final int MIN_KEYWORD_CHARS = 3;

  static final Pattern ID = Pattern.compile("^[a-z][a-z0-9-]*\\.[a-z0-9][a-z0-9-]*\\.[0-9]+$");

  /**
   * One problem with one rule. Messages name fields and positions, never values: a rule file's
   * values (an example, a keyword, a bad pattern) may hold the very secret it is written for.
   *
   * @param index the rule's position in the list linted (0-based)
   * @param field the rule's field the problem is about ({@code pattern}, {@code examples/1}), or null
   */
  public record Problem(String ruleId, String message, int index, String field) {
    /** The rule as a message may name it: its id when that is a well-formed id, else its position. */
    public String rule() {
      return ruleId != null && ID.matcher(ruleId).matches() ? ruleId : "rule " + (index + 1);
    }

    /** JSON pointer of the field within the list that was linted: {@code /3/pattern}. */
    public String pointer() {
      return "/" + index + (field == null ? "" : "/" + field);
    }

    @Override
    public String toString() {
      return rule() + ": " + (field == null ? "" : field + ": ") + message;
    }
  }

  /**
   * Lints a user's rules as {@code name}: one line per problem, {@code name:line: rule: field:
   * problem}, quoting no value; an id already taken by {@code taken} (the built-in rules) is one.
   */
  public static List<String> lint(String yaml, List<Rule> rules, String name, java.util.Set<String> taken) {
    YamlLines lines = YamlLines.of(yaml);
    List<Problem> problems = new ArrayList<>(lint(rules));
    for (int i = 0; i < rules.size(); i++) {
      if (taken.contains(rules.get(i).id())) {
        problems.add(new Problem(rules.get(i).id(), "id is taken by a built-in rule", i, "id"));
      }
    }
    List<String> out = new ArrayList<>();
    for (Problem p : problems) {
      out.add(name + ":" + lines.line(p.pointer()) + ": " + p);
    }
    return out;
  }

  /** Lints {@code rules} as one catalogue. An empty list means every rule passed. */
  public static List<Problem> lint(List<Rule> rules) {
    List<Problem> problems = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    List<Rule> compiled = new ArrayList<>();
    List<Integer> compiledAt = new ArrayList<>();
    for (int at = 0; at < rules.size(); at++) {
      Rule r = rules.get(at);
      String id = r.id() == null ? "(no id)" : r.id();
      if (!ids.add(id)) {
        problems.add(new Problem(id, "duplicate id", at, "id"));
      }
      if (!ID.matcher(id).matches()) {
        problems.add(new Problem(id, "id must look like ts.<provider>.<n> (lower case)", at, "id"));
      }
      if (r.keywords().isEmpty()) {
        problems.add(new Problem(id, "no keywords: the prefilter would never select this rule", at, "keywords"));
      }
      for (int k = 0; k < r.keywords().size(); k++) {
        if (r.keywords().get(k).length() < MIN_KEYWORD_CHARS) {
          problems.add(new Problem(id, "shorter than " + MIN_KEYWORD_CHARS + " bytes: it would hit everywhere", at,
              "keywords/" + k));
        }
      }
      for (int v = 0; v < r.validate().size(); v++) {
        if (!Validators.exists(r.validate().get(v))) {
          problems.add(new Problem(id, "unknown validator; known: " + Validators.names(), at, "validate/" + v));
        }
      }
      Pattern p;
      try {
        p = KeywordDetector.compile(r);
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(id, e.getMessage(), at, "pattern"));
        continue;
      }
      if (p.groupCount() < 1) {
        problems.add(new Problem(id, "no capture group 1 for the secret", at, "pattern"));
        continue;
      }
      String groups = groupProblem(p);
      if (groups != null) {
        problems.add(new Problem(id, groups, at, "pattern"));
        continue;
      }
      if (r.examples().isEmpty()) {
        problems.add(new Problem(id, "no examples", at, null));
      }
      if (r.negativeExamples().isEmpty()) {
        problems.add(new Problem(id, "no negative examples", at, null));
      }
      compiled.add(r);
      compiledAt.add(at);
    }
    if (!problems.isEmpty() && compiled.isEmpty()) {
      return problems;
    }
    for (int c = 0; c < compiled.size(); c++) {
      Rule r = compiled.get(c);
      for (int i = 0; i < r.examples().size(); i++) {
        String problem = checkExample(r, i);
        if (problem != null) {
          problems.add(new Problem(r.id(), problem, compiledAt.get(c), "examples/" + i));
        }
      }
      for (int i = 0; i < r.negativeExamples().size(); i++) {
        String problem = checkNegative(r, i);
        if (problem != null) {
          problems.add(new Problem(r.id(), problem, compiledAt.get(c), "negative_examples/" + i));
        }
      }
    }
    return problems;
  }

  /**
   * Why the named groups of {@code p} are wrong, or null: a rule may name one group other than
   * {@code secret}, the identifier that says what the secret belongs to; when it is group 1, the
   * secret must be named {@code secret} (group 1 would be the identifier otherwise).
   */
  static String groupProblem(Pattern p) {
    java.util.Map<String, Integer> named = p.namedGroups();
    int others = 0;
    for (String name : named.keySet()) {
      if (!name.equals(KeywordDetector.SECRET_GROUP)) {
        others++;
      }
    }
    if (others > 1) {
      List<String> shown = new ArrayList<>();
      for (java.util.Map.Entry<String, Integer> e : new java.util.TreeMap<>(named).entrySet()) {
        shown.add(quotable(e.getKey()) ? e.getKey() : "group " + e.getValue());
      }
      return "pattern names " + others + " identifier groups " + shown + "; a rule captures at most one";
    }
    if (others == 1 && !named.containsKey(KeywordDetector.SECRET_GROUP) && KeywordDetector.identifierGroup(p) < 0) {
      return "pattern's identifier group is group 1, where the secret belongs: name the secret's group (?P<secret>...)";
    }
    return null;
  }

  /**
   * Whether a name from the user's rule (a group's) may be quoted: lower case letters and
   * underscores, as the names rules use ({@code key_id}, {@code user}); anything else may be a
   * secret pasted into the pattern, and is named by its number instead.
   */
  static boolean quotable(String name) {
    return name.length() <= 32 && name.matches("[a-z_]+");
  }

  /** Why example {@code i} of {@code rule} fails, or null when the detector finds it. */
  public static String checkExample(Rule rule, int i) {
    String ex = rule.examples().get(i);
    String lower = ex.toLowerCase(Locale.ROOT);
    boolean hasKeyword = false;
    for (String k : rule.keywords()) {
      hasKeyword |= lower.contains(k.toLowerCase(Locale.ROOT));
    }
    if (!hasKeyword) {
      return "example " + (i + 1) + " contains none of the rule's keywords";
    }
    Pattern p = KeywordDetector.compile(rule);
    int g = KeywordDetector.secretGroup(p);
    Matcher m = p.matcher(ex);
    if (!m.find()) {
      return "example " + (i + 1) + " does not match the pattern";
    }
    if (m.start(g) < 0 || m.end(g) <= m.start(g)) {
      return "example " + (i + 1) + " matches but group " + g + " (the secret) is empty";
    }
    List<Match> found;
    try {
      found = new KeywordDetector(List.of(rule)).findAll(ex.getBytes(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return "example " + (i + 1) + " cannot be checked: the rule does not build into a detector";
    }
    if (found.isEmpty()) {
      byte[] secret = m.group(g).getBytes(StandardCharsets.UTF_8);
      if (Placeholders.isPlaceholder(secret)) {
        return "example " + (i + 1) + " matches but its secret reads as a placeholder or mask";
      }
      if (rule.entropyFloor() > 0 && Entropy.shannon(secret) < rule.entropyFloor()) {
        return "example " + (i + 1) + " matches but its secret's entropy " + String.format(Locale.ROOT, "%.2f",
            Entropy.shannon(secret)) + " is below min_entropy " + rule.entropyFloor();
      }
      for (String v : rule.validate()) {
        if (!Validators.check(v, secret)) {
          return "example " + (i + 1) + " matches but fails validator " + v;
        }
      }
      return "example " + (i + 1) + " matches the pattern but the detector does not find it (window too small?)";
    }
    return null;
  }

  /** Why negative example {@code i} of {@code rule} fails, or null when the detector ignores it. */
  public static String checkNegative(Rule rule, int i) {
    String ex = rule.negativeExamples().get(i);
    if (rule.keywords().isEmpty()) {
      return null; // "no keywords" is reported already, and no detector can be built (found by fuzzing)
    }
    List<Match> found;
    try {
      found = new KeywordDetector(List.of(rule)).findAll(ex.getBytes(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return "negative example " + (i + 1) + " cannot be checked: the rule does not build into a detector";
    }
    return found.isEmpty() ? null : "negative example " + (i + 1) + " is reported as a finding";
  }
}
