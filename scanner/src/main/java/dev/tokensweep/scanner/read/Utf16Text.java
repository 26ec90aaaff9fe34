package dev.tokensweep.scanner.read;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The text of a file that starts with a UTF-16 byte-order mark, as UTF-8, a block at a time. A
 * block is decoded as UTF-16 only when it looks like it: UTF-16 text that holds any ASCII (and
 * every token is ASCII) has NUL bytes, so a block without one is passed on as it is. A stray
 * {@code FF FE} before UTF-8 or ASCII text, or ASCII lines appended to a UTF-16 log by another
 * writer, are then scanned as written, where decoding them as UTF-16 would turn every token into
 * CJK characters.
 */
final class Utf16Text extends InputStream {
  static final int BLOCK = 8192;

  private final InputStream in;
  private final CharsetDecoder decoder;
  private final boolean bigEndian;
  private final byte[] raw = new byte[BLOCK];
  private int carried; // raw[0, carried): bytes of a code unit or surrogate pair split by the block's end
  private byte[] out = new byte[0];
  private int outPos;
  private boolean eof;
  private boolean rawBefore; // the last block ended inside a run passed on as it is

  Utf16Text(InputStream in, boolean bigEndian) {
    this.in = in;
    this.bigEndian = bigEndian;
    this.decoder = (bigEndian ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE).newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
  }

  @Override
  public int read() throws IOException {
    return dev.tokensweep.scanner.expand.Streams.readByte(this);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (outPos >= out.length) {
      if (!fill()) {
        return -1;
      }
    }
    int n = Math.min(len, out.length - outPos);
    System.arraycopy(out, outPos, b, off, n);
    outPos += n;
    return n;
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    int n = in.readNBytes(raw, carried, raw.length - carried);
    int total = carried + n;
    eof = total < raw.length;
    carried = 0;
    outPos = 0;
    if (total == 0) {
      out = new byte[0];
      return false;
    }
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream(total + total / 2);
    int pos = 0;
    while (pos < total) {
      int run = nulFreeRun(pos, total);
      if (run < 0) {
        decode(pos, total, eof, o);
        rawBefore = false;
        break;
      }
      rawBefore = false;
      if ((run - pos) % 2 != 0) {
        run++; // the unit's other byte belongs to the UTF-16 text before the run
      }
      decode(pos, run, true, o);
      int end = run;
      while (end < total && raw[end] != 0) {
        end++;
      }
      if (end < total && !bigEndian && end - 1 > run) {
        end--; // UTF-16LE puts the NUL second: the byte before it starts the text that follows
      }
      o.write(raw, run, end - run); // not UTF-16: as it is
      pos = end;
      rawBefore = end == total;
    }
    out = o.toByteArray();
    return true;
  }

  /**
   * Decodes {@code raw[from, to)} as UTF-16 into {@code o}. With {@code last} false, the bytes of
   * a code unit or surrogate pair cut by {@code to} are kept for the next block.
   */
  private void decode(int from, int to, boolean last, java.io.ByteArrayOutputStream o) {
    if (to <= from) {
      return;
    }
    ByteBuffer src = ByteBuffer.wrap(raw, from, to - from);
    CharBuffer chars = CharBuffer.allocate((to - from) / 2 + 4);
    decoder.decode(src, chars, last);
    if (last) {
      decoder.flush(chars);
      decoder.reset();
    }
    chars.flip();
    ByteBuffer utf8 = StandardCharsets.UTF_8.encode(chars);
    o.write(utf8.array(), utf8.arrayOffset() + utf8.position(), utf8.remaining());
    if (!last) {
      carried = src.remaining();
      System.arraycopy(raw, src.position(), raw, 0, carried);
    }
  }

  /** Bytes without a NUL that UTF-16 text holding ASCII could not have in a row. */
  static final int MIN_RAW_RUN = 32;

  /**
   * Where the first run of at least {@link #MIN_RAW_RUN} bytes without a NUL starts in
   * {@code [from, to)}, or -1; a run at {@code from} of any length when the block before ended in
   * one (a run cut by the block's end).
   */
  private int nulFreeRun(int from, int to) {
    int start = from;
    for (int i = from; i < to; i++) {
      if (raw[i] == 0) {
        if (start == from && i > from && rawBefore) {
          return from;
        }
        start = i + 1;
      } else if (i + 1 - start >= MIN_RAW_RUN) {
        return start;
      }
    }
    return start == from && to > from && rawBefore ? from : -1;
  }
}
