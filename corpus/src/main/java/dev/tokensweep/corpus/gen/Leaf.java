package dev.tokensweep.corpus.gen;

import java.util.List;

/** A file's bytes and the secrets planted in it, before it is written somewhere or archived. */
record Leaf(String name, byte[] bytes, List<Planted> planted) {
  Leaf {
    planted = List.copyOf(planted);
  }
}
