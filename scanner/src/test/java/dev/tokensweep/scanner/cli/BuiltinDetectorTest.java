package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.Severity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuiltinDetectorTest {

  @Test
  void forRules_builtinRules_takeTheBackgroundDetector() {
    BuiltinDetector.start();
    Detector first = BuiltinDetector.forRules(new ArrayList<>(Rules.builtin()));
    assertSame(first, BuiltinDetector.forRules(List.copyOf(Rules.builtin())));
  }

  @Test
  void forRules_reratedOrFewerRules_compileTheirOwn() {
    BuiltinDetector.start();
    Detector builtin = BuiltinDetector.forRules(Rules.builtin());
    List<Rule> rerated = new ArrayList<>(Rules.builtin());
    Rule r = rerated.get(0);
    rerated.set(0, new Rule(r.id(), r.name(), r.kind(), r.keywords(), r.pattern(), r.validate(), r.minEntropy(),
        Severity.CRITICAL, r.prefix(), r.examples(), r.negativeExamples(), r.references(), r.description(),
        r.maxBefore(), r.maxLength()));
    assertNotSame(builtin, BuiltinDetector.forRules(rerated));
    assertNotSame(builtin, BuiltinDetector.forRules(Rules.builtin().subList(1, Rules.builtin().size())));
  }
}
