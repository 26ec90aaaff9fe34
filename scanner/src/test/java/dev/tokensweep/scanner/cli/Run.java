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

  /**
   * Fails when {@code piece} (a run from the middle of a synthetic secret) is on standard output
   * or standard error; the message says where, never the piece. {@code what} names the case.
   */
  void assertNotPrinted(String piece, String what) {
    assertFalse(out.contains(piece), what + " printed in clear at " + out.indexOf(piece));
    assertFalse(err.contains(piece), what + " printed in clear on stderr");
  }
}
