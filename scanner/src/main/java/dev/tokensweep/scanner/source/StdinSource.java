package dev.tokensweep.scanner.source;

import java.io.InputStream;

/** Standard input as one stream, named {@link Source#STDIN} in locations. */
record StdinSource(InputStream in) implements Source {

  @Override
  public java.nio.file.Path root() {
    return null;
  }

  @Override
  public void walk(Inputs inputs) {
    inputs.stream(in, STDIN);
  }
}
