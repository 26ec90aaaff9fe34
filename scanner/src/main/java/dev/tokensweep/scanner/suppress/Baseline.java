package dev.tokensweep.scanner.suppress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.Suppression;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The findings an earlier report already holds, by rule and fingerprint. Any JSON report of ours
 * works as a baseline: the {@code json} document, {@code jsonl} lines, or {@code ecs} lines. A
 * finding whose rule and fingerprint are in the baseline is hidden wherever it now sits (a token
 * that moved to another file is still the same accepted token); the fingerprint key must be the
 * one the baseline was made with.
 */
public final class Baseline {
  private final Set<String> keys;

  private Baseline(Set<String> keys) {
    this.keys = keys;
  }

  /** A baseline file that is not a report of ours; the message names the file and line. */
  public static final class BadBaselineException extends Exception {
    public BadBaselineException(String message) {
      super(message);
    }
  }

  public static Baseline of(Set<String> keys) {
    return new Baseline(Set.copyOf(keys));
  }

  public int size() {
    return keys.size();
  }

  public boolean contains(Finding f) {
    return keys.contains(key(f.evidence().ruleId(), f.evidence().fingerprint()));
  }

  /** {@code result} without the findings this baseline holds, counted as {@code baseline} suppressions. */
  public ScanResult apply(ScanResult result) {
    List<Finding> kept = new ArrayList<>();
    for (Finding f : result.findings()) {
      if (!contains(f)) {
        kept.add(f);
      }
    }
    return result.filtered(kept, Suppression.BASELINE, result.findings().size() - kept.size());
  }

  static String key(String rule, String fingerprint) {
    return rule + "|" + fingerprint;
  }

  public static Baseline load(Path file) throws IOException, BadBaselineException {
    if (!Files.isRegularFile(file)) {
      // a FIFO would block the run, /dev/zero never end
      throw new dev.tokensweep.scanner.config.SmallFiles.RefusedException("--baseline " + file + ": not a regular file");
    }
    ObjectMapper json = new ObjectMapper();
    Set<String> keys = new HashSet<>();
    try (InputStream in = Files.newInputStream(file);
        MappingIterator<JsonNode> it = json.readerFor(JsonNode.class).readValues(in)) {
      int docs = 0;
      while (it.hasNextValue()) {
        JsonNode n = it.nextValue();
        docs++;
        if (n.has("findings") && n.get("findings").isArray()) {
          for (JsonNode f : n.get("findings")) {
            add(keys, f, file);
          }
        } else if (n.has("tokensweep") && n.get("tokensweep").has("finding")) {
          add(keys, n.get("tokensweep").get("finding"), file);
        } else if (n.has("type")) {
          if ("finding".equals(n.get("type").asText())) {
            add(keys, n, file);
          }
        } else {
          throw new BadBaselineException(file + ": document " + docs
              + " is not a tokensweep report (expected --format json, jsonl or ecs output)");
        }
      }
      if (docs == 0) {
        throw new BadBaselineException(file + ": empty; expected a tokensweep JSON report");
      }
    } catch (JsonProcessingException e) {
      throw new BadBaselineException(file + ":" + (e.getLocation() == null ? "" : e.getLocation().getLineNr() + ":")
          + " not JSON: " + unquoted(e.getOriginalMessage()));
    } catch (RuntimeException e) {
      if (e.getCause() instanceof JsonProcessingException j) {
        throw new BadBaselineException(file + ":" + (j.getLocation() == null ? "" : j.getLocation().getLineNr() + ":")
            + " not JSON: " + unquoted(j.getOriginalMessage()));
      }
      throw e;
    }
    return new Baseline(keys);
  }

  private static void add(Set<String> keys, JsonNode f, Path file) throws BadBaselineException {
    JsonNode rule = f.get("rule_id");
    JsonNode fp = f.get("fingerprint");
    if (rule == null || fp == null || !rule.isTextual() || !fp.isTextual()) {
      throw new BadBaselineException(file + ": a finding without rule_id and fingerprint; is this a tokensweep report?");
    }
    keys.add(key(rule.asText(), fp.asText()));
  }

  /**
   * Jackson quotes the text it could not parse ({@code Unrecognized token 'ghp_...'}); a file given
   * as a baseline by mistake may be the very file that leaks, so quoted runs of eight or more
   * characters are hidden.
   */
  static String unquoted(String message) {
    return message == null ? "" : message.replaceAll("'[^'\\s]{8,}'", "'[hidden]'");
  }
}
