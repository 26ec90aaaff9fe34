package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.model.Location;

/**
 * Locations in one chunk of a text stream, read in chunks ({@link TextReader}, and {@code redact}
 * over stdin): line, column and offset in the stream. Lines are counted from the owned range's
 * first byte on demand, and the count so far is kept: findings come mostly in order, and the
 * chunk's advance then only counts the bytes after the last one (one newline pass a chunk, not
 * one a finding more).
 */
public final class ChunkLocator implements Locator, LineCounting {
  private final String path;
  private final String encoding;
  private final String format;
  private final byte[] buf;
  private final long base;       // stream offset of buf[0]
  private final int own;
  private final long lineAtOwn;
  private final long lineStartBeforeBuf;
  private int countedTo;         // newlines in [own, countedTo) are counted: lines
  private long lines;
  private int ownedNewlines = -1; // newlines in the owned range, when a decoding pass told them
  private int[] toldAt = new int[0]; // places the decoding pass told, in order: newlines in [own, toldAt[k])
  private int[] toldCount = toldAt;
  private int nTold;

  /**
   * Locations in {@code buf}, whose first byte is at stream offset {@code base}; its owned range
   * starts at {@code own}, on line {@code lineAtOwn}, and the line holding {@code buf[0]} starts at
   * stream offset {@code lineStartBeforeBuf} when it starts before the buffer. {@code encoding} and
   * {@code format} are named in every location.
   */
  public ChunkLocator(String path, String encoding, String format, byte[] buf, long base, int own, long lineAtOwn,
      long lineStartBeforeBuf) {
    this.path = path;
    this.encoding = encoding;
    this.format = format;
    this.buf = buf;
    this.base = base;
    this.own = own;
    this.lineAtOwn = lineAtOwn;
    this.lineStartBeforeBuf = lineStartBeforeBuf;
    this.countedTo = own;
  }

  @Override
  public LineCounting lineCounting() {
    return this;
  }

  @Override
  public void ownedNewlines(int count) {
    ownedNewlines = count;
  }

  @Override
  public void newlinesBefore(int p, int count) {
    if (nTold == toldAt.length) {
      toldAt = java.util.Arrays.copyOf(toldAt, Math.max(16, nTold * 2));
      toldCount = java.util.Arrays.copyOf(toldCount, toldAt.length);
    }
    toldAt[nTold] = p;
    toldCount[nTold++] = count;
  }

  /** The line number after the owned range {@code [own, ownEnd)}: told, or counted. */
  public long lineAfter(int ownEnd) {
    return ownedNewlines >= 0 ? lineAtOwn + ownedNewlines : lineAt(ownEnd);
  }

  /** The line number of {@code buf[p]}; bytes before the owned range count as its first line. */
  long lineAt(int p) {
    if (p <= own) {
      return lineAtOwn;
    }
    // count from the nearest place before p whose count is known: the owned range's start, the
    // last place located (findings come mostly in order), or one the decoding pass told
    int at = own;
    long n = 0;
    if (countedTo <= p) {
      at = countedTo;
      n = lines;
    }
    int k = lastTold(p);
    if (k >= 0 && toldAt[k] > at) {
      at = toldAt[k];
      n = toldCount[k];
    }
    // or back from the nearest known place after p, when that is nearer: the last place located,
    // or the next place told (they are SegmentPass.TELL bytes apart, findings of a dense log closer)
    int after = countedTo > p ? countedTo : Integer.MAX_VALUE;
    long afterLines = lines;
    if (k + 1 < nTold && toldAt[k + 1] < after) {
      after = toldAt[k + 1];
      afterLines = toldCount[k + 1];
    }
    if (after != Integer.MAX_VALUE && after - p < p - at) {
      n = afterLines - ByteScan.count(buf, p, after, (byte) '\n');
    } else {
      n += ByteScan.count(buf, at, p, (byte) '\n');
    }
    if (p >= countedTo) {
      countedTo = p;
      lines = n;
    }
    return lineAtOwn + n;
  }

  private int toldCursor; // where lastTold looked last: findings come mostly in order

  /** The index of the last place told at or before {@code p}, or -1. */
  private int lastTold(int p) {
    int k = toldCursor;
    if (k < nTold && toldAt[k] <= p) {
      while (k + 1 < nTold && toldAt[k + 1] <= p) {
        k++;
      }
    } else {
      k = java.util.Arrays.binarySearch(toldAt, 0, nTold, p);
      k = k >= 0 ? k : -k - 2;
    }
    toldCursor = Math.max(k, 0);
    return k;
  }

  // the last place located and the stream offset of its line's start: a line with many findings
  // (one 1 MB line with ~18,000) had each one's line start looked for back from it, byte by byte
  private int lastLocated = -1;
  private long lastLineStart;

  @Override
  public Location locate(int p) {
    long line = lineAt(p);
    // back to the line's start, or only to the place located last when that is before p on the
    // same line (findings come mostly in order)
    boolean after = lastLocated >= 0 && lastLocated <= p;
    int i = ByteScan.lastIndexOf(buf, after ? lastLocated : 0, p, (byte) '\n');
    long lineStart = i >= 0 ? base + i + 1 : after ? lastLineStart : lineStartBeforeBuf;
    lastLocated = p;
    lastLineStart = lineStart;
    long offset = base + p;
    return new Location(path, line, offset - lineStart + 1, offset, null, null, encoding, null, null, format);
  }
}
