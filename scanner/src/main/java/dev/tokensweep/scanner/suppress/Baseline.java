package dev.tokensweep.scanner.suppress;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.Suppression;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The findings an earlier report already holds, by rule and fingerprint. Any JSON report of ours
 * works as a baseline: the {@code json} document, {@code jsonl} lines, or {@code ecs} lines. A
 * finding whose rule and fingerprint are in the baseline is hidden wherever it now sits (a token
 * that moved to another file is still the same accepted token); the fingerprint key must be the
 * one the baseline was made with.
 */
public final class Baseline {
  /**
   * Each finding's rule and fingerprint as the first 64 bits of their SHA-256, sorted: 8 bytes a
   * finding, so a baseline of a million fits in 8 MB. Two keys share a value with odds of about
   * n²/2^65 (a million against a million: 1 in 36 million runs).
   */
  private final long[] keys;

  private Baseline(long[] keys) {
    this.keys = keys;
  }

  /** A baseline file that is not a report of ours; the message names the file and line. */
  public static final class BadBaselineException extends Exception {
    public BadBaselineException(String message) {
      super(message);
    }
  }

  public boolean contains(Finding f) {
    return java.util.Arrays.binarySearch(keys, key(f.evidence().ruleId(), f.evidence().fingerprint())) >= 0;
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

  static long key(String rule, String fingerprint) {
    byte[] d = dev.tokensweep.detectors.evidence.SecretDigest.sha256().digest((rule + "|" + fingerprint).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return java.nio.ByteBuffer.wrap(d).getLong();
  }

  /** Keys as they are read: a growing array, sorted and cut to size once all are in. */
  private static final class Keys {
    private long[] keys = new long[1024];
    private int n;

    void add(long key) {
      if (n == keys.length) {
        keys = java.util.Arrays.copyOf(keys, n * 2);
      }
      keys[n++] = key;
    }

    long[] sorted() {
      long[] out = java.util.Arrays.copyOf(keys, n);
      java.util.Arrays.sort(out);
      return out;
    }
  }

  /** A rule id or fingerprint longer than this is not one of ours. */
  private static final int MAX_FIELD_CHARS = 512;

  /**
   * Reads {@code file} as a stream: only each finding's rule and fingerprint are kept, every other
   * value is skipped unread, so a report of a million findings loads in the memory of its keys.
   */
  public static Baseline load(Path file) throws IOException, BadBaselineException {
    if (!Files.isRegularFile(file)) {
      // a FIFO would block the run, /dev/zero never end
      throw new dev.tokensweep.scanner.config.SmallFiles.RefusedException("--baseline " + file + ": not a regular file");
    }
    Keys keys = new Keys();
    try (InputStream in = Files.newInputStream(file); JsonParser p = JSON.createParser(in)) {
      int docs = 0;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        docs++;
        if (t != JsonToken.START_OBJECT) {
          p.skipChildren(); // read through: a document that is not JSON says so first
        }
        if (t != JsonToken.START_OBJECT || !document(p, keys, file)) {
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
    }
    return new Baseline(keys.sorted());
  }

  private static final JsonFactory JSON = new JsonFactory();

  /**
   * Reads one document, the parser on its opening brace, to its closing one: a {@code json}
   * report's {@code findings}, an {@code ecs} line's {@code tokensweep.finding}, a {@code jsonl}
   * line of {@code type} {@code finding}. False if it is none of those.
   */
  private static boolean document(JsonParser p, Keys keys, Path file) throws IOException, BadBaselineException {
    boolean ours = false;
    String type = null;
    String rule = null;
    String fingerprint = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (name.equals("findings") && v == JsonToken.START_ARRAY) {
        ours = true;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          finding(p, keys, file);
        }
      } else if (name.equals("tokensweep") && v == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          if (p.currentName().equals("finding")) {
            p.nextToken();
            ours = true;
            finding(p, keys, file);
          } else {
            p.nextToken();
            p.skipChildren();
          }
        }
      } else if (name.equals("type")) {
        ours = true;
        type = text(p);
      } else if (name.equals("rule_id")) {
        rule = text(p);
      } else if (name.equals("fingerprint")) {
        fingerprint = text(p);
      } else {
        p.skipChildren();
      }
    }
    if ("finding".equals(type)) {
      add(keys, rule, fingerprint, file);
    }
    return ours;
  }

  /** One finding, the parser on its first token, read to its last. */
  private static void finding(JsonParser p, Keys keys, Path file) throws IOException, BadBaselineException {
    String rule = null;
    String fingerprint = null;
    if (p.currentToken() == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (name.equals("rule_id")) {
          rule = text(p);
        } else if (name.equals("fingerprint")) {
          fingerprint = text(p);
        } else {
          p.skipChildren();
        }
      }
    } else {
      p.skipChildren();
    }
    add(keys, rule, fingerprint, file);
  }

  /** The string the parser is on, if it is one of at most {@link #MAX_FIELD_CHARS} characters; the parser stays on it. */
  private static String text(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      p.skipChildren();
      return null;
    }
    String t = p.getText();
    return t.length() <= MAX_FIELD_CHARS ? t : null;
  }

  private static void add(Keys keys, String rule, String fingerprint, Path file) throws BadBaselineException {
    if (rule == null || fingerprint == null) {
      throw new BadBaselineException(file + ": a finding without rule_id and fingerprint; is this a tokensweep report?");
    }
    keys.add(key(rule, fingerprint));
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
