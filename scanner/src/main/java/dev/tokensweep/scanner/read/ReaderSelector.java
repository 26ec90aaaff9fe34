package dev.tokensweep.scanner.read;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Chooses the reader for a leaf from its name and its first bytes (magic first, names second).
 * Archives and compressed streams never reach here: the dispatcher expands them first.
 *
 * <p>Order: known token caches (by path; read by a {@link TokenCacheReader} around the reader
 * their content calls for), dump magic ({@code MDMP}, ELF core, hprof), binary
 * journal export format (starts {@code __CURSOR=}), binary content (NUL bytes or mostly non-text in the head), shell histories (by name, then by content),
 * {@code hs_err_pid} logs, mail messages and mboxes (by content: {@link QuotedPrintableText#looksLikeMail}),
 * JSON (by name or content), then plain text. Binary is decided by
 * content only, never by name. The pipeline wraps every reader in the decoding layers
 * ({@code decode/}).
 */
public final class ReaderSelector {
  private final int chunkBytes;

  /** Bytes of a JSON head searched for the keys that tell OTLP telemetry apart: they come in its first object. */
  private static final int JSON_KIND_PROBE = 4096;
  private final dev.tokensweep.scanner.model.ScanLimits limits;

  public ReaderSelector(int chunkBytes) {
    this(chunkBytes, dev.tokensweep.scanner.model.ScanLimits.defaults());
  }

  /** With {@code limits} for the store readers (spool size, decompressed bytes and ratio). */
  public ReaderSelector(int chunkBytes, dev.tokensweep.scanner.model.ScanLimits limits) {
    this.chunkBytes = chunkBytes;
    this.limits = limits;
  }

  /**
   * The reader for the leaf at {@code path} whose first bytes are {@code head[0, headLength)}.
   *
   * The reader is the format's own; the caller adds the decoding layers around it.
   *
   * @param path the whole location chain; its last element is the leaf's own name
   */
  public Reader select(String path, byte[] head, int headLength) {
    return choose(path, head, headLength);
  }

  /**
   * The reader chosen for a leaf with this head, when it can read the leaf in parts
   * ({@link PartReader}): plain text or JSON lines (each line is read on its own whatever its
   * bytes), with no byte-order mark to transcode; null otherwise.
   */
  public PartReader partReader(String path, byte[] head, int n) {
    if (utf16Mark(head, n)) {
      return null; // transcoded from its start: a part in the middle would be read as bytes
    }
    Reader r = choose(path, head, n);
    if (r instanceof JsonReader json && json.mode() == JsonReader.Mode.LINES) {
      return json;
    }
    // a mail's structure is followed from its start: a part in the middle would not know its encoding
    return r.getClass() == TextReader.class && !TextReader.MAIL.equals(r.format()) ? (TextReader) r : null;
  }

  Reader choose(String path, byte[] head, int n) {
    String leafPath = leafPath(path);
    String name = leafPath.substring(leafPath.lastIndexOf('/') + 1);
    String lower = name.toLowerCase(Locale.ROOT);
    String dump = dumpKind(head, n);
    boolean binary = dump != null || isBinary(head, n);
    String cache = TokenCaches.kind(leafPath);
    if (cache != null) {
      String format = "token-cache:" + cache;
      Reader inner;
      if (SqliteReader.looksLike(head, n)) {
        inner = new SqliteReader(chunkBytes, limits, false, format);
      } else if (binary) {
        inner = new BinaryReader(format, chunkBytes);
      } else if (startsJson(head, n)) {
        inner = new JsonReader(format, JsonReader.Mode.DOCUMENT, chunkBytes);
      } else {
        inner = new TextReader(chunkBytes, format);
      }
      return new TokenCacheReader(cache, inner);
    }
    Reader store = store(lower, head, n);
    if (store != null) {
      return store;
    }
    if (dump == null && JournalExportReader.looksLike(head, n)) {
      return new JournalExportReader(chunkBytes); // its binary fields' lengths would look binary
    }
    if (binary) {
      return new BinaryReader(dump == null ? "binary" : dump, chunkBytes);
    }
    HistoryReader.Dialect d = historyByName(lower);
    if (d == null) {
      d = historyByContent(head, n);
    }
    if (d != null) {
      return new HistoryReader(d, chunkBytes);
    }
    if (lower.startsWith("hs_err_pid") || startsWith(head, n, "#\n# A fatal error has been detected by the Java Runtime")) {
      return new TextReader(chunkBytes, "hs-err");
    }
    if (QuotedPrintableText.looksLikeMail(head, n)) {
      return new TextReader(chunkBytes, TextReader.MAIL);
    }
    String json = jsonKind(lower, head, n);
    if (json != null) {
      boolean lines = json.equals("jsonl") || json.equals("sentry-envelope") || lower.endsWith(".jsonl")
          || lower.endsWith(".ndjson") || firstLineIsJsonAndMoreFollow(head, n);
      return new JsonReader(json, lines ? JsonReader.Mode.LINES : JsonReader.Mode.DOCUMENT, chunkBytes);
    }
    return new TextReader(chunkBytes);
  }

  /**
   * The reader for an application store, by magic ({@code SQLite format 3}, the WAL magic, the
   * journal's {@code LPKSHHRH}, a git pack's {@code PACK}), else null.
   */
  private Reader store(String lower, byte[] head, int n) {
    if (SqliteReader.looksLike(head, n)) {
      return new SqliteReader(chunkBytes, limits, false);
    }
    if (SqliteReader.looksLikeWal(head, n)) {
      return new SqliteReader(chunkBytes, limits, true);
    }
    if (JournalReader.looksLike(head, n)) {
      return new JournalReader(chunkBytes, limits);
    }
    if (GitPackReader.looksLike(head, n)) {
      return new GitPackReader(chunkBytes, limits);
    }
    if (LevelDbReader.tableByName(lower)) {
      return new LevelDbReader(chunkBytes, limits, false);
    }
    if (LevelDbReader.looksLikeLog(lower, head, n)) {
      return new LevelDbReader(chunkBytes, limits, true);
    }
    return null;
  }

  /** The part of the chain after the last archive separator, with {@code /} separators. */
  static String leafPath(String path) {
    return dev.tokensweep.scanner.expand.Names.leafPath(path).replace('\\', '/');
  }

  static HistoryReader.Dialect historyByName(String lower) {
    return switch (lower) {
      case ".bash_history", "bash_history", ".sh_history" -> HistoryReader.Dialect.BASH;
      case ".zsh_history", "zsh_history", ".histfile", ".zhistory" -> HistoryReader.Dialect.ZSH;
      case "fish_history" -> HistoryReader.Dialect.FISH;
      case "consolehost_history.txt" -> HistoryReader.Dialect.POWERSHELL;
      case ".psql_history" -> HistoryReader.Dialect.PSQL;
      case ".mysql_history" -> HistoryReader.Dialect.MYSQL;
      case ".sqlite_history" -> HistoryReader.Dialect.SQLITE;
      case ".python_history" -> HistoryReader.Dialect.PYTHON;
      case ".node_repl_history" -> HistoryReader.Dialect.NODE;
      default -> null;
    };
  }

  static HistoryReader.Dialect historyByContent(byte[] head, int n) {
    if (startsWith(head, n, HistoryReader.LIBEDIT_HEADER + "\n") || startsWith(head, n, HistoryReader.LIBEDIT_HEADER + "\r\n")) {
      return HistoryReader.Dialect.LIBEDIT;
    }
    if (HistoryReader.zshHeader(head, 0, Math.min(n, 40)) > 0) {
      return HistoryReader.Dialect.ZSH;
    }
    if (startsWith(head, n, "- cmd: ")) {
      return HistoryReader.Dialect.FISH;
    }
    int nl = indexOf(head, n, (byte) '\n');
    if (nl > 0 && HistoryReader.bashTimestamp(head, 0, nl) >= 0) {
      return HistoryReader.Dialect.BASH;
    }
    return null;
  }

  /** {@code minidump}, {@code elf-core} or {@code hprof} from the magic bytes, else null. */
  static String dumpKind(byte[] h, int n) {
    if (startsWith(h, n, "MDMP")) {
      return "minidump";
    }
    if (n >= 18 && (h[0] & 0xFF) == 0x7F && h[1] == 'E' && h[2] == 'L' && h[3] == 'F') {
      boolean little = h[5] != 2;
      int type = little ? (h[16] & 0xFF) | (h[17] & 0xFF) << 8 : (h[17] & 0xFF) | (h[16] & 0xFF) << 8;
      return type == 4 ? "elf-core" : null; // ET_CORE; other ELF files are plain binaries
    }
    if (startsWith(h, n, "JAVA PROFILE 1.0.")) {
      return "hprof";
    }
    return null;
  }

  /**
   * Binary by content: a NUL byte, or more than 10% of the head outside text (control bytes other
   * than tab, CR, LF, FF, ESC). A UTF-16 text file with a byte-order mark is text (TextReader
   * transcodes it); so is valid UTF-8.
   */
  private static final long HIGH_BITS = 0x8080808080808080L;

  /** Whether any of the word's eight bytes is below 0x20 (exact as a yes/no, whichever bytes are high). */
  static boolean anyBelow0x20(long w) {
    return ((w - 0x2020202020202020L) & ~w & HIGH_BITS) != 0;
  }

  /** Whether a head starts with a UTF-16 byte-order mark, either byte order. */
  static boolean utf16Mark(byte[] h, int n) {
    return n >= 2 && ((h[0] & 0xFF) == 0xFF && (h[1] & 0xFF) == 0xFE || (h[0] & 0xFF) == 0xFE && (h[1] & 0xFF) == 0xFF);
  }

  /** Whether a leaf with this head is read as a binary ({@link BinaryReader}), not as text. */
  public static boolean isBinary(byte[] h, int n) {
    if (utf16Mark(h, n)) {
      return false;
    }
    // both passes skip eight bytes at a time where a word holds nothing they count: each ran a
    // byte at a time over every leaf's head, 8 KiB of each small file (5% of a directory scan)
    int odd = 0;
    for (int i = 0; i < n; i++) {
      if (i + 8 <= n && !anyBelow0x20(ByteScan.word(h, i))) {
        i += 7;
        continue;
      }
      int c = h[i] & 0xFF;
      if (c == 0) {
        return true;
      }
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B && c != 0x01) {
        odd++;
      }
    }
    if (odd * 10 > n) {
      return true;
    }
    if (n == 0) {
      return false;
    }
    // bytes >= 0x80 that are not valid UTF-8 (Latin-1 text passes as long as it is a minority)
    int bad = 0;
    for (int i = 0; i < n; ) {
      if (i + 8 <= n && (ByteScan.word(h, i) & HIGH_BITS) == 0) {
        i += 8; // eight ASCII bytes
        continue;
      }
      int c = h[i] & 0xFF;
      int k = c < 0x80 ? 0 : c >= 0xC2 && c < 0xE0 ? 1 : c >= 0xE0 && c < 0xF0 ? 2 : c >= 0xF0 && c < 0xF5 ? 3 : -1;
      if (k < 0) {
        bad++;
        i++;
        continue;
      }
      int j = 1;
      while (j <= k && i + j < n && (h[i + j] & 0xC0) == 0x80) {
        j++;
      }
      if (j <= k && i + j < n) {
        bad++;
        i++;
      } else {
        i += j;
      }
    }
    return bad * 10 > n * 3;
  }

  static String jsonKind(String lower, byte[] h, int n) {
    if (lower.endsWith(".har")) {
      return "har";
    }
    String text = new String(h, 0, Math.min(n, JSON_KIND_PROBE), StandardCharsets.ISO_8859_1);
    boolean starts = startsJson(h, n);
    if (starts && (text.contains("\"resourceSpans\"") || text.contains("\"resourceLogs\"")
        || text.contains("\"resourceMetrics\""))) {
      return "otlp-json";
    }
    if (starts && text.contains("\"log\"") && text.contains("\"entries\"") && text.contains("\"creator\"")) {
      return "har";
    }
    if (starts && (lower.endsWith(".envelope") || isSentryEnvelope(text))) {
      return "sentry-envelope";
    }
    if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
      return "jsonl";
    }
    if (lower.endsWith(".json") || starts && firstLineIsJsonAndMoreFollow(h, n)) {
      return firstLineIsJsonAndMoreFollow(h, n) ? "jsonl" : "json";
    }
    if (starts && endsJsonInHead(h, n)) {
      return "json";
    }
    return null;
  }

  private static boolean isSentryEnvelope(String text) {
    int nl = text.indexOf('\n');
    if (nl < 0) {
      return false;
    }
    String first = text.substring(0, nl);
    String rest = text.substring(nl + 1);
    return (first.contains("\"event_id\"") || first.contains("\"dsn\"") || first.contains("\"sent_at\""))
        && rest.startsWith("{") && rest.substring(0, Math.max(0, rest.indexOf('\n'))).contains("\"type\"");
  }

  static boolean startsJson(byte[] h, int n) {
    int i = skipSpace(h, n, 0);
    return i < n && (h[i] == '{' || h[i] == '[');
  }

  /** A small document that ends within the head: parse it all to be sure it is JSON. */
  private static boolean endsJsonInHead(byte[] h, int n) {
    return n < dev.tokensweep.scanner.expand.Sniffer.HEAD && JsonReader.valid(h, 0, n);
  }

  static boolean firstLineIsJsonAndMoreFollow(byte[] h, int n) {
    int s = skipSpace(h, n, 0);
    int nl = indexOf(h, n, (byte) '\n', s);
    if (nl < 0 || s >= n || h[s] != '{') {
      return false;
    }
    int next = skipSpace(h, n, nl + 1);
    return next < n && h[next] == '{' && JsonReader.valid(h, s, nl - s);
  }

  private static int skipSpace(byte[] h, int n, int i) {
    if (i == 0 && n >= 3 && (h[0] & 0xFF) == 0xEF && (h[1] & 0xFF) == 0xBB && (h[2] & 0xFF) == 0xBF) {
      i = 3;
    }
    while (i < n && (h[i] == ' ' || h[i] == '\t' || h[i] == '\r' || h[i] == '\n')) {
      i++;
    }
    return i;
  }

  private static int indexOf(byte[] h, int n, byte b) {
    return indexOf(h, n, b, 0);
  }

  private static int indexOf(byte[] h, int n, byte b, int from) {
    for (int i = from; i < n; i++) {
      if (h[i] == b) {
        return i;
      }
    }
    return -1;
  }

  static boolean startsWith(byte[] h, int n, String s) {
    return HistoryReader.startsWith(h, 0, n, s);
  }
}
