package dev.tokensweep.corpus.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.detectors.check.Placeholders;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Forging tokens of every catalogue rule from its examples. */
class CatalogueForgeTest {

  private static final CatalogueForge FORGE = CatalogueForge.builtin();
  private static final Detector ALL = Detector.of(Rules.builtin());

  @Test
  void builtin_everyRuleCanBeForged() {
    // a rule listed here is planted nowhere: its examples draw nothing the catalogue finds the same way
    assertEquals(List.of(), FORGE.unforgeable());
  }

  @Test
  void forge_everyRule_freshSecretsThatTheCatalogueFindsWhereTheLabelsSay() {
    Random random = new Random(20261102L);
    for (Rule r : Rules.builtin()) {
      CatalogueForge.Planting p = FORGE.forge(r, random);
      assertNotNull(p, r.id());
      assertFalse(p.secrets().isEmpty(), r.id());
      byte[] text = p.text().getBytes(StandardCharsets.UTF_8);
      List<Match> found = ALL.findAll(text);
      assertTrue(found.stream().anyMatch(m -> m.rule().id().equals(r.id())), r.id() + " no longer finds its own planting");
      for (CatalogueForge.Placed s : p.secrets()) {
        String v = s.token().value();
        assertTrue(p.text().startsWith(v, s.offset()), r.id() + ": a label points beside its secret");
        assertFalse(r.examples().get(p.example()).contains(v), r.id() + ": a secret was copied from the example");
        assertFalse(Placeholders.isPlaceholder(v.getBytes(StandardCharsets.UTF_8)), r.id());
        int start = p.text().substring(0, s.offset()).getBytes(StandardCharsets.UTF_8).length;
        assertTrue(found.stream().anyMatch(m -> m.start() == start && m.rule().id().equals(s.ruleId())),
            r.id() + ": " + s.ruleId() + " does not find the secret it is labelled with");
        assertEquals(CatalogueForge.provider(s.ruleId()), s.token().provider());
      }
    }
  }

  @Test
  void forge_sameRandom_sameTokens() {
    for (Rule r : Rules.builtin()) {
      assertEquals(FORGE.forge(r, new Random(7)), FORGE.forge(r, new Random(7)), r.id());
    }
    Rule aws = Rules.builtin().stream().filter(r -> r.id().equals("ts.aws.3")).findFirst().orElseThrow();
    assertFalse(FORGE.forge(aws, new Random(1)).text().equals(FORGE.forge(aws, new Random(2)).text()));
  }

  @Test
  void forge_checksummedRules_keepTheirChecksum() {
    Random random = new Random(3);
    for (Rule r : Rules.builtin()) {
      if (r.validate().contains("github-crc32") || r.validate().contains("pypi-macaroon")
          || r.validate().contains("gitlab-routable-crc32")) {
        for (int i = 0; i < 20; i++) {
          CatalogueForge.Planting p = FORGE.forge(r, random);
          for (CatalogueForge.Placed s : p.secrets()) {
            if (s.ruleId().equals(r.id())) {
              for (String v : r.validate()) {
                assertTrue(dev.tokensweep.detectors.check.Validators.check(v, s.token().value().getBytes(StandardCharsets.UTF_8)),
                    r.id() + " " + v);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void context_readsExamplesAsHistoryConfigOrLog() {
    assertEquals(CatalogueForge.Context.HISTORY, CatalogueForge.context("export GITHUB_TOKEN=x"));
    assertEquals(CatalogueForge.Context.HISTORY, CatalogueForge.context("curl -H 'Authorization: Bearer x' https://a"));
    assertEquals(CatalogueForge.Context.HISTORY, CatalogueForge.context("SENTRY_AUTH_TOKEN=x sentry-cli releases new 1"));
    assertEquals(CatalogueForge.Context.CONFIG, CatalogueForge.context("aws_secret_access_key = x"));
    assertEquals(CatalogueForge.Context.CONFIG, CatalogueForge.context("[ci]\naws_access_key_id = x\n"));
    assertEquals(CatalogueForge.Context.CONFIG, CatalogueForge.context("  api_key: \"x\""));
    assertEquals(CatalogueForge.Context.CONFIG, CatalogueForge.context("machine example.com login u password x"));
    assertEquals(CatalogueForge.Context.LOG, CatalogueForge.context("{\"access_token\": \"x\"}"));
    assertEquals(CatalogueForge.Context.LOG, CatalogueForge.context("> Authorization: Bearer x"));
    assertEquals(CatalogueForge.Context.LOG, CatalogueForge.context("2026-11-02T10:11:12Z WARN auth: rejected token x"));
  }
}
