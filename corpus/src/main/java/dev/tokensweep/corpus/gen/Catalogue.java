package dev.tokensweep.corpus.gen;

import dev.tokensweep.corpus.SourceType;
import dev.tokensweep.detectors.rule.Rule;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;

/**
 * A token of every rule of the catalogue on each endpoint, each in the context its example was
 * written in: root's shell history for commands, an application's settings file for assignments,
 * YAML and {@code .netrc} lines, and a service log for the rest (JSON bodies included), among
 * ordinary commands, settings and log lines. Labels say the provider of the rule that reports each
 * secret ({@link CatalogueForge}).
 */
final class Catalogue {
  private Catalogue() {}

  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);
  private static final String[] SETTINGS = {"log_level = info", "listen: 0.0.0.0:8080", "timeout_seconds: 30",
      "region = eu-west-1", "max_connections = 64", "feature_flags: [search, export]", "retries: 3",
      "cache_dir = /var/cache/app", "tls: true", "# rotated by ops, see runbook"};

  /** Where each context's leaf lives under an endpoint, and what the evaluator counts it as. */
  static final String HISTORY = "root/.bash_history";
  static final String CONFIG = "etc/app/settings.conf";
  static final String LOG = "logs/services.log";

  /** The three leaves for one endpoint; {@code random} alone decides them. */
  static List<Leaf> all(Random random) {
    CatalogueForge cf = CatalogueForge.builtin();
    Forge noise = new Forge(random);
    TextBuilder history = new TextBuilder(SourceType.HISTORY);
    TextBuilder config = new TextBuilder(SourceType.CONFIG);
    TextBuilder log = new TextBuilder(SourceType.LOG);
    long clock = (Forge.NOW - 86_400L * 2) * 1000L + random.nextInt(86_400_000);
    long entry = 0;
    for (Rule r : cf.rules()) {
      CatalogueForge.Planting p = cf.forge(r, random);
      if (p == null) {
        continue; // unforgeable: CatalogueForgeTest names it
      }
      String context = r.id() + " example " + (p.example() + 1) + " (" + p.context().name().toLowerCase(java.util.Locale.ROOT) + ")";
      clock += 1 + random.nextInt(90_000);
      switch (p.context()) {
        case HISTORY -> {
          for (int i = random.nextInt(3); i >= 0; i--) {
            history.entry(++entry);
            history.line("#" + clock / 1000).line(noise.pick(Homes.COMMANDS));
          }
          history.entry(++entry);
          history.line("#" + clock / 1000);
          write(history, p, context).line("");
        }
        case CONFIG -> {
          config.line(noise.pick(SETTINGS));
          write(config, p, context).line("");
        }
        default -> {
          log.line(ISO.format(Instant.ofEpochMilli(clock - 5)) + " " + NoiseWriter.message(noise));
          log.add(ISO.format(Instant.ofEpochMilli(clock)) + " DEBUG [main] c.a.config.Loader - ");
          write(log, p, context).line("");
        }
      }
    }
    return List.of(history.leaf(HISTORY), config.leaf(CONFIG), log.leaf(LOG));
  }

  /** Writes the planting's text with each secret labelled where it starts (one may hold another). */
  private static TextBuilder write(TextBuilder b, CatalogueForge.Planting p, String context) {
    String text = p.text();
    List<CatalogueForge.Placed> secrets = new java.util.ArrayList<>(p.secrets());
    secrets.sort(java.util.Comparator.comparingInt(CatalogueForge.Placed::offset));
    int at = 0;
    for (CatalogueForge.Placed s : secrets) {
      b.add(text.substring(at, s.offset()));
      b.label(s.token(), context);
      at = s.offset();
    }
    return b.add(text.substring(at));
  }
}
