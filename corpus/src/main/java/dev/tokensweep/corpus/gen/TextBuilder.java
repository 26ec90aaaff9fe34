package dev.tokensweep.corpus.gen;

import dev.tokensweep.corpus.Capability;
import dev.tokensweep.corpus.SourceType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a text leaf and records where each planted secret lands: line, column (bytes, 1-based),
 * byte offset and, for histories, the entry number.
 */
final class TextBuilder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
  private final List<Planted> planted = new ArrayList<>();
  private final SourceType source;
  private long line = 1;
  private long lineStart;
  private Long entry;

  TextBuilder(SourceType source) {
    this.source = source;
  }

  TextBuilder add(String s) {
    return raw(s.getBytes(StandardCharsets.UTF_8));
  }

  TextBuilder line(String s) {
    return add(s).add("\n");
  }

  TextBuilder raw(byte[] b) {
    int base = out.size();
    out.write(b, 0, b.length);
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\n') {
        line++;
        lineStart = base + i + 1L;
      }
    }
    return this;
  }

  /** Writes {@code t}'s value here and labels it. */
  TextBuilder plant(Token t, String context, Capability... extra) {
    long offset = out.size();
    planted.add(Planted.of(t, source, line, offset - lineStart + 1, offset, entry, null, context, extra));
    return add(t.value());
  }

  /**
   * Writes {@code written} (an encoding of {@code t}, such as base64 of {@code user:token}) and
   * labels {@code t} at its start.
   */
  TextBuilder plantEncoded(Token t, String written, String context, Capability... extra) {
    long offset = out.size();
    planted.add(Planted.of(t, source, line, offset - lineStart + 1, offset, entry, null, context, extra));
    return add(written);
  }

  /** Labels {@code t} as starting here without writing it (a second view of what comes next). */
  TextBuilder label(Token t, String context, Capability... extra) {
    long offset = out.size();
    planted.add(Planted.of(t, source, line, offset - lineStart + 1, offset, entry, null, context, extra));
    return this;
  }

  /** Sets the shell-history entry number of what follows. */
  void entry(long n) {
    entry = n;
  }

  long size() {
    return out.size();
  }

  Leaf leaf(String name) {
    return new Leaf(name, out.toByteArray(), planted);
  }
}
