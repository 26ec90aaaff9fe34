package dev.tokensweep.scanner.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.engine.RuleLinter;
import dev.tokensweep.detectors.rule.Severity;
import dev.tokensweep.detectors.rule.YamlLines;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.report.Reporter;
import dev.tokensweep.scanner.suppress.IgnoreRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed {@code tokensweep.yaml}. Command-line options win over it; it wins over the defaults.
 *
 * <pre>
 * version: 1
 * format: sarif                 # default --format
 * rules:                        # custom rules, same schema as the built-in ones
 *   - id: acme.internal.1
 *     ...
 * disable: [ts.github.4]        # rule ids not to run
 * severity:                     # rule id: new severity
 *   ts.github.1: critical
 * limits: {max_depth: 4, max_entries: 10000, max_total_bytes: 10737418240, max_entry_bytes: 1073741824, max_ratio: 100}
 * ignore: ["*.bak", "node_modules/"]   # more .tokensweepignore patterns
 * </pre>
 */
public final class Config {

  /** The name looked for in the scanned root. */
  public static final String FILE_NAME = "tokensweep.yaml";

  /** The file as written; unknown keys are errors. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  record Raw(@JsonProperty("version") Integer version, @JsonProperty("format") String format,
      @JsonProperty("rules") @JsonDeserialize(using = RuleList.class) List<Rule> rules, @JsonProperty("disable") List<String> disable,
      @JsonProperty("severity") Map<String, Severity> severity, @JsonProperty("limits") Limits limits,
      @JsonProperty("ignore") List<String> ignore) {}

  @JsonIgnoreProperties(ignoreUnknown = false)
  record Limits(@JsonProperty("max_depth") Integer maxDepth, @JsonProperty("max_entries") Long maxEntries,
      @JsonProperty("max_total_bytes") Long maxTotalBytes, @JsonProperty("max_entry_bytes") Long maxEntryBytes,
      @JsonProperty("max_ratio") Double maxRatio) {}

  /**
   * The {@code rules:} list, read by the rule files' own reader ({@link Rules#readList}), so custom
   * rules in a configuration file have exactly the schema, strictness and errors of a rules file.
   */
  static final class RuleList extends JsonDeserializer<List<Rule>> {
    /** The attribute that names the file for error messages. */
    static final String FILE = "tokensweep.config.file";

    @Override
    public List<Rule> deserialize(JsonParser p, DeserializationContext c) throws IOException {
      return Rules.readList(p, String.valueOf(c.getAttribute(FILE)));
    }
  }

  /** A configuration that cannot be used; the message starts with {@code file:line:}. */
  public static final class ConfigException extends Exception {
    public ConfigException(String message) {
      super(message);
    }
  }

  /**
   * Built on first use: most scans have no configuration file, and building the mapper costs more
   * than a small scan (the command line creates {@link #NONE} for every run).
   */
  private static final class Yaml {
    static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  }

  /** No configuration: changes nothing. */
  public static final Config NONE = new Config("(none)", new Raw(1, null, null, null, null, null, null), Map.of(),
      IgnoreRules.EMPTY);

  private final String name;
  private final Raw raw;
  /** Where things were written: {@code disable/ID}, {@code severity/ID}, {@code format}, {@code limits/KEY}. */
  private final Map<String, Integer> lines;
  /** The {@code ignore:} patterns, compiled when the file is read so that a bad one is a configuration error. */
  private final IgnoreRules ignore;

  private Config(String name, Raw raw, Map<String, Integer> lines, IgnoreRules ignore) {
    this.name = name;
    this.raw = raw;
    this.lines = lines;
    this.ignore = ignore;
  }

  public String name() {
    return name;
  }

  /** Configuration files larger than this are refused: one is written by hand. */
  public static final int MAX_FILE_BYTES = 1 << 20;

  public static Config load(Path file) throws IOException, ConfigException {
    byte[] bytes = SmallFiles.read(file, MAX_FILE_BYTES, "configuration file");
    return parse(new String(bytes, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * Parses and checks what can be checked without the rule catalogue. Errors name the file, the
   * line and the field, never a value: a pasted token in the wrong place must not be echoed.
   */
  public static Config parse(String yaml, String name) throws ConfigException {
    Raw raw;
    Map<String, Integer> lines = lines(yaml);
    YamlLines where = YamlLines.of(yaml);
    try {
      raw = Yaml.MAPPER.readerFor(Raw.class).withAttribute(RuleList.FILE, name).readValue(yaml);
    } catch (JsonProcessingException e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof Rules.RuleFileException r) {
          throw new ConfigException(r.getMessage()); // names the file, line and key, never a value
        }
      }
      throw new ConfigException(where.describe(e, name));
    }
    if (raw == null) {
      raw = NONE.raw;
    }
    if (raw.version() != null && raw.version() != 1) {
      throw new ConfigException(name + ":" + lines.getOrDefault("version", 1) + ": version " + raw.version()
          + " is not supported (this tokensweep reads version 1)");
    }
    if (raw.format() != null && !Reporter.FORMATS.contains(raw.format())) {
      throw new ConfigException(name + ":" + lines.getOrDefault("format", 1) + ": format: unknown format (one of "
          + String.join(", ", Reporter.FORMATS) + ")");
    }
    Limits l = raw.limits();
    if (l != null) {
      check(l.maxDepth() == null || l.maxDepth() >= 0, name, lines, "limits/max_depth", "max_depth must be 0 or more");
      check(l.maxEntries() == null || l.maxEntries() > 0, name, lines, "limits/max_entries", "max_entries must be positive");
      check(l.maxTotalBytes() == null || l.maxTotalBytes() > 0, name, lines, "limits/max_total_bytes",
          "max_total_bytes must be positive");
      check(l.maxEntryBytes() == null || l.maxEntryBytes() > 0, name, lines, "limits/max_entry_bytes",
          "max_entry_bytes must be positive");
      check(l.maxRatio() == null || l.maxRatio() > 1, name, lines, "limits/max_ratio", "max_ratio must be above 1");
    }
    if (raw.rules() != null && !raw.rules().isEmpty()) {
      List<RuleLinter.Problem> problems = RuleLinter.lint(raw.rules());
      if (!problems.isEmpty()) {
        List<String> msgs = new ArrayList<>();
        for (RuleLinter.Problem p : problems) {
          msgs.add(name + ":" + where.line("/rules" + p.pointer()) + ": " + p);
        }
        throw new ConfigException(String.join("\n", msgs));
      }
    }
    List<IgnoreRules> ignored = new ArrayList<>();
    if (raw.ignore() != null) {
      for (int i = 0; i < raw.ignore().size(); i++) {
        String item = raw.ignore().get(i);
        if (item == null) {
          continue;
        }
        try {
          ignored.add(IgnoreRules.parse(item, name, where.line("/ignore/" + i)));
        } catch (IgnoreRules.BadPatternException e) {
          throw new ConfigException(e.getMessage()); // file:line: bad pattern (reason), never the pattern
        }
      }
    }
    return new Config(name, raw, lines, IgnoreRules.all(ignored));
  }

  private static void check(boolean ok, String name, Map<String, Integer> lines, String key, String message)
      throws ConfigException {
    if (!ok) {
      throw new ConfigException(name + ":" + lines.getOrDefault(key, 1) + ": " + message);
    }
  }

  /** The default output format, or null. */
  public String format() {
    return raw.format();
  }

  /** The extra ignore patterns, as an ignore file would hold them. */
  public IgnoreRules ignore() {
    return ignore;
  }

  /**
   * {@code defaults} with the configured limits in place, for a file found in the scanned tree
   * ({@code fromTree}): such a file is input like the rest of the tree, so it may lower a limit,
   * never raise one (a planted max_ratio: 1000000 would otherwise let a bomb through). A file the
   * user names (--config) may raise them.
   */
  public ScanLimits limits(ScanLimits d, boolean fromTree) {
    ScanLimits c = limits(d);
    if (!fromTree) {
      return c;
    }
    return new ScanLimits(Math.min(c.maxDepth(), d.maxDepth()), Math.min(c.maxEntries(), d.maxEntries()),
        Math.min(c.maxTotalBytes(), d.maxTotalBytes()), Math.min(c.maxEntryBytes(), d.maxEntryBytes()),
        Math.min(c.maxRatio(), d.maxRatio()), c.ratioThreshold(), c.maxSpoolBytes(), c.maxLineBytes());
  }

  /** {@code defaults} with the configured limits in place. */
  public ScanLimits limits(ScanLimits d) {
    Limits l = raw.limits();
    if (l == null) {
      return d;
    }
    return new ScanLimits(l.maxDepth() != null ? l.maxDepth() : d.maxDepth(),
        l.maxEntries() != null ? l.maxEntries() : d.maxEntries(),
        l.maxTotalBytes() != null ? l.maxTotalBytes() : d.maxTotalBytes(),
        l.maxEntryBytes() != null ? l.maxEntryBytes() : d.maxEntryBytes(),
        l.maxRatio() != null ? l.maxRatio() : d.maxRatio(), d.ratioThreshold(), d.maxSpoolBytes(), d.maxLineBytes());
  }

  /**
   * The custom rules, then {@code base}, less the disabled ones, with severities changed. Custom
   * rules come first so that where one confirms the same secret as a rule of {@code base} (the
   * generic rule, say), the custom rule is the one reported. Names the line of an id that is no
   * rule, and of a custom rule that takes an id already in use.
   */
  public List<Rule> rules(List<Rule> base) throws ConfigException {
    return rules(base, false);
  }

  /**
   * As {@link #rules(List)}; with {@code keepDisabled} the disabled rules stay in the list, to run
   * as the others do while the scan leaves their findings out and counts them ({@link #disabled}).
   * That is how a file found in the scanned tree is read: a planted one may hide findings, but the
   * summary says how many, and the sanitizer still redacts them.
   */
  public List<Rule> rules(List<Rule> base, boolean keepDisabled) throws ConfigException {
    List<Rule> all = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    base.forEach(r -> ids.add(r.id()));
    if (raw.rules() != null) {
      for (Rule r : raw.rules()) {
        if (!ids.add(r.id())) {
          throw new ConfigException(name + ":" + lines.getOrDefault("rules/" + r.id(), 1) + ": rule id " + shown(r.id())
              + " is already taken (ids are never reused; pick a new one)");
        }
        all.add(r);
      }
    }
    all.addAll(base);
    Set<String> disabled = new HashSet<>();
    if (raw.disable() != null) {
      for (String id : raw.disable()) {
        if (!ids.contains(id)) {
          throw new ConfigException(name + ":" + lines.getOrDefault("disable/" + id, 1) + ": disable: no rule has id "
              + shown(id) + " (tokensweep rules list shows them)");
        }
        disabled.add(id);
      }
    }
    Map<String, Severity> sev = raw.severity() == null ? Map.of() : raw.severity();
    for (String id : sev.keySet()) {
      if (!ids.contains(id)) {
        throw new ConfigException(name + ":" + lines.getOrDefault("severity/" + id, 1) + ": severity: no rule has id "
            + shown(id) + " (tokensweep rules list shows them)");
      }
    }
    List<Rule> out = new ArrayList<>();
    for (Rule r : all) {
      if (disabled.contains(r.id()) && !keepDisabled) {
        continue;
      }
      Severity s = sev.get(r.id());
      out.add(s == null ? r : withSeverity(r, s));
    }
    if (disabled.size() == all.size()) {
      throw new ConfigException(name + ":" + lines.getOrDefault("disable", 1) + ": every rule is disabled");
    }
    return out;
  }

  /** The ids that {@code disable:} names (checked against the rules by {@link #rules}). */
  public Set<String> disabled() {
    return raw.disable() == null ? Set.of() : Set.copyOf(raw.disable());
  }

  static Rule withSeverity(Rule r, Severity s) {
    return new Rule(r.id(), r.name(), r.kind(), r.keywords(), r.pattern(), r.validate(), r.minEntropy(), s, r.prefix(),
        r.examples(), r.negativeExamples(), r.references(), r.description(), r.maxBefore(), r.maxLength());
  }

  /** A rule id as an error may quote it: only when it is a well-formed id, never a value put in its place. */
  private static String shown(String id) {
    return id != null && id.length() <= 64 && id.matches("[a-z][a-z0-9-]*\\.[a-z0-9][a-z0-9-]*\\.[0-9]+")
        ? "'" + id + "'" : "(that is not a rule id)";
  }

  /** Lines of the keys and list items that later checks may need to name. */
  private static Map<String, Integer> lines(String yaml) {
    Map<String, Integer> lines = new LinkedHashMap<>();
    try (JsonParser p = Yaml.MAPPER.getFactory().createParser(yaml)) {
      int depth = 0;
      String top = null;
      String ruleField = null;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        int line = p.currentLocation().getLineNr();
        switch (t) {
          case START_OBJECT, START_ARRAY -> depth++;
          case END_OBJECT, END_ARRAY -> depth--;
          case FIELD_NAME -> {
            String f = p.currentName();
            int l = p.currentTokenLocation().getLineNr();
            if (depth == 1) {
              top = f;
              lines.putIfAbsent(f, l);
            } else if (depth == 2 && ("severity".equals(top) || "limits".equals(top))) {
              lines.putIfAbsent(top + "/" + f, l);
            } else if (depth == 3 && "rules".equals(top)) {
              ruleField = f;
            }
          }
          case VALUE_STRING -> {
            int l = p.currentTokenLocation().getLineNr();
            if (depth == 2 && "disable".equals(top)) {
              lines.putIfAbsent("disable/" + p.getText(), l);
            } else if (depth == 3 && "rules".equals(top) && "id".equals(ruleField)) {
              lines.putIfAbsent("rules/" + p.getText(), l);
            }
          }
          default -> {
            // scalars we never need to point at
          }
        }
        if (line < 0) {
          break;
        }
      }
    } catch (IOException e) {
      // the databind pass already reported syntax errors; lines are only a nicety
    }
    return lines;
  }
}
