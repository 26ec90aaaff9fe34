package dev.tokensweep.scanner.read;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one leaf format. The caller owns and closes {@code in}. A reader streams: its memory must
 * not grow with the size of the leaf.
 */
public interface Reader {

  /** A short name for the format, used in locations ({@code text}, {@code zsh-history}, ...). */
  String format();

  /** Reads the leaf at {@code path} (the whole archive chain) and hands its text to {@code sink}. */
  void read(InputStream in, String path, SegmentSink sink) throws IOException;

  /**
   * Reads the leaf, which is also the plain file {@code file} on disk when that is not null (no
   * archive or compression around it): readers that need random access (the journal, SQLite and
   * LevelDB stores) open it in place instead of spooling {@code in}. Others ignore it.
   */
  default void read(InputStream in, String path, java.nio.file.Path file, SegmentSink sink) throws IOException {
    read(in, path, sink);
  }
}
