package dev.tokensweep.scanner.sanitize;

import dev.tokensweep.scanner.expand.Spool;
import dev.tokensweep.scanner.model.ScanLimits;
import dev.tokensweep.scanner.pipeline.Scanner;
import dev.tokensweep.scanner.read.Stores;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sanitizer's decision for application stores with secrets in them. A SQLite database is
 * masked in place, same length, so the real SQLite still opens it ({@code PRAGMA
 * integrity_check} says ok): a record header stores lengths, never content, and the main file
 * has no checksums. The bytes of every secret are found where the reader finds them, so a secret
 * cut by an overflow page's pointer is masked on both pages; then the usual forms are replaced
 * everywhere else (index keys, which repeat the table's values). A journal, a LevelDB store, a
 * git packfile and a SQLite {@code -wal} file are left out with a problem instead, and so is a
 * database whose index holds a secret (a masked key would break the index's order or uniqueness):
 * their fields are hashed and compressed, their blocks, objects and frames checksummed, so no
 * same-length edit leaves them readable.
 */
final class StoreCopies {
  /** Bytes copied at a time while a store is written with its patches: few calls, bounded memory. */
  private static final int COPY_BUFFER = 1 << 16;
  private StoreCopies() {}

  static String describe(Stores.Kind k) {
    return switch (k) {
      case JOURNAL -> "systemd journal";
      case SQLITE -> "SQLite database";
      case SQLITE_WAL -> "SQLite write-ahead log";
      case LEVELDB -> "LevelDB table";
      case LEVELDB_LOG -> "LevelDB log";
      case GIT_PACK -> "git packfile";
    };
  }

  static String why(Stores.Kind k) {
    return switch (k) {
      case JOURNAL -> "its fields are hashed (and large ones compressed), so a masked copy would fail journalctl --verify"
          + " and lose entries";
      case SQLITE_WAL -> "its frames carry cumulative checksums, so SQLite would drop every frame from the first masked one";
      case GIT_PACK -> "its objects are zlib-compressed and named by the hash of their contents, and the pack ends in a"
          + " checksum, so a masked copy would not open; rewrite the history (git filter-repo) and rotate the secret";
      default -> "its blocks and records are checksummed (and table blocks compressed), so a masked copy would not open";
    };
  }

  /**
   * Writes the masked database to {@code out}; returns the occurrences masked, or -1 when a
   * secret is also where the reader does not read values (index b-trees): masking an index key
   * can break the index's order or uniqueness, so the database must be left out.
   */
  static long sqlite(Sanitizer.LeafSource source, String path, List<byte[]> secrets, Scanner scanner, Sanitizer.Options options,
      Replacer.Forms forms, OutputStream out) throws IOException {
    TreeMap<Long, Byte> patch = new TreeMap<>();
    long[] found = {0};
    ScanLimits limits = ScanLimits.defaults();
    try (InputStream in = source.open()) {
      Stores.sqliteOccurrences(in, path, secrets, scanner.detector().overlap(), limits, (offset, width, bigEndian, first) -> {
        if (first) {
          found[0]++;
        }
        if (width == 1) {
          patch.put(offset, (byte) '*');
        } else {
          patch.put(offset, bigEndian ? (byte) 0 : (byte) '*');
          patch.put(offset + 1, bigEndian ? (byte) '*' : (byte) 0);
        }
      });
    }
    try (Spool spool = new Spool(options.spoolCap()); Spool checked = new Spool(options.spoolCap())) {
      try (InputStream in = source.open(); OutputStream o = spool.output()) {
        copyPatched(in, o, patch);
      }
      long more;
      try (InputStream in = spool.input(); OutputStream o = checked.output()) {
        more = new Replacer(forms, options.chunkBytes()).copy(in, o);
      }
      if (more > 0) {
        return -1; // also in index keys: masking them would break the index (order, uniqueness)
      }
      try (InputStream in = checked.input()) {
        in.transferTo(out);
      }
      return found[0];
    }
  }

  private static void copyPatched(InputStream in, OutputStream out, TreeMap<Long, Byte> patch) throws IOException {
    byte[] buf = new byte[COPY_BUFFER];
    long pos = 0;
    int n;
    while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
      for (Map.Entry<Long, Byte> e : patch.subMap(pos, pos + n).entrySet()) {
        buf[(int) (e.getKey() - pos)] = e.getValue();
      }
      out.write(buf, 0, n);
      pos += n;
    }
  }
}
