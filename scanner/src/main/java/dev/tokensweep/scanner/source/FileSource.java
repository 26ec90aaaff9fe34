package dev.tokensweep.scanner.source;

import java.nio.file.Path;

/**
 * A file or directory named on the command line: a file is one input, a directory every regular
 * file under it, walked by {@link FileWalker} (symlinks followed only when asked).
 */
record FileSource(Path root, boolean followLinks) implements Source {

  @Override
  public void walk(Inputs inputs) {
    new FileWalker(followLinks).walkSized(root, inputs::directory, inputs::file, inputs::problem);
  }
}
