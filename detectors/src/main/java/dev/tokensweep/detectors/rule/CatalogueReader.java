package dev.tokensweep.detectors.rule;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the built-in rule files without data binding. Binding {@link Rule} through an
 * {@code ObjectMapper} loads and introspects about a thousand classes, which took longer than
 * scanning a small file. {@link LineRuleReader} reads the plain subset of YAML the files are
 * written in; anything else goes to Jackson's streaming YAML parser, whose tokens are the ones the
 * mapper sees. Either way the rules equal {@link Rules#parse}'s (a test holds them to that); user
 * files still go through the mapper, whose messages name the offending key and line.
 */
final class CatalogueReader {
  private CatalogueReader() {}

  /** Built on first use: the built-in files never need it. */
  private static final class Yaml {
    static final YAMLFactory FACTORY = new YAMLFactory();
  }

  /**
   * The rules in one file: by {@link LineRuleReader} when the file is written in its subset of
   * YAML, as the built-in files are, else by the YAML parser. Anything the schema does not allow
   * fails with {@code name:line}.
   */
  static List<Rule> read(InputStream in, String name) {
    byte[] bytes;
    try {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new Rules.RuleFileException(name + ": " + e.getMessage(), e);
    }
    try {
      return LineRuleReader.read(new String(bytes, StandardCharsets.UTF_8));
    } catch (LineRuleReader.Unsupported e) {
      return stream(bytes, name);
    }
  }

  /** The rules in one file, by the YAML parser. */
  static List<Rule> stream(byte[] bytes, String name) {
    try (JsonParser p = Yaml.FACTORY.createParser(bytes)) {
      List<Rule> rules = new ArrayList<>();
      JsonToken t = p.nextToken();
      if (t == null || t == JsonToken.VALUE_NULL) {
        return List.of();
      }
      expect(p, t == JsonToken.START_ARRAY, name, "a list of rules");
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        expect(p, t == JsonToken.START_OBJECT, name, "a rule (a mapping)");
        rules.add(rule(p, name));
      }
      return rules;
    } catch (IOException e) {
      throw new Rules.RuleFileException(name + ": " + e.getMessage(), e);
    }
  }

  private static Rule rule(JsonParser p, String name) throws IOException {
    int line = p.currentTokenLocation().getLineNr();
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
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken v = p.nextToken();
      switch (key) {
        case "id" -> id = text(p, v, name);
        case "name" -> ruleName = text(p, v, name);
        case "kind" -> kind = v == JsonToken.VALUE_NULL ? null : kind(p, v, name);
        case "keywords" -> keywords = texts(p, v, name);
        case "pattern" -> pattern = text(p, v, name);
        case "validate" -> validate = texts(p, v, name);
        case "min_entropy" -> minEntropy = v == JsonToken.VALUE_NULL ? null : number(p, v, name).getDoubleValue();
        case "severity" -> severity = v == JsonToken.VALUE_NULL ? null : severity(p, v, name);
        case "prefix" -> prefix = text(p, v, name);
        case "examples" -> examples = texts(p, v, name);
        case "negative_examples" -> negativeExamples = texts(p, v, name);
        case "references" -> references = texts(p, v, name);
        case "description" -> description = text(p, v, name);
        case "max_before" -> maxBefore = v == JsonToken.VALUE_NULL ? null : integer(p, v, name);
        case "max_length" -> maxLength = v == JsonToken.VALUE_NULL ? null : integer(p, v, name);
        default -> throw error(p, name, "unknown key '" + key + "'");
      }
    }
    expect(p, p.currentToken() == JsonToken.END_OBJECT, name, "a key");
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
    try {
      return Kind.of(text(p, v, name));
    } catch (IllegalArgumentException e) {
      throw error(p, name, e.getMessage());
    }
  }

  private static Severity severity(JsonParser p, JsonToken v, String name) throws IOException {
    try {
      return Severity.of(text(p, v, name));
    } catch (IllegalArgumentException e) {
      throw error(p, name, e.getMessage());
    }
  }

  private static String text(JsonParser p, JsonToken v, String name) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(p, v.isScalarValue(), name, "a scalar");
    return p.getText();
  }

  private static List<String> texts(JsonParser p, JsonToken v, String name) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(p, v == JsonToken.START_ARRAY, name, "a list");
    List<String> out = new ArrayList<>();
    for (JsonToken t; (t = p.nextToken()) != JsonToken.END_ARRAY; ) {
      out.add(text(p, t, name));
    }
    return out;
  }

  private static JsonParser number(JsonParser p, JsonToken v, String name) {
    expect(p, v.isNumeric(), name, "a number");
    return p;
  }

  private static int integer(JsonParser p, JsonToken v, String name) throws IOException {
    expect(p, v == JsonToken.VALUE_NUMBER_INT, name, "a whole number");
    return p.getIntValue();
  }

  private static void expect(JsonParser p, boolean ok, String name, String what) {
    if (!ok) {
      throw error(p, name, "expected " + what + ", found " + p.currentToken());
    }
  }

  private static Rules.RuleFileException error(JsonParser p, String name, String message) {
    return new Rules.RuleFileException(name + ":" + p.currentTokenLocation().getLineNr() + ": " + message, null);
  }
}
