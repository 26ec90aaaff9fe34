package dev.tokensweep.detectors.rule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one rule reader: the catalogue it reads is the catalogue the three old readers read, a
 * user's file reads as data binding read it, and every malformed file is one line naming the file,
 * the line and the key, never a value.
 */
class RuleReaderTest {

  /**
   * What the old readers made of the catalogue, captured before they were deleted (data binding
   * over every file in index.txt, equal to the old streamed Rules.builtin()): the number of rules
   * and the SHA-256 of the list's text. A catalogue change updates both, deliberately.
   */
  private static final int CATALOGUE_RULES = 447;
  private static final String CATALOGUE_SHA256 = "6a3ffaee6e02b2f32f50d2b640cd1d916a3cbbf273e817b429fccc3ffb982fff";

  /** The data binding user files went through before the one reader: kept here only, as the reference. */
  static final ObjectMapper DATA_BINDING = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  static List<Rule> bound(String yaml) throws IOException {
    try (com.fasterxml.jackson.core.JsonParser p = DATA_BINDING.getFactory().createParser(yaml)) {
      if (p.nextToken() == null) {
        return List.of(); // binding refused a file of comments only; the reader reads it as no rules, as it reads ~
      }
    }
    List<Rule> rules = DATA_BINDING.readValue(yaml, new TypeReference<List<Rule>>() {});
    return rules == null ? List.of() : rules;
  }

  private static byte[] builtinFile(String file) throws IOException {
    try (InputStream in = Rules.class.getResourceAsStream(Rules.BUILTIN_DIR + file)) {
      return in.readAllBytes();
    }
  }

  private static String sha256(List<Rule> rules) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(rules.toString().getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void builtin_equalsTheCatalogueTheOldReadersRead() throws Exception {
    List<Rule> files = Rules.readFiles();
    assertEquals(CATALOGUE_RULES, files.size());
    assertEquals(CATALOGUE_SHA256, sha256(files));
    assertEquals(files, Rules.builtin());
    int declared = 0; // "- id:" lines: every rule written in the files, none dropped
    for (String file : Rules.builtinFiles()) {
      declared += (int) new String(builtinFile(file), StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("- id:")).count();
    }
    assertEquals(declared, files.size());
  }

  @Test
  void everyBuiltinFile_readsAsDataBindingReadsIt() throws IOException {
    for (String file : Rules.builtinFiles()) {
      String yaml = new String(builtinFile(file), StandardCharsets.UTF_8);
      assertEquals(bound(yaml), Rules.parse(yaml, file), file);
    }
  }

  @Test
  void packed_isTheFilesAsJson_andTheJarHoldsTheCurrentOne() throws Exception {
    byte[] packed = Rules.packFiles();
    assertEquals(Rules.readFiles(), RuleReader.json(packed, "packed"));
    try (InputStream in = Rules.class.getResourceAsStream(Rules.BUILTIN_DIR + Rules.PACKED)) {
      if (in != null) { // written by the build; a stale copy would load old rules
        assertArrayEquals(packed, in.readAllBytes());
      }
    }
  }

  @Test
  void parse_everyOptionalFieldQuotingAndComments_equalsDataBinding() throws IOException {
    String yaml = """
        # a comment
        - id: acme.internal.1   # trailing comment
          name: ACME token (v2) with 'quotes' and "more" #1
          kind: api_key
          keywords: [acme_, 'ACME_', "x,y" ,  plain word, -dash ]
          pattern: '\\b(acme_[a-z0-9]{32})\\b it''s'
          validate: []
          min_entropy: 3
          severity: HIGH
          prefix: ~
          examples:
            - 'ACME_TOKEN=acme_0123456789abcdefghijklmnopqrstuv'
            - "tab\\there \\e[0m \\x41\\u00e9 \\"q\\" \\\\ end"   # comment
          negative_examples:
            - 'ACME_TOKEN=acme_short'
          references: ~
          description: |
            Two lines
            of text.
          max_before: 12
          max_length: 300
        - id: acme.internal.2
          name: 42
          kind: password
          keywords:
            - pw
          pattern: "pw=(\\\\S+)"
          severity: low
          min_entropy: 2.5
        """;
    List<Rule> rules = Rules.parse(yaml, "t.yml");
    assertEquals(2, rules.size());
    assertEquals(bound(yaml), rules);
    assertEquals(rules, RuleReader.json(RuleReader.writeJson(rules), "t.json"));
    assertEquals(List.of(), Rules.parse("# nothing yet\n", "t.yml"));
    assertEquals(List.of(), Rules.parse("", "t.yml"));
  }

  private static final String GOOD = "- id: a.b.1\n  name: n\n  kind: api_key\n  keywords: [k]\n  pattern: '(k)'\n  severity: low\n";

  private static String error(String yaml) {
    return assertThrows(Rules.RuleFileException.class, () -> Rules.parse(yaml, "t.yml")).getMessage();
  }

  @Test
  void parse_malformedFiles_oneLineNamingFileLineAndKey() {
    assertTrue(error(GOOD + "  sevrity: low\n").startsWith("t.yml:7: unknown key 'sevrity' (known: description, examples, id,"),
        error(GOOD + "  sevrity: low\n"));
    assertTrue(error(GOOD + "  notakey: 1\n").startsWith("t.yml:7: unknown key (known: "), error(GOOD + "  notakey: 1\n"));
    assertEquals("t.yml:1: rule has no 'severity'", error(GOOD.replace("  severity: low\n", "")));
    assertEquals("t.yml:1: rule has no 'name'", error(GOOD.replace("name: n", "name: ~")));
    assertTrue(error(GOOD.replace("api_key", "apikey")).startsWith("t.yml:3: invalid value for 'kind' (expected one of "));
    assertEquals("t.yml:4: invalid value for 'keywords' (expected a list)", error(GOOD.replace("[k]", "k")));
    assertEquals("t.yml:4: invalid value for 'keywords' (expected no empty items)", error(GOOD.replace("[k]", "[k, ~]")));
    assertEquals("t.yml:2: invalid value for 'name' (expected a single value)", error(GOOD.replace("name: n", "name: [n]")));
    assertEquals("t.yml:7: invalid value for 'max_length' (expected a whole number)", error(GOOD + "  max_length: 3.5\n"));
    assertEquals("t.yml:7: invalid value for 'max_length' (expected a whole number)", error(GOOD + "  max_length: 99999999999\n"));
    assertEquals("t.yml:7: invalid value for 'min_entropy' (expected a number)", error(GOOD + "  min_entropy: high\n"));
    assertEquals("t.yml:7: key 'id' given twice", error(GOOD + "  id: a.b.2\n"));
    assertEquals("t.yml:7: rule 2 is empty", error(GOOD + "-\n"));
    assertEquals("t.yml:7: rule 2 is not a mapping of keys", error(GOOD + "- just text\n"));
    assertEquals("t.yml:1: not a list of rules", error("a: 1\n"));
    assertTrue(error(GOOD + "  examples: [\n").matches("t\\.yml:[0-9]+: not valid YAML"), error(GOOD + "  examples: [\n"));
  }

  @Test
  void parse_aSecretWhereAKeyOrAValueBelongs_isNeverQuoted() {
    String token = new TokenForge(new java.util.Random(3)).base62Crc32("ghp_");
    for (String yaml : List.of(GOOD + "  " + token + ": 1\n", GOOD + "  " + token.substring(4, 30) + ": 1\n", GOOD.replace("api_key", token), GOOD.replace("low", token),
        GOOD.replace("[k]", token), GOOD + "  max_length: " + token + "\n", "[ \"" + token + "\n", GOOD + "  '" + token + "\n")) {
      String m = error(yaml);
      assertTrue(m.startsWith("t.yml:"), m);
      assertFalse(m.contains(token.substring(4, 20)), "the message quotes the secret (fingerprint only): " + m.hashCode());
    }
  }
}
