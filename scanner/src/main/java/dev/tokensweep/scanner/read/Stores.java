package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;

/**
 * What the sanitizer needs to know about the application stores the readers understand: which
 * store a leaf is, and where a SQLite database stores each byte of a secret (also across an
 * overflow page's pointer), so that it can be masked in place.
 */
public final class Stores {
  private Stores() {}

  /** The stores, as the sanitizer treats them. */
  public enum Kind { JOURNAL, SQLITE, SQLITE_WAL, LEVELDB, LEVELDB_LOG, GIT_PACK }

  /** The store a leaf is, from its name and first bytes; null when it is none. */
  public static Kind of(String path, byte[] head, int n) {
    String name = ReaderSelector.leafPath(path);
    String lower = name.substring(name.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    if (JournalReader.looksLike(head, n)) {
      return Kind.JOURNAL;
    }
    if (SqliteReader.looksLike(head, n)) {
      return Kind.SQLITE;
    }
    if (SqliteReader.looksLikeWal(head, n)) {
      return Kind.SQLITE_WAL;
    }
    if (GitPackReader.looksLike(head, n)) {
      return Kind.GIT_PACK;
    }
    if (LevelDbReader.tableByName(lower)) {
      return Kind.LEVELDB;
    }
    if (LevelDbReader.looksLikeLog(lower, head, n)) {
      return Kind.LEVELDB_LOG;
    }
    return null;
  }

  /** Receives one stored piece of a secret: its file offset, and 1 or 2 bytes (UTF-16, with its byte order). */
  @FunctionalInterface
  public interface Occurrence {
    void at(long fileOffset, int width, boolean bigEndian, boolean first);
  }

  /**
   * Walks the SQLite database in {@code in} as the reader does (values, free blocks, unreached
   * pages) and tells {@code out} where each byte of every occurrence of {@code secrets} is
   * stored. Offsets only; nothing is written.
   */
  public static void sqliteOccurrences(InputStream in, String path, List<byte[]> secrets, int overlap, ScanLimits limits,
      Occurrence out) throws IOException {
    SegmentSink sink = new SegmentSink() {
      @Override
      public void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
        for (byte[] s : secrets) {
          for (int i = ownFrom; i < ownTo && i + s.length <= to; i++) {
            if (buf[i] != s[0] || !java.util.Arrays.equals(buf, i, i + s.length, s, 0, s.length)) {
              continue;
            }
            for (int k = 0; k < s.length; k++) {
              Location l = locator.locate(i + k);
              if (l == null) {
                continue;
              }
              String e = l.encoding();
              boolean utf16 = "utf-16le".equals(e) || "utf-16be".equals(e);
              out.at(l.offset(), utf16 ? 2 : 1, "utf-16be".equals(e), k == 0);
            }
          }
        }
      }

      @Override
      public int overlap() {
        return overlap;
      }

      @Override
      public void problem(Problem problem) {
        // the scan pass has reported it already
      }
    };
    new SqliteReader(limits.maxLineBytes(), limits, false).read(in, path, null, sink);
  }
}
