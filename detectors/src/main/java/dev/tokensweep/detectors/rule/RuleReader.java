package dev.tokensweep.detectors.rule;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one reader of the rule schema. A user's rules file and the built-in YAML files are read as
 * YAML; the packed catalogue the build writes ({@link #writeJson}) is read as JSON, by the same
 * walk over the same parser tokens, so no rule can load one way from a file and another way from
 * the jar. JSON because a cold JVM spends about as long in the YAML scanner as in the rest of
 * loading the catalogue.
 *
 * <p>Errors are {@link Rules.RuleFileException}s that name the file, the line and the key, never a
 * value: a pattern, an example or a value typed in the wrong place may be the very secret the rule
 * is for. Strict: an unknown or repeated key, a missing or null required key, a value of the wrong
 * type, an empty rule or an empty list item is an error.
 */
final class RuleReader {
  private RuleReader() {}

  /** The schema's keys, in the order the packed catalogue writes them. */
  static final List<String> KEYS = List.of("id", "name", "kind", "keywords", "pattern", "validate", "min_entropy",
      "severity", "prefix", "examples", "negative_examples", "references", "description", "max_before", "max_length");

  /**
   * The lists error messages name, built at the first error: built with the class, their streams
   * cost every run's rule loading ~6 ms of a cold JVM on the thread the scan waits for.
   */
  private static final class Names {
    static final String KNOWN = KEYS.stream().sorted().collect(Collectors.joining(", "));
    static final String KINDS = java.util.Arrays.stream(Kind.values()).map(Kind::id)
        .collect(Collectors.joining(", "));
    static final String SEVERITIES = java.util.Arrays.stream(Severity.values()).map(Severity::id)
        .collect(Collectors.joining(", "));
  }

  /** Built on first use: the packed catalogue needs only JSON. */
  private static final class Yaml {
    static final YAMLFactory FACTORY = new YAMLFactory();
  }

  private static final JsonFactory JSON = new JsonFactory();

  /** The rules in a YAML document: a list of rules, or nothing. */
  static List<Rule> yaml(byte[] bytes, String name) {
    try (JsonParser p = Yaml.FACTORY.createParser(bytes)) {
      return read(p, name, "YAML");
    } catch (IOException e) {
      throw syntax(e, name, "YAML");
    }
  }

  /** The rules in a JSON document, as {@link #writeJson} writes them. */
  static List<Rule> json(byte[] bytes, String name) {
    try (JsonParser p = JSON.createParser(bytes)) {
      return read(p, name, "JSON");
    } catch (IOException e) {
      throw syntax(e, name, "JSON");
    }
  }

  /** {@code rules} as the JSON that {@link #json} reads back equal: the packed catalogue. */
  static byte[] writeJson(List<Rule> rules) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartArray();
      for (Rule r : rules) {
        g.writeStartObject();
        g.writeStringField("id", r.id());
        g.writeStringField("name", r.name());
        g.writeStringField("kind", r.kind().id());
        list(g, "keywords", r.keywords());
        g.writeStringField("pattern", r.pattern());
        list(g, "validate", r.validate());
        if (r.minEntropy() != null) {
          g.writeNumberField("min_entropy", r.minEntropy());
        }
        g.writeStringField("severity", r.severity().id());
        if (r.prefix() != null) {
          g.writeStringField("prefix", r.prefix());
        }
        list(g, "examples", r.examples());
        list(g, "negative_examples", r.negativeExamples());
        list(g, "references", r.references());
        if (r.description() != null) {
          g.writeStringField("description", r.description());
        }
        if (r.maxBefore() != null) {
          g.writeNumberField("max_before", r.maxBefore());
        }
        if (r.maxLength() != null) {
          g.writeNumberField("max_length", r.maxLength());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeRaw('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void list(JsonGenerator g, String key, List<String> values) throws IOException {
    g.writeArrayFieldStart(key);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  private static List<Rule> read(JsonParser p, String name, String format) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null || t == JsonToken.VALUE_NULL) {
      return List.of(); // an empty file, or only comments: no rules yet
    }
    return list(p, name, format);
  }

  /** The rules of the list {@code p} is at (its current token); leaves {@code p} at the list's end. */
  static List<Rule> list(JsonParser p, String name, String format) throws IOException {
    JsonToken t = p.currentToken();
    if (t != JsonToken.START_ARRAY) {
      throw error(p, name, "not a list of rules");
    }
    List<Rule> rules = new ArrayList<>();
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        throw error(p, name, "not valid " + format);
      }
      int n = rules.size() + 1;
      if (t == JsonToken.VALUE_NULL) {
        // an empty list item ("-" alone, or ~): the linter and the detector need a rule there
        throw error(p, name, "rule " + n + " is empty");
      }
      if (t != JsonToken.START_OBJECT) {
        throw error(p, name, "rule " + n + " is not a mapping of keys");
      }
      rules.add(rule(p, name));
    }
    return rules;
  }

  private static Rule rule(JsonParser p, String name) throws IOException {
    int line = line(p);
    String id = null;
    String ruleName = null;
    Kind kind = null;
    List<String> keywords = null;
    String pattern = null;
    List<String> validate = null;
    Double minEntropy = null;
    Severity severity = null;
    String prefix = null;
    List<String> examples = null;
    List<String> negativeExamples = null;
    List<String> references = null;
    String description = null;
    Integer maxBefore = null;
    Integer maxLength = null;
    Set<String> seen = new HashSet<>();
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      if (!KEYS.contains(key)) {
        throw error(p, name, "unknown key" + (YamlLines.typo(key, KEYS) ? " '" + key + "'" : "") + " (known: " + Names.KNOWN + ")");
      }
      if (!seen.add(key)) {
        throw error(p, name, "key '" + key + "' given twice");
      }
      JsonToken v = p.nextToken();
      switch (key) {
        case "id" -> id = text(p, v, name, key);
        case "name" -> ruleName = text(p, v, name, key);
        case "kind" -> kind = kind(p, v, name);
        case "keywords" -> keywords = texts(p, v, name, key);
        case "pattern" -> pattern = text(p, v, name, key);
        case "validate" -> validate = texts(p, v, name, key);
        case "min_entropy" -> minEntropy = number(p, v, name, key);
        case "severity" -> severity = severity(p, v, name);
        case "prefix" -> prefix = text(p, v, name, key);
        case "examples" -> examples = texts(p, v, name, key);
        case "negative_examples" -> negativeExamples = texts(p, v, name, key);
        case "references" -> references = texts(p, v, name, key);
        case "description" -> description = text(p, v, name, key);
        case "max_before" -> maxBefore = integer(p, v, name, key);
        case "max_length" -> maxLength = integer(p, v, name, key);
        default -> throw new IllegalStateException("a key in KEYS with no case");
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw error(p, name, "not valid YAML");
    }
    required(id, "id", name, line);
    required(ruleName, "name", name, line);
    required(kind, "kind", name, line);
    required(keywords, "keywords", name, line);
    required(pattern, "pattern", name, line);
    required(severity, "severity", name, line);
    return new Rule(id, ruleName, kind, keywords, pattern, validate, minEntropy, severity, prefix, examples,
        negativeExamples, references, description, maxBefore, maxLength);
  }

  private static void required(Object value, String key, String name, int line) {
    if (value == null) {
      throw new Rules.RuleFileException(name + ":" + line + ": rule has no '" + key + "'", null);
    }
  }

  private static Kind kind(JsonParser p, JsonToken v, String name) throws IOException {
    String s = text(p, v, name, "kind");
    for (Kind k : Kind.values()) {
      if (k.id().equals(s)) {
        return k;
      }
    }
    if (s == null) {
      return null;
    }
    throw invalid(p, name, "kind", "one of " + Names.KINDS);
  }

  private static Severity severity(JsonParser p, JsonToken v, String name) throws IOException {
    String s = text(p, v, name, "severity");
    if (s == null) {
      return null;
    }
    for (Severity sev : Severity.values()) {
      if (sev.id().equalsIgnoreCase(s)) {
        return sev;
      }
    }
    throw invalid(p, name, "severity", "one of " + Names.SEVERITIES);
  }

  /** A scalar as text (a number or a boolean as written); null for a null. */
  private static String text(JsonParser p, JsonToken v, String name, String key) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    if (!v.isScalarValue()) {
      throw invalid(p, name, key, "a single value");
    }
    return p.getText();
  }

  private static List<String> texts(JsonParser p, JsonToken v, String name, String key) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    if (v != JsonToken.START_ARRAY) {
      throw invalid(p, name, key, "a list");
    }
    List<String> out = new ArrayList<>();
    for (JsonToken t; (t = p.nextToken()) != JsonToken.END_ARRAY; ) {
      if (t == null) {
        throw error(p, name, "not valid YAML");
      }
      if (t == JsonToken.VALUE_NULL) {
        throw invalid(p, name, key, "no empty items");
      }
      if (!t.isScalarValue()) {
        throw invalid(p, name, key, "a list of single values");
      }
      out.add(p.getText());
    }
    return out;
  }

  private static Double number(JsonParser p, JsonToken v, String name, String key) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    if (!v.isNumeric()) {
      throw invalid(p, name, key, "a number");
    }
    double d = p.getDoubleValue();
    if (!Double.isFinite(d)) {
      throw invalid(p, name, key, "a number");
    }
    return d;
  }

  private static Integer integer(JsonParser p, JsonToken v, String name, String key) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
      throw invalid(p, name, key, "a whole number");
    }
    return p.getIntValue();
  }

  private static int line(JsonParser p) {
    int l = p.currentTokenLocation().getLineNr();
    return l > 0 ? l : 1;
  }

  private static Rules.RuleFileException invalid(JsonParser p, String name, String key, String expected) {
    return error(p, name, "invalid value for '" + key + "' (expected " + expected + ")");
  }

  private static Rules.RuleFileException error(JsonParser p, String name, String message) {
    return new Rules.RuleFileException(name + ":" + line(p) + ": " + message, null);
  }

  /** A syntax error: its line, never the parser's message, which quotes the text it choked on. */
  private static Rules.RuleFileException syntax(IOException e, String name, String format) {
    int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
        && j.getLocation().getLineNr() > 0 ? j.getLocation().getLineNr() : 1;
    return new Rules.RuleFileException(name + ":" + line + ": not valid " + format, null);
  }
}
