package dev.tokensweep.scanner.source;

import dev.tokensweep.scanner.model.Problem;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * What yields a scan's inputs: one thing a user names on the command line, a file or directory
 * ({@link FileSource}) or stdin ({@link StdinSource}). A source hands what it holds, in the order
 * of its walk, to {@link Inputs}: directories (their names are input too), regular files, streams
 * without a file behind them, and problems instead of what it cannot give; it never stops because
 * one entry failed.
 */
public sealed interface Source permits FileSource, StdinSource {

  /** The name {@code -} stands for stdin on the command line. */
  String STDIN_ARGUMENT = "-";

  /** The name stdin gets in locations. */
  String STDIN = "(stdin)";

  /** Where a source's inputs go, in walk order. */
  interface Inputs {
    /** A directory under the source's root (not the root itself), before anything inside it. */
    void directory(Path dir);

    /** A regular, readable file. */
    void file(Path file);

    /** A regular, readable file of {@code size} bytes as the walk saw it (-1: not known). */
    default void file(Path file, long size) {
      file(file);
    }

    /** A stream with no file behind it, named {@code name} in locations; the source closes nothing. */
    void stream(InputStream in, String name);

    /** What could not be given, located. */
    void problem(Problem problem);
  }

  /** The source for {@code input} as named on the command line: {@code -} is stdin. */
  static Source of(String input, InputStream stdin, boolean followLinks) {
    return STDIN_ARGUMENT.equals(input) ? new StdinSource(stdin) : new FileSource(Path.of(input), followLinks);
  }

  /** The path the user named, or null for a stream such as stdin. */
  Path root();

  /** Hands everything this source holds to {@code inputs}. */
  void walk(Inputs inputs);
}
