package dev.tokensweep.scanner.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.scanner.model.ScanLimits;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigTest {

  static final String GOOD = """
      version: 1
      format: sarif
      disable: [ts.github.4]
      severity:
        ts.github.1: critical
      limits:
        max_depth: 3
      ignore: ["*.bak"]
      rules:
        - id: acme.internal.1
          name: ACME internal token
          kind: api_key
          keywords: [acme_]
          pattern: '\\b(acme_[a-z0-9]{32})\\b'
          severity: high
          examples: ['ACME_TOKEN=acme_0123456789abcdefghijklmnopqrstuv']
          negative_examples: ['ACME_TOKEN=acme_short']
      """;

  @Test
  void rules_readByTheRuleFilesOwnReader_sameRulesAndSameErrors() throws Exception {
    String rule = GOOD.substring(GOOD.indexOf("rules:\n") + "rules:\n".length());
    String asFile = rule.stripIndent();
    assertEquals(Rules.parse(asFile, "custom.yml").get(0), Config.parse(GOOD, "tokensweep.yaml").rules(Rules.builtin()).get(0));

    // a key given twice is an error of the rule reader, at its line in the configuration file, and a
    // token pasted as an unknown key is not quoted back
    String token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
    String twice = GOOD.replace("    severity: high\n", "    severity: high\n    severity: low\n");
    Config.ConfigException e = assertThrows(Config.ConfigException.class, () -> Config.parse(twice, "tokensweep.yaml"));
    assertTrue(e.getMessage().startsWith("tokensweep.yaml:16: "), e.getMessage());
    assertTrue(e.getMessage().contains("given twice"), e.getMessage());
    String pasted = GOOD.replace("    severity: high\n", "    " + token + ": x\n");
    e = assertThrows(Config.ConfigException.class, () -> Config.parse(pasted, "tokensweep.yaml"));
    assertTrue(e.getMessage().startsWith("tokensweep.yaml:15: unknown key"), e.getMessage());
    assertFalse(e.getMessage().contains(token.substring(4, 20)), "the pasted token is not echoed");
  }

  @Test
  void parse_fullFile_appliesRulesLimitsAndFormat() throws Exception {
    Config c = Config.parse(GOOD, "tokensweep.yaml");
    assertEquals("sarif", c.format());
    assertEquals(3, c.limits(ScanLimits.defaults()).maxDepth());
    List<Rule> rules = c.rules(Rules.builtin());
    assertTrue(rules.stream().noneMatch(r -> r.id().equals("ts.github.4")));
    assertEquals(Severity.CRITICAL, rules.stream().filter(r -> r.id().equals("ts.github.1")).findFirst().get().severity());
    assertTrue(rules.stream().anyMatch(r -> r.id().equals("acme.internal.1")));
    assertTrue(c.ignore().ignored("x/y.bak"));
  }

  @Test
  void parse_unknownKey_namesTheLine() {
    Config.ConfigException e = assertThrows(Config.ConfigException.class,
        () -> Config.parse("version: 1\nformat: json\nfromat: text\n", "t.yaml"));
    assertTrue(e.getMessage().startsWith("t.yaml:3: unknown key 'fromat'"), e.getMessage());
  }

  @Test
  void parse_badSeverity_namesTheLine() {
    Config.ConfigException e = assertThrows(Config.ConfigException.class,
        () -> Config.parse("severity:\n  ts.github.1: severe\n", "t.yaml"));
    assertTrue(e.getMessage().startsWith("t.yaml:2:"), e.getMessage());
  }

  @Test
  void rules_unknownDisabledId_namesItsLine() throws Exception {
    Config c = Config.parse("version: 1\ndisable:\n  - ts.github.1\n  - ts.nope.9\n", "t.yaml");
    Config.ConfigException e = assertThrows(Config.ConfigException.class, () -> c.rules(Rules.builtin()));
    assertTrue(e.getMessage().startsWith("t.yaml:4: disable: no rule has id 'ts.nope.9'"), e.getMessage());
  }

  @Test
  void parse_unknownFormatAndBadLimit_nameTheirLines() {
    String format = assertThrows(Config.ConfigException.class, () -> Config.parse("\nformat: xml\n", "t")).getMessage();
    assertTrue(format.startsWith("t:2: format: unknown format"), format);
    assertFalse(format.contains("xml"), "the value is not echoed: " + format);
    String limit = assertThrows(Config.ConfigException.class, () -> Config.parse("limits:\n  max_ratio: 0.5\n", "t")).getMessage();
    assertTrue(limit.startsWith("t:2: max_ratio must be above 1"), limit);
  }

  @Test
  void parse_customRuleFailingLint_namesItsLine() {
    String bad = GOOD.replace("pattern: '\\b(acme_[a-z0-9]{32})\\b'", "pattern: 'acme_[a-z0-9]{32}'");
    Config.ConfigException e = assertThrows(Config.ConfigException.class, () -> Config.parse(bad, "t.yaml"));
    assertTrue(e.getMessage().startsWith("t.yaml:14: acme.internal.1: pattern: no capture group 1"), e.getMessage());
  }
}
