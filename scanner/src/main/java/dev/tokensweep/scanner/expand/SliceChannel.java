package dev.tokensweep.scanner.expand;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * The bytes {@code [from, to)} of a file as a channel of their own, read only: a zip inside a
 * larger file opened as if it were the whole file, so the zip reader finds its end record at the
 * end and counts its offsets from its start. Closing it closes the file.
 */
final class SliceChannel implements SeekableByteChannel {
  private final FileChannel file;
  private final long from;
  private final long size;
  private long pos;

  SliceChannel(FileChannel file, long from, long to) {
    this.file = file;
    this.from = from;
    this.size = to - from;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (pos >= size) {
      return -1;
    }
    int room = (int) Math.min(dst.remaining(), size - pos);
    ByteBuffer part = dst.slice();
    part.limit(room);
    int n = file.read(part, from + pos);
    if (n > 0) {
      dst.position(dst.position() + n);
      pos += n;
    }
    return n;
  }

  @Override
  public long position() {
    return pos;
  }

  @Override
  public SeekableByteChannel position(long newPosition) {
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position");
    }
    pos = newPosition;
    return this;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public SeekableByteChannel truncate(long newSize) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return file.isOpen();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
