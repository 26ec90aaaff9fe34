package dev.tokensweep.scanner.read;

import java.io.IOException;
import java.io.InputStream;

/**
 * Shell and REPL histories read as records. Each entry is decoded as its shell stores it (zsh
 * metafied bytes restored, libedit {@code strvis} escapes undone, fish escapes, continuation lines
 * joined) and handed to the detector alone, so a match never spans two entries. Findings name the
 * entry (1-based, in file order: for Node, whose history is newest first, entry 1 is the newest)
 * and its timestamp when the file has one. Offsets, lines and columns are those of the stored
 * bytes in the leaf: a decoded byte is located at the first stored byte of its encoding. An entry
 * longer than the chunk is scanned in chunks with overlap, so memory stays bounded.
 */
final class HistoryReader implements Reader {

  /** How a history file stores its entries. */
  enum Dialect {
    BASH("bash-history"),
    ZSH("zsh-history"),
    FISH("fish-history"),
    POWERSHELL("powershell-history"),
    /** {@code _HiStOrY_V2_} files, whatever program wrote them. */
    LIBEDIT("libedit-history"),
    /** readline psql: 0x01 stands for a newline inside an entry. */
    PSQL("psql-history"),
    MYSQL("mysql-history"),
    SQLITE("sqlite-history"),
    /** Python REPL: 3.13+ writes {@code \r\n} inside an entry; macOS builds write libedit files. */
    PYTHON("python-history"),
    NODE("node-history");

    final String format;

    Dialect(String format) {
      this.format = format;
    }
  }

  static final String LIBEDIT_HEADER = "_HiStOrY_V2_";

  private final Dialect dialect;
  private final int chunk;

  /**
   * Line pieces the parser sees at most (a longer line comes in pieces, its state kept between
   * them): a history line is short, and an entry is buffered by {@link EntryBuffer} up to the
   * chunk anyway, so a larger piece only costs memory. At least {@link #MIN_PIECE} so that a
   * dialect's markers (a zsh timestamp header) fit in one piece.
   */
  private static final int MAX_PIECE = 1 << 16;
  private static final int MIN_PIECE = 256;

  HistoryReader(Dialect dialect, int chunkBytes) {
    this.dialect = dialect;
    this.chunk = chunkBytes;
  }

  @Override
  public String format() {
    return dialect.format;
  }

  @Override
  public void read(InputStream in, String path, SegmentSink sink) throws IOException {
    // Windows PowerShell writes UTF-16 with a byte-order mark when a history is saved or redirected
    TextReader.Transcoded t = TextReader.transcoded(in);
    EntryBuffer eb = new EntryBuffer(sink, path, dialect.format, chunk);
    eb.encoding(t.encoding());
    Parser p = new Parser(eb);
    LineFeeder.feed(t.body(), Math.max(MIN_PIECE, Math.min(chunk, MAX_PIECE)), p::piece);
    p.finish();
  }

  /** The per-line state machine of every dialect; state survives line pieces. */
  private final class Parser {
    private final EntryBuffer eb;
    private long entries;
    private boolean libedit = dialect == Dialect.LIBEDIT;
    private boolean bashTimestamps;
    // a stored byte held back until we know whether it ends the line (zsh '\', CR, fish/libedit escapes)
    private int held = -1;
    private long heldAt;
    private boolean continues; // the previous line asked to be continued
    private boolean metaNext; // zsh: last byte was 0x83
    private long metaAt;
    private boolean inPaths; // fish: inside a paths: list
    private boolean skipLine; // rest of the current line is not entry text
    private int entryLines; // stored lines that gave text to the current entry
    // libedit escape in progress
    private final byte[] esc = new byte[4];
    private int escLen;
    private long escAt;
    private boolean fishEsc;
    private long fishEscAt;
    private int lastByte = -1; // last stored byte of the current line (for PowerShell's backtick)

    Parser(EntryBuffer eb) {
      this.eb = eb;
    }

    void piece(byte[] b, int off, int len, long offset, long line, boolean start, boolean end) {
      int i = off;
      int stop = off + len;
      if (start) {
        i = lineStart(b, off, len, offset, line);
      }
      if (!skipLine) {
        for (; i < stop; i++) {
          stored(b[i], offset + (i - off));
        }
      }
      if (end) {
        lineEnd(offset + len);
      }
    }

    /** Handles the start of a line; returns where its entry text begins. */
    private int lineStart(byte[] b, int off, int len, long offset, long line) {
      skipLine = false;
      lastByte = -1;
      boolean cont = continues;
      continues = false;
      if (line == 1 && startsWith(b, off, len, LIBEDIT_HEADER)) {
        libedit = true;
        skipLine = true;
        return off + len;
      }
      switch (dialect) {
        case BASH -> {
          long ts = bashTimestamp(b, off, len);
          if (ts >= 0) {
            bashTimestamps = true;
            newEntry(ts);
            skipLine = true;
            return off + len;
          }
          if (bashTimestamps && eb.open()) {
            if (entryLines > 0) {
              newline(offset - 1); // a multi-line entry keeps its newlines
            }
          } else {
            newEntry(null);
          }
        }
        case ZSH -> {
          if (cont && eb.open()) {
            break; // the held '\' became the newline
          }
          int semi = zshHeader(b, off, len);
          if (semi >= 0) {
            newEntry(parseLong(b, off + 2, off + len));
            eb.line(line, offset);
            return semi + 1;
          }
          newEntry(null);
        }
        case FISH -> {
          if (startsWith(b, off, len, "- cmd: ")) {
            inPaths = false;
            newEntry(null);
            eb.line(line, offset);
            entryLines = 1;
            return off + 7;
          }
          if (startsWith(b, off, len, "  when: ")) {
            eb.timestamp(parseLong(b, off + 8, off + len));
            skipLine = true;
            return off + len;
          }
          if (startsWith(b, off, len, "  paths:")) {
            inPaths = true;
            skipLine = true;
            return off + len;
          }
          if (inPaths && startsWith(b, off, len, "    - ")) {
            skipLine = true; // paths repeat the command's own arguments
            return off + len;
          }
          // not fish's shape: keep it as more text of the current entry, never drop it
          if (eb.open()) {
            newline(offset - 1);
          } else {
            newEntry(null);
          }
        }
        case POWERSHELL -> {
          if (cont && eb.open()) {
            newline(offset - 1);
          } else {
            newEntry(null);
          }
        }
        default -> {
          if (cont && eb.open()) {
            break; // Python/libedit CR continuation: the held CR became the newline
          }
          newEntry(null);
        }
      }
      eb.line(line, offset);
      entryLines++;
      return off;
    }

    private void newEntry(Long ts) {
      eb.begin(++entries, ts);
      entryLines = 0;
    }

    private void newline(long at) {
      eb.put((byte) '\n', at);
    }

    private void lineEnd(long eolOffset) {
      if (held >= 0) {
        int h = held;
        held = -1;
        if (h == '\\' && dialect == Dialect.ZSH) {
          eb.put((byte) '\n', heldAt);
          continues = true;
        } else if (h == '\r' && (dialect == Dialect.PYTHON || libedit)) {
          eb.put((byte) '\n', heldAt);
          continues = true;
        } else if (h == '\r') {
          // a CRLF line end: not entry text
        } else {
          eb.put((byte) h, heldAt);
        }
      }
      if (fishEsc) {
        eb.put((byte) '\\', fishEscAt);
        fishEsc = false;
      }
      if (escLen > 0) {
        flushEscape();
      }
      if (dialect == Dialect.POWERSHELL && lastByte == '`') {
        continues = true;
      }
      metaNext = false;
    }

    /** One stored byte of entry text. */
    private void stored(byte b, long at) {
      if (!eb.open()) {
        newEntry(null);
      }
      int c = b & 0xFF;
      if (held >= 0) {
        int h = held;
        held = -1;
        decoded((byte) h, heldAt);
      }
      if (c == '\r' || (c == '\\' && dialect == Dialect.ZSH && !metaNext)) {
        held = c;
        heldAt = at;
        if (c == '\\') {
          lastByte = c;
        }
        return;
      }
      lastByte = c;
      decoded(b, at);
    }

    /** A stored byte that is not a line-level marker: undo the dialect's escaping. */
    private void decoded(byte b, long at) {
      int c = b & 0xFF;
      if (dialect == Dialect.ZSH) {
        if (metaNext) {
          metaNext = false;
          eb.put((byte) (c ^ 0x20), metaAt);
          return;
        }
        if (c == 0x83) {
          metaNext = true;
          metaAt = at;
          return;
        }
        eb.put(b, at);
        return;
      }
      if (libedit) {
        unvis(b, at);
        return;
      }
      switch (dialect) {
        case FISH -> {
          if (fishEsc) {
            fishEsc = false;
            if (c == '\\') {
              eb.put((byte) '\\', fishEscAt);
            } else if (c == 'n') {
              eb.put((byte) '\n', fishEscAt);
            } else {
              eb.put((byte) '\\', fishEscAt);
              eb.put(b, at);
            }
          } else if (c == '\\') {
            fishEsc = true;
            fishEscAt = at;
          } else {
            eb.put(b, at);
          }
        }
        case PSQL -> eb.put(c == 0x01 ? (byte) '\n' : b, at);
        default -> eb.put(b, at);
      }
    }

    /** libedit strvis: {@code \ooo}, {@code \^X}, {@code \M-X}, {@code \M^X} and C-style escapes. */
    private void unvis(byte b, long at) {
      if (escLen == 0) {
        if (b == '\\') {
          esc[0] = b;
          escLen = 1;
          escAt = at;
        } else {
          eb.put(b, at);
        }
        return;
      }
      esc[escLen++] = b;
      int c1 = esc[1] & 0xFF;
      if (c1 >= '0' && c1 <= '7') {
        if (escLen > 1 && !isOctal(esc[escLen - 1])) {
          // fewer than three digits: decode what we have, then this byte afresh
          escLen--;
          emitOctal();
          unvis(b, at);
          return;
        }
        if (escLen == 4) {
          emitOctal();
        }
        return;
      }
      if (c1 == '^') {
        if (escLen == 3) {
          eb.put((byte) ctrl(esc[2] & 0xFF), escAt);
          escLen = 0;
        }
        return;
      }
      if (c1 == 'M') {
        if (escLen == 2) {
          return;
        }
        int c2 = esc[2] & 0xFF;
        if (c2 == '-' && escLen == 4) {
          eb.put((byte) ((esc[3] & 0xFF) | 0x80), escAt);
          escLen = 0;
        } else if (c2 == '^' && escLen == 4) {
          eb.put((byte) (ctrl(esc[3] & 0xFF) | 0x80), escAt);
          escLen = 0;
        } else if (c2 != '-' && c2 != '^') {
          flushEscape();
        }
        return;
      }
      int d = switch (c1) {
        case '\\' -> '\\';
        case 'n' -> '\n';
        case 'r' -> '\r';
        case 't' -> '\t';
        case 's' -> ' ';
        case 'b' -> '\b';
        case 'a' -> 7;
        case 'v' -> 11;
        case 'f' -> '\f';
        case 'E' -> 27;
        default -> -1;
      };
      if (d >= 0) {
        eb.put((byte) d, escAt);
        escLen = 0;
      } else {
        flushEscape();
      }
    }

    private void emitOctal() {
      int v = 0;
      for (int k = 1; k < escLen; k++) {
        v = v * 8 + (esc[k] - '0');
      }
      eb.put((byte) v, escAt);
      escLen = 0;
    }

    /** An escape that is not one: keep its bytes as stored. */
    private void flushEscape() {
      if (escLen > 1 && (esc[1] & 0xFF) >= '0' && (esc[1] & 0xFF) <= '7') {
        emitOctal();
        return;
      }
      for (int k = 0; k < escLen; k++) {
        eb.put(esc[k], escAt + k);
      }
      escLen = 0;
    }

    void finish() {
      lineEnd(-1);
      eb.end();
    }
  }

  private static boolean isOctal(byte b) {
    return b >= '0' && b <= '7';
  }

  private static int ctrl(int c) {
    return c == '?' ? 0x7F : c & 0x1F;
  }

  static boolean startsWith(byte[] b, int off, int len, String s) {
    if (len < s.length()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (b[off + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** {@code #<epoch>} alone on a line (bash HISTTIMEFORMAT): the epoch, else -1. */
  static long bashTimestamp(byte[] b, int off, int len) {
    int end = off + len;
    while (end > off && (b[end - 1] == '\r' || b[end - 1] == ' ')) {
      end--;
    }
    int n = end - off - 1;
    if (n < 9 || n > 12 || b[off] != '#') {
      return -1;
    }
    for (int i = off + 1; i < end; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return -1;
      }
    }
    return parseLong(b, off + 1, end);
  }

  /** {@code : <start>:<elapsed>;}: the index of the ';', else -1. */
  static int zshHeader(byte[] b, int off, int len) {
    int end = Math.min(off + len, off + 40);
    if (len < 5 || b[off] != ':' || b[off + 1] != ' ') {
      return -1;
    }
    int i = off + 2;
    int d = i;
    while (i < end && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    if (i == d || i >= end || b[i] != ':') {
      return -1;
    }
    i++;
    d = i;
    while (i < end && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    if (i == d || i >= end || b[i] != ';') {
      return -1;
    }
    return i;
  }

  /** Leading decimal digits of {@code b[from, to)}, or null when there are none. */
  static Long parseLong(byte[] b, int from, int to) {
    long v = 0;
    int i = from;
    while (i < to && b[i] == ' ') {
      i++;
    }
    int start = i;
    while (i < to && b[i] >= '0' && b[i] <= '9' && i - start < 18) {
      v = v * 10 + (b[i] - '0');
      i++;
    }
    return i == start ? null : v;
  }
}
