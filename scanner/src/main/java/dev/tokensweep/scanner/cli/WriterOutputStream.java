package dev.tokensweep.scanner.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Lets byte-oriented reporters write to picocli's output writer. Bytes are buffered and decoded
 * as UTF-8 on flush at a character boundary, so a multi-byte character is never split.
 */
final class WriterOutputStream extends OutputStream {
  /** Bytes held before they are decoded and written: few writer calls, and a bound on what is held. */
  private static final int DRAIN_AT = 1 << 16;
  private final Writer writer;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  WriterOutputStream(Writer writer) {
    this.writer = writer;
  }

  @Override
  public void write(int b) throws IOException {
    pending.write(b);
    if (pending.size() >= DRAIN_AT) {
      drain();
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    pending.write(b, off, len);
    if (pending.size() >= DRAIN_AT) {
      drain();
    }
  }

  private void drain() throws IOException {
    byte[] all = pending.toByteArray();
    int end = all.length;
    // hold back an incomplete UTF-8 sequence at the end
    int i = end - 1;
    int back = 0;
    while (i >= 0 && back < 3 && (all[i] & 0xC0) == 0x80) {
      i--;
      back++;
    }
    if (i >= 0 && (all[i] & 0x80) != 0) {
      int need = (all[i] & 0xE0) == 0xC0 ? 2 : (all[i] & 0xF0) == 0xE0 ? 3 : 4;
      if (end - i < need) {
        end = i;
      }
    }
    writer.write(new String(all, 0, end, StandardCharsets.UTF_8));
    pending.reset();
    pending.write(all, end, all.length - end);
  }

  @Override
  public void flush() throws IOException {
    drain();
    writer.flush();
  }
}
