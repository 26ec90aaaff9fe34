package dev.tokensweep.detectors;

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

  static final Pattern ID = Pattern.compile("^[a-z][a-z0-9-]*\\.[a-z0-9][a-z0-9-]*\\.[0-9]+$");

  /** One problem with one rule. */
  public record Problem(String ruleId, String message) {
    @Override
    public String toString() {
      return ruleId + ": " + message;
    }
  }

  /** Lints {@code rules} as one catalogue. An empty list means every rule passed. */
  public static List<Problem> lint(List<Rule> rules) {
    List<Problem> problems = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    List<Rule> compiled = new ArrayList<>();
    for (Rule r : rules) {
      String id = r.id() == null ? "(no id)" : r.id();
      if (!ids.add(id)) {
        problems.add(new Problem(id, "duplicate id"));
      }
      if (!ID.matcher(id).matches()) {
        problems.add(new Problem(id, "id must look like ts.<provider>.<n> (lower case)"));
      }
      if (r.keywords().isEmpty()) {
        problems.add(new Problem(id, "no keywords: the prefilter would never select this rule"));
      }
      for (String k : r.keywords()) {
        if (k.length() < 3) {
          problems.add(new Problem(id, "keyword '" + k + "' is shorter than 3 bytes and would hit everywhere"));
        }
      }
      for (String v : r.validate()) {
        if (!Validators.exists(v)) {
          problems.add(new Problem(id, "unknown validator '" + v + "'; known: " + Validators.names()));
        }
      }
      Pattern p;
      try {
        p = Detector.compile(r);
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(id, e.getMessage()));
        continue;
      }
      if (p.groupCount() < 1) {
        problems.add(new Problem(id, "pattern has no capture group 1 for the secret"));
        continue;
      }
      String groups = groupProblem(p);
      if (groups != null) {
        problems.add(new Problem(id, groups));
        continue;
      }
      if (r.examples().isEmpty()) {
        problems.add(new Problem(id, "no examples"));
      }
      if (r.negativeExamples().isEmpty()) {
        problems.add(new Problem(id, "no negative examples"));
      }
      compiled.add(r);
    }
    if (!problems.isEmpty() && compiled.isEmpty()) {
      return problems;
    }
    for (Rule r : compiled) {
      for (int i = 0; i < r.examples().size(); i++) {
        String problem = checkExample(r, i);
        if (problem != null) {
          problems.add(new Problem(r.id(), problem));
        }
      }
      for (int i = 0; i < r.negativeExamples().size(); i++) {
        String problem = checkNegative(r, i);
        if (problem != null) {
          problems.add(new Problem(r.id(), problem));
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
      if (!name.equals(Detector.SECRET_GROUP)) {
        others++;
      }
    }
    if (others > 1) {
      return "pattern names " + others + " identifier groups " + named.keySet() + "; a rule captures at most one";
    }
    if (others == 1 && !named.containsKey(Detector.SECRET_GROUP) && Detector.identifierGroup(p) < 0) {
      return "pattern's identifier group is group 1, where the secret belongs: name the secret's group (?P<secret>...)";
    }
    return null;
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
      return "example " + (i + 1) + " contains none of the keywords " + rule.keywords();
    }
    Pattern p = Detector.compile(rule);
    int g = Detector.secretGroup(p);
    Matcher m = p.matcher(ex);
    if (!m.find()) {
      return "example " + (i + 1) + " does not match the pattern";
    }
    if (m.start(g) < 0 || m.end(g) <= m.start(g)) {
      return "example " + (i + 1) + " matches but group " + g + " (the secret) is empty";
    }
    List<Match> found = new Detector(List.of(rule)).findAll(ex.getBytes(StandardCharsets.UTF_8));
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
    List<Match> found = new Detector(List.of(rule)).findAll(ex.getBytes(StandardCharsets.UTF_8));
    return found.isEmpty() ? null : "negative example " + (i + 1) + " is reported as a finding";
  }
}
