package dev.tokensweep.detectors.engine;

/**
 * A reusable view of a byte range as a {@link CharSequence}, one char per byte (ISO-8859-1), so
 * re2j runs over the scanned bytes without decoding or copying them and its offsets are byte
 * offsets. Not thread-safe: one per thread.
 */
final class ByteWindow implements CharSequence {
  private byte[] buf;
  private int from;
  private int length;

  ByteWindow reset(byte[] buf, int from, int to) {
    this.buf = buf;
    this.from = from;
    this.length = to - from;
    return this;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public char charAt(int index) {
    return (char) (buf[from + index] & 0xFF);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return new ByteWindow().reset(buf, from + start, from + end);
  }

  @Override
  public String toString() {
    return new String(buf, from, length, java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
