package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the command line, with what it printed: how the CLI tests run tokensweep. */
record Run(int exit, String out, String err) {

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  /** The findings of a {@code --format jsonl} run, in the order printed. */
  java.util.List<com.fasterxml.jackson.databind.JsonNode> jsonlFindings() throws java.io.IOException {
    java.util.List<com.fasterxml.jackson.databind.JsonNode> found = new java.util.ArrayList<>();
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String line : out.split("\n")) {
      com.fasterxml.jackson.databind.JsonNode n = json.readTree(line);
      if ("finding".equals(n.path("type").asText())) {
        found.add(n);
      }
    }
    return found;
  }

  /**
   * Fails when {@code piece} (a run from the middle of a synthetic secret) is on standard output
   * or standard error; the message says where, never the piece. {@code what} names the case.
   */
  void assertNotPrinted(String piece, String what) {
    assertFalse(out.contains(piece), what + " printed in clear at " + out.indexOf(piece));
    assertFalse(err.contains(piece), what + " printed in clear on stderr");
  }
}
