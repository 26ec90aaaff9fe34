package dev.tokensweep.detectors.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streamed built-in catalogue must be the one data binding reads, rule for rule. */
class CatalogueReaderTest {

  private static InputStream builtinFile(String file) {
    return Rules.class.getResourceAsStream(Rules.BUILTIN_DIR + file);
  }

  @Test
  void read_everyBuiltinFile_equalsDataBinding() throws IOException {
    for (String file : Rules.builtinFiles()) {
      List<Rule> bound;
      List<Rule> streamed;
      try (InputStream a = builtinFile(file); InputStream b = builtinFile(file)) {
        bound = Rules.parse(a, file);
        streamed = CatalogueReader.read(b, file);
      }
      assertEquals(bound, streamed, file);
    }
  }

  @Test
  void lineReader_everyBuiltinFile_readsItWithoutFallingBackAndEqualsDataBinding() throws Exception {
    // the fast path must stay the path the built-in files take: a file it cannot read still
    // loads (through the YAML parser), only slower, so this test is what notices
    for (String file : Rules.builtinFiles()) {
      byte[] bytes;
      try (InputStream in = builtinFile(file)) {
        bytes = in.readAllBytes();
      }
      List<Rule> lines = LineRuleReader.read(new String(bytes, StandardCharsets.UTF_8));
      assertEquals(Rules.parse(new ByteArrayInputStream(bytes), file), lines, file);
      assertEquals(lines, CatalogueReader.stream(bytes, file), file);
    }
  }

  @Test
  void lineReader_quotingEscapesCommentsAndLists_equalDataBinding() throws Exception {
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

            - ends with a colon:
          references:
          max_length: 300

        - id: acme.internal.2
          name: -second
          kind: password
          keywords:
            - pw
          pattern: "pw=(\\\\S+)"
          severity: low
          min_entropy: 2.5
        """;
    String subset = yaml.replace("    - ends with a colon:\n", "");
    assertEquals(Rules.parse(stream(subset), "t.yml"), LineRuleReader.read(subset));
    // a plain scalar ending in ':' is a mapping to YAML; this reader leaves it to the parser
    assertThrows(LineRuleReader.Unsupported.class, () -> LineRuleReader.read(yaml));
  }

  @Test
  void read_yamlBeyondTheLineSubset_fallsBackToTheParser() {
    String blockScalar = """
        - id: a.b.1
          name: n
          kind: api_key
          keywords: [k]
          pattern: '(k)'
          severity: low
          description: |
            two
            lines
        """;
    String multiLine = """
        - id: a.b.1
          name: a name that goes on
            over two lines
          kind: api_key
          keywords: [k]
          pattern: '(k)'
          severity: low
        """;
    for (String yaml : List.of(blockScalar, multiLine, "---\n" + blockScalar)) {
      assertThrows(LineRuleReader.Unsupported.class, () -> LineRuleReader.read(yaml));
      assertEquals(Rules.parse(stream(yaml), "t.yml"), CatalogueReader.read(stream(yaml), "t.yml"));
    }
  }

  @Test
  void builtin_equalsTheCatalogueReadByDataBinding() throws IOException {
    List<Rule> bound = new ArrayList<>();
    int declared = 0; // "- id:" lines: every rule written in the files, none dropped by either reader
    for (String file : Rules.builtinFiles()) {
      try (InputStream in = builtinFile(file)) {
        bound.addAll(Rules.parse(in, file));
      }
      try (InputStream in = builtinFile(file)) {
        declared += (int) new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
            .filter(l -> l.startsWith("- id:")).count();
      }
    }
    assertTrue(bound.size() > 71, "the catalogue holds " + bound.size() + " rules");
    assertEquals(declared, bound.size());
    assertEquals(bound, Rules.builtin());
  }

  @Test
  void read_everyOptionalField_equalsDataBinding() {
    String yaml = """
        - id: acme.internal.1
          name: ACME internal token
          kind: api_key
          keywords: [acme_, ACME_]
          pattern: '\\b(acme_[a-z0-9]{32})\\b'
          validate: []
          min_entropy: 3
          severity: HIGH
          prefix: acme_
          examples: ['ACME_TOKEN=acme_0123456789abcdefghijklmnopqrstuv']
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
          keywords: [pw]
          pattern: 'pw=(\\S+)'
          severity: low
          min_entropy: 2.5
        """;
    assertEquals(Rules.parse(stream(yaml), "t.yml"), CatalogueReader.read(stream(yaml), "t.yml"));
    assertEquals(List.of(), CatalogueReader.read(stream("# nothing yet\n"), "t.yml"));
  }

  @Test
  void read_unknownKey_namesFileAndLine() {
    String yaml = "- id: a.b.1\n  name: n\n  kind: api_key\n  keywords: [k]\n  pattern: '(k)'\n  severity: low\n  sevrity: low\n";
    Rules.RuleFileException e = assertThrows(Rules.RuleFileException.class, () -> CatalogueReader.read(stream(yaml), "t.yml"));
    assertTrue(e.getMessage().startsWith("t.yml:7: unknown key 'sevrity'"), e.getMessage());
  }

  @Test
  void read_missingRequiredKey_namesTheRulesLine() {
    String yaml = "- id: a.b.1\n  name: n\n  kind: api_key\n  keywords: [k]\n  pattern: '(k)'\n";
    Rules.RuleFileException e = assertThrows(Rules.RuleFileException.class, () -> CatalogueReader.read(stream(yaml), "t.yml"));
    assertTrue(e.getMessage().startsWith("t.yml:1: rule has no 'severity'"), e.getMessage());
  }

  @Test
  void read_badKind_namesTheLine() {
    String yaml = "- id: a.b.1\n  name: n\n  kind: apikey\n  keywords: [k]\n  pattern: '(k)'\n  severity: low\n";
    Rules.RuleFileException e = assertThrows(Rules.RuleFileException.class, () -> CatalogueReader.read(stream(yaml), "t.yml"));
    assertTrue(e.getMessage().startsWith("t.yml:3: unknown kind 'apikey'"), e.getMessage());
  }

  private static InputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void packed_equalsTheFilesReadOneByOne() throws Exception {
    // the jar reads the built-in files as one packed resource; it must hold exactly the files
    byte[] packed = Rules.packFiles();
    assertEquals(Rules.readFiles(), LineRuleReader.read(new String(packed, java.nio.charset.StandardCharsets.UTF_8)));
    try (InputStream in = Rules.class.getResourceAsStream(Rules.BUILTIN_DIR + Rules.PACKED)) {
      if (in != null) { // written by the build; a stale copy would load old rules
        org.junit.jupiter.api.Assertions.assertArrayEquals(packed, in.readAllBytes());
      }
    }
    assertEquals(Rules.readFiles(), Rules.builtin());
  }
}
