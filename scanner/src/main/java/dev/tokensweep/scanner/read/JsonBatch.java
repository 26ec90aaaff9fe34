package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.model.Location;
import java.nio.charset.StandardCharsets;

/**
 * The keys and values of many lines or objects, joined one per line into one buffer and handed
 * to the detector in one call. One call per value (a JSON-lines log holds a dozen short strings
 * a line) spent its time in per-call costs and in the keyword walk's one-stream path, which is
 * bound by the latency of its table loads; a buffer of {@value #BATCH_BYTES} is walked as six
 * interleaved streams. Each entry keeps where it came from, and the locator finds an offset's
 * entry by binary search. A newline between entries ends a match as a line's end does in text.
 */
final class JsonBatch {
  /** What one detector call gets at most (an entry longer than that goes alone). */
  static final int BATCH_BYTES = 64 << 10;

  final SegmentSink sink;
  final String path;
  final JsonReader.CleanKeys clean = new JsonReader.CleanKeys(); // the lines of a leaf mostly repeat the same keys
  private final String format;
  /** The encoding that locations name when the leaf was transcoded to be read; null as stored. */
  String encoding;
  private byte[] buf = new byte[BATCH_BYTES];
  private int len;
  private int[] starts = new int[256];
  private Entry[] entries = new Entry[256];
  private int count;
  private int markLen = -1;
  private int markCount;

  /**
   * One key or value: {@code head} bytes of label before the value (a secret there is reported
   * from its own place); a key ({@code name} not null) is reported at {@code offset} within
   * {@code [.., end)}, a value at {@code offset} plus its place in the value, also before {@code end}.
   */
  private static final class Entry {
    final int head;
    final long offset;
    final long end;
    final long line; // NONE when unknown
    final long column; // NONE when unknown
    final String jsonPath;
    final String part;
    final String name;
    boolean located;

    Entry(int head, long offset, long end, long line, long column, String jsonPath, String part, String name) {
      this.head = head;
      this.offset = offset;
      this.end = end;
      this.line = line;
      this.column = column;
      this.jsonPath = jsonPath;
      this.part = part;
      this.name = name;
    }
  }

  JsonBatch(SegmentSink sink, String path, String format) {
    this.sink = sink;
    this.path = path;
    this.format = format;
  }

  /** A line or column that is not known (a nested document's column). */
  static final long NONE = -1;

  /**
   * A string value after its label: {@code "label": "value"} when {@code sep} is
   * {@link JsonReader#QUOTED}, else {@code label + sep + value}, and the value alone when the
   * label is empty. The head is written here, ASCII a char at a time, so a value costs no string
   * of its own (the concatenation per value was most of the walk's own time: async-profiler).
   * {@code end} bounds the offsets located in the value: where its token ends in the leaf.
   */
  void value(String label, String sep, String value, long offset, long end, long line, long column, String jsonPath,
      String part) {
    boolean json = sep == JsonReader.QUOTED;
    byte[] l = ascii(label) ? null : label.getBytes(StandardCharsets.UTF_8);
    byte[] v = ascii(value) ? null : value.getBytes(StandardCharsets.UTF_8);
    int labelBytes = l == null ? label.length() : l.length;
    int head = labelBytes == 0 ? 0 : json ? labelBytes + 5 : labelBytes + sep.length();
    int at = reserve(head + (v == null ? value.length() : v.length) + 1);
    int p = at;
    if (head > 0) {
      if (json) {
        buf[p++] = '"';
      }
      p = put(label, l, p);
      if (json) {
        buf[p++] = '"';
        buf[p++] = ':';
        buf[p++] = ' ';
        buf[p++] = '"';
      } else {
        p = put(sep, null, p);
      }
    }
    p = put(value, v, p);
    if (json) {
      buf[p++] = '"';
    }
    len = p;
    add(at, new Entry(head, offset, end, line, column, jsonPath, part, null));
  }

  private static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** Writes {@code s} at {@code p}: its UTF-8 {@code utf8}, or, when null, its chars (ASCII); returns where it ends. */
  private int put(String s, byte[] utf8, int p) {
    if (utf8 != null) {
      System.arraycopy(utf8, 0, buf, p, utf8.length);
      return p + utf8.length;
    }
    int n = s.length();
    for (int i = 0; i < n; i++) {
      buf[p + i] = (byte) s.charAt(i);
    }
    return p + n;
  }

  /** An object key, scanned where it stands. */
  void key(String name, long offset, long end, long line, long column, String jsonPath) {
    byte[] k = name.getBytes(StandardCharsets.UTF_8);
    int at = reserve(k.length);
    System.arraycopy(k, 0, buf, at, k.length);
    len = at + k.length;
    add(at, new Entry(0, offset, end, line, column, jsonPath, Location.KEY, name));
  }

  /**
   * From here to {@link #commit} or {@link #rollback}, entries are only held: one JSON line's (at
   * most the reader's line cap, and a few times that with its labels).
   */
  void mark() {
    markLen = len;
    markCount = count;
  }

  void commit() {
    markLen = -1;
    if (len >= BATCH_BYTES) {
      flush();
    }
  }

  /** Takes back the entries added since {@link #mark}. */
  void rollback() {
    for (int i = markCount; i < count; i++) {
      entries[i] = null;
    }
    count = markCount;
    len = markLen;
    markLen = -1;
  }

  /** Room for {@code n} more bytes and a separator; returns where the entry starts. */
  private int reserve(int n) {
    if (markLen < 0 && len > 0 && len + 1 + n > BATCH_BYTES) {
      flush();
    }
    if (len > 0) {
      buf[len++] = '\n';
    }
    if (len + n + 1 > buf.length) {
      buf = java.util.Arrays.copyOf(buf, len + n + 1);
    }
    return len;
  }

  private void add(int start, Entry e) {
    if (count == starts.length) {
      starts = java.util.Arrays.copyOf(starts, count * 2);
      entries = java.util.Arrays.copyOf(entries, count * 2);
    }
    starts[count] = start;
    entries[count++] = e;
  }

  /** Scans what is held. Call before anything else goes to {@link #sink}, and at the end. */
  void flush() {
    if (count == 0) {
      return;
    }
    final int n = count;
    final int[] s = starts;
    final Entry[] es = entries;
    sink.segment(buf, 0, len, q -> {
      int i = java.util.Arrays.binarySearch(s, 0, n, q);
      if (i < 0) {
        i = -i - 2;
      }
      Entry e = es[Math.max(0, i)];
      int r = q - s[Math.max(0, i)];
      if (e.name != null) {
        e.located = true;
        // an escaped key (\\u0041, invalid bytes read as U+FFFD) decodes to another length than it
        // is stored: the offset is then approximate, but never past the key as stored
        long at = e.offset + r;
        return new Location(path, e.line == NONE ? null : e.line, e.column == NONE ? null : e.column + r,
            Math.max(0, Math.min(at, e.end - 1)), null, null, encoding, e.jsonPath, null, format, null, null, Location.KEY);
      }
      // a value decoded from UTF-16 or UTF-32 is longer in UTF-8 than in the leaf: its offsets are
      // then approximate, but never past the value's token (nor the leaf's end); found by fuzzing
      return r < e.head ? null : new Location(path, e.line == NONE ? null : e.line,
          e.column == NONE ? null : e.column + r - e.head, Math.max(0, Math.min(e.offset + r - e.head, e.end - 1)),
          null, null, encoding, e.jsonPath, null, format, null, null, e.part);
    });
    for (int i = 0; i < n; i++) {
      if (es[i].name != null && !es[i].located) {
        clean.add(es[i].name);
      }
      es[i] = null;
    }
    count = 0;
    len = 0;
    if (buf.length > BATCH_BYTES) {
      buf = new byte[BATCH_BYTES]; // one long value made it grow: do not keep that
    }
  }
}
