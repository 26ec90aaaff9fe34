package dev.tokensweep.scanner.read;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.tokensweep.scanner.model.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * JSON documents (HAR, OTLP JSON, token caches) and JSON lines (logs, Sentry envelopes), read with
 * Jackson's streaming parser so memory does not grow with the document. Every string value is
 * handed to the detector unescaped, as a context line {@code <label>: <value>} whose label is the
 * field name, or the name of a {@code {name, value}} / {@code {key, value}} pair (HAR headers,
 * OTLP attributes) or of a {@code [name, value]} pair (Sentry headers); cookies, query strings and
 * form params get {@code <name>=<value>}. So key-aware rules see the key. A string that is itself
 * JSON (a log message holding a response body, a HAR body) is parsed in turn.
 *
 * <p>Locations carry the JSON path of the value ({@code log.entries[3].request.headers[1].value};
 * a path inside a nested JSON string continues the outer one). Line and column are the value's;
 * the offset is that of the value's first character in the leaf plus the offset inside the
 * unescaped value, exact when the value holds no escapes. A JSON-lines line that does not parse is
 * scanned as text, and a document that stops parsing is scanned as text from there, so no byte is
 * skipped.
 */
final class JsonReader implements PartReader {

  /** The separator that marks a plain field, handed over in JSON form. */
  static final String QUOTED = "\": \"";

  /** Whether the leaf is one document or one document per line. */
  enum Mode { DOCUMENT, LINES }

  /** Longest string value held at once; longer ones end JSON parsing and are scanned as text. */
  static final int MAX_STRING = 16 << 20;
  /** JSON held in a string value (an escaped body in a log field) is parsed this many levels deep; deeper is scanned as text. */
  private static final int MAX_NESTED = 3;
  /**
   * An object's string values are held until the object ends, to label a value with its pair's
   * name ({"name": "Authorization", "value": ...}): a value up to this long, and up to
   * {@link #PENDING_TOTAL} bytes an object; others are scanned at once, labelled by their own field.
   */
  private static final int PENDING_VALUE = 4096;
  private static final int PENDING_TOTAL = 64 * 1024;
  /** Nesting the parser accepts (Jackson's own default): deeper is a bomb, not a document, and is scanned as text. */
  private static final int MAX_DEPTH = 1000;
  /** A pair's name longer than this is no header or cookie name, and does not label its value. */
  private static final int MAX_PAIR_NAME = 256;
  /** The first line buffer of a JSON-lines leaf (it grows to the chunk for a longer line); at least {@link #MIN_LINE_CAP}. */
  private static final int FIRST_LINE_BUFFER = 1 << 16;
  private static final int MIN_LINE_CAP = 1024;
  private static final Set<String> PAIR_NAMES = Set.of("name", "key");
  private static final Set<String> PAIR_VALUES = Set.of("value", "stringValue", "Value");
  private static final Set<String> EQUALS_CONTAINERS = Set.of("cookies", "queryString", "query_string", "params");

  static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING).maxNestingDepth(MAX_DEPTH).build())
      .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
      .enable(JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER)
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .disable(com.fasterxml.jackson.core.StreamReadFeature.AUTO_CLOSE_SOURCE) // the caller owns the stream
      .build();

  /**
   * Walks every JSON line, none skipped by {@link KeywordStems}: the reference the randomized test
   * compares the skipping reader with. Tests only.
   */
  static volatile boolean walkEveryLine;

  private final String format;
  private final Mode mode;
  private final int chunk;

  JsonReader(String format, Mode mode, int chunkBytes) {
    this.format = format;
    this.mode = mode;
    this.chunk = chunkBytes;
  }

  @Override
  public String format() {
    return format;
  }

  Mode mode() {
    return mode;
  }

  @Override
  public void read(InputStream in, String path, SegmentSink sink) throws IOException {
    if (mode == Mode.LINES) {
      // lines cut at each 0x0A of UTF-16 (PowerShell 5's Out-File) held a NUL each and no token
      // matched; transcoded first, as plain text is (its offsets then those of the UTF-8 text)
      TextReader.Transcoded t = TextReader.transcoded(in);
      readLines(t.body(), path, sink, 0, Long.MAX_VALUE, t.encoding());
    } else {
      readDocument(in, path, sink);
    }
  }

  /** JSON lines are cut at line starts: each line is walked whole, so a part needs no context. */
  @Override
  public boolean partsAtLineStarts() {
    return true;
  }

  /**
   * {@inheritDoc} Here the part is read as a JSON-lines leaf of its own, up to {@code ownLimit}:
   * every line is walked, or scanned as text, as a read of the whole leaf would. JSON lines only.
   */
  @Override
  public PartLines readPart(InputStream in, String path, SegmentSink sink, long base0, int context, long ownLimit)
      throws IOException {
    if (mode != Mode.LINES) {
      throw new IllegalStateException("a JSON document is not read in parts");
    }
    if (context != 0) {
      throw new IllegalArgumentException("a part of JSON lines starts at a line's start, with no context: " + context);
    }
    return readLines(in, path, sink, base0, ownLimit, null);
  }

  private void readDocument(InputStream in, String path, SegmentSink sink) throws IOException {
    Replay replay = new Replay(in);
    JsonParser p = null;
    JsonBatch batch = new JsonBatch(sink, path, format);
    Walker w = new Walker(batch, 0, 0, Long.MAX_VALUE);
    w.replay = replay;
    try {
      // inside the try: the parser reads the first bytes to guess the encoding, and a start that
      // looks like an odd UCS-4 order fails there (CharConversionException); found by fuzzing
      p = FACTORY.createParser(replay);
      w.walk(p, "", 0);
      batch.flush();
      return;
    } catch (IOException | RuntimeException e) {
      // not JSON (any more): scan the rest as text from the end of the last token that parsed,
      // including the bytes of the token that failed (a string too long to hold, a stray word)
    }
    if (p != null) {
      p.close();
    }
    batch.flush();
    final long base = replay.keptFrom();
    final long baseLine = replay.keptLine() - 1;
    new TextReader(chunk).readChunks(replay.rest(), path, null, format, shifted(sink, base, baseLine));
  }

  /**
   * Keeps the bytes the parser has taken since the end of the last whole token, so a document that
   * stops parsing is scanned as text from there and no byte is dropped. Holds at most one token
   * (up to {@link #MAX_STRING}) plus the parser's read-ahead.
   */
  private static final class Replay extends InputStream {
    /** The first size of the kept bytes: most tokens and read-aheads fit; it grows up to MAX_STRING for one that does not. */
    private static final int FIRST_KEPT = 16 << 10;
    private final InputStream in;
    private byte[] kept = new byte[FIRST_KEPT];
    private int len;
    private long start; // the offset of kept[0] in the document
    private long keepFrom;
    private long keepLine = 1;

    Replay(InputStream in) {
      this.in = in;
    }

    /** Bytes before {@code offset}, which lies on line {@code line}, are no longer needed. */
    void keep(long offset, long line) {
      if (offset > keepFrom) {
        keepFrom = offset;
        keepLine = line;
      }
    }

    long keptFrom() {
      return keepFrom;
    }

    /** How many bytes of the document the parser has taken so far. */
    long readSoFar() {
      return start + len;
    }

    long keptLine() {
      return keepLine;
    }

    /** What was kept, then what the parser never read. */
    InputStream rest() {
      int skip = (int) Math.min(len, keepFrom - start);
      return new SequenceInputStream(new java.io.ByteArrayInputStream(kept, skip, len - skip), in);
    }

    @Override
    public int read() throws IOException {
      return dev.tokensweep.scanner.expand.Streams.readByte(this);
    }

    @Override
    public int read(byte[] b, int off, int n) throws IOException {
      int r = in.read(b, off, n);
      if (r > 0) {
        append(b, off, r);
      }
      return r;
    }

    private void append(byte[] b, int off, int n) {
      int drop = (int) Math.min(len, keepFrom - start);
      if (drop > 0) {
        System.arraycopy(kept, drop, kept, 0, len - drop);
        len -= drop;
        start += drop;
      }
      if (len + n > kept.length) {
        kept = java.util.Arrays.copyOf(kept, Math.max(len + n, kept.length * 2));
      }
      System.arraycopy(b, off, kept, len, n);
      len += n;
    }
  }

  /** A sink whose locations are moved on by {@code offset} bytes and {@code lines} lines. */
  private static SegmentSink shifted(SegmentSink sink, long offset, long lines) {
    return new SegmentSink.Forwarding(sink) {
      @Override
      public void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
        out.segment(buf, from, to, ownFrom, ownTo, q -> {
          Location l = locator.locate(q);
          return l == null ? null : new Location(l.path(), l.line() == null ? null : l.line() + lines, l.line() == null ? l.column() : null,
              l.offset() + offset, l.entry(), l.timestamp(), l.encoding(), l.jsonPath(), l.decodings(), l.format());
        });
      }
    };
  }

  /** Reads {@code in}, which starts at leaf offset {@code base0}, up to leaf offset {@code limit}. */
  /** @param encoding the leaf's when it was transcoded to be read (its locations name it), else null */
  private PartLines readLines(InputStream in, String path, SegmentSink sink, long base0, long limit, String encoding)
      throws IOException {
    int cap = Math.max(MIN_LINE_CAP, chunk);
    byte[][] line = {new byte[Math.min(cap, FIRST_LINE_BUFFER)]};
    int[] len = {0};
    long[] lineOffset = {0};
    JsonBatch batch = new JsonBatch(sink, path, format);
    batch.encoding = encoding;
    KeywordStems stems = walkEveryLine ? null : KeywordStems.of(sink.detector());
    KeywordStems.Lines seen = stems == null ? null : stems.lines();
    EntryBuffer[] fallback = {null};
    PartLines lines = LineFeeder.feed(in, Math.min(cap, FIRST_LINE_BUFFER), base0, limit, seen,
        (b, off, n, offset, lineNo, start, end) -> {
      if (start && end) {
        // a whole line in the feeder's buffer: walked there, not copied first
        lineDone(b, off, n, offset, lineNo, batch, seen);
        return;
      }
      if (start) {
        len[0] = 0;
        lineOffset[0] = offset;
        fallback[0] = null;
      }
      if (fallback[0] == null && len[0] + n > cap) {
        // too long to hold: scan this line as text, in chunks
        batch.flush();
        fallback[0] = new EntryBuffer(sink, path, format, chunk, false);
        fallback[0].encoding(encoding);
        fallback[0].begin(lineNo, null);
        fallback[0].line(lineNo, lineOffset[0]);
        for (int i = 0; i < len[0]; i++) {
          fallback[0].put(line[0][i], lineOffset[0] + i);
        }
      }
      if (fallback[0] != null) {
        for (int i = 0; i < n; i++) {
          fallback[0].put(b[off + i], offset + i);
        }
        if (end) {
          fallback[0].end();
        }
        return;
      }
      if (len[0] + n > line[0].length) {
        line[0] = java.util.Arrays.copyOf(line[0], Math.min(cap, Math.max(len[0] + n, line[0].length * 2)));
      }
      System.arraycopy(b, off, line[0], len[0], n);
      len[0] += n;
      if (end) {
        lineDone(line[0], 0, len[0], lineOffset[0], lineNo, batch, seen);
      }
    });
    batch.flush();
    return lines;
  }

  /** The whole line {@code line[from, from + len)}, at {@code offset} in the leaf. */
  private void lineDone(byte[] line, int from, int len, long offset, long lineNo, JsonBatch batch,
      KeywordStems.Lines stems) throws IOException {
    int s = from;
    int end = from + len;
    while (s < end && (line[s] == ' ' || line[s] == '\t' || line[s] == '\r')) {
      s++;
    }
    if (s == end) {
      return;
    }
    if (stems != null && !stems.mayHold(line, from, end)) {
      return; // no keyword in what the walk would hand on, nor in what the layers would decode
    }
    if (line[s] == '{' || line[s] == '[') {
      // walked at once (not checked by a parse of its own first): what a line that turns out not
      // to be JSON added is taken back, and the line is scanned as text
      batch.mark();
      try (JsonParser p = FACTORY.createParser(line, s, end - s)) {
        new Walker(batch, offset + (s - from), lineNo - 1, offset + len).walk(p, "", 0);
        batch.commit();
        return;
      } catch (IOException | RuntimeException e) {
        batch.rollback();
      }
    }
    batch.flush();
    EntryBuffer eb = new EntryBuffer(batch.sink, batch.path, format, Math.max(16, len), false);
    eb.encoding(batch.encoding);
    eb.begin(lineNo, null);
    eb.line(lineNo, offset);
    for (int i = 0; i < len; i++) {
      eb.put(line[from + i], offset + i);
    }
    eb.end();
  }

  /** Whether {@code b[off, off+len)} is exactly one JSON value (whitespace around it allowed). */
  static boolean valid(byte[] b, int off, int len) {
    try (JsonParser p = FACTORY.createParser(b, off, len)) {
      if (p.nextToken() == null) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** One open object or array. */
  private static final class Frame {
    final boolean array;
    final int pathLen;
    final String container; // the field this container is the value of
    final String inherited; // the pair name its string values stand for (OTLP attribute values)
    final String sep;
    String field;
    int index;
    String pairName;
    boolean pairValue; // a field named as a pair's value was met: its name field names something
    final List<Pending> pending = new ArrayList<>();
    int pendingBytes;
    int strings;
    int values;

    Frame(boolean array, int pathLen, String container, String inherited, String sep) {
      this.array = array;
      this.pathLen = pathLen;
      this.container = container;
      this.inherited = inherited;
      this.sep = sep;
    }

    String childLabel() {
      if (inherited != null) {
        return inherited;
      }
      return !array && pairName != null && field != null && PAIR_VALUES.contains(field) ? pairName : null;
    }
  }

  /** A string value held until its object or array ends, so its pair name is known. */
  private record Pending(String field, String value, String path, long offset, long end, long line, long column) {}

  /** Walks one document (or one nested JSON string) and hands its strings to the sink. */
  private final class Walker {
    private final JsonBatch batch;
    private final CleanKeys clean;
    private final long baseOffset;
    private final long baseLine;
    /** Leaf offsets located in this walk lie before this: the end of its line, or of the string it is nested in. */
    private final long limit;
    /** The document's input, for the outermost walker of a streamed document; null otherwise. */
    Replay replay;

    Walker(JsonBatch batch, long baseOffset, long baseLine, long limit) {
      this.batch = batch;
      this.clean = batch.clean;
      this.baseOffset = baseOffset;
      this.baseLine = baseLine;
      this.limit = limit;
    }

    void walk(JsonParser p, String prefix, int depth) throws IOException {
      Deque<Frame> stack = new ArrayDeque<>();
      try {
        walk(p, prefix, depth, stack);
      } catch (IOException | RuntimeException e) {
        // values that parsed before the error are still held: scan them before giving up
        while (!stack.isEmpty()) {
          flush(stack.pop(), depth);
        }
        throw e;
      }
    }

    private void walk(JsonParser p, String prefix, int depth, Deque<Frame> stack) throws IOException {
      StringBuilder jp = new StringBuilder(prefix);
      JsonToken t;
      while ((t = nextToken(p)) != null) {
        Frame f = stack.peek();
        switch (t) {
          case START_OBJECT, START_ARRAY -> {
            String container = null;
            String inherit = null;
            String sep = ": ";
            if (f != null) {
              element(f, jp);
              f.values++;
              container = f.array ? f.container : f.field;
              inherit = f.childLabel();
              if (f.array && f.container != null && EQUALS_CONTAINERS.contains(f.container)) {
                sep = "=";
              }
            }
            stack.push(new Frame(t == JsonToken.START_ARRAY, jp.length(), container, inherit, sep));
          }
          case END_OBJECT, END_ARRAY -> {
            Frame done = stack.pop();
            flush(done, depth);
            jp.setLength(done.pathLen);
          }
          case FIELD_NAME -> {
            f.field = p.currentName();
            jp.setLength(f.pathLen);
            appendField(jp, f.field);
            if (PAIR_VALUES.contains(f.field)) {
              f.pairValue = true;
            }
            if (!f.field.isEmpty() && !clean.contains(f.field)) { // most lines repeat keys already found clean
              key(f.field, jp.toString(), p.currentTokenLocation(), tokenEnd(p), depth);
            }
          }
          case VALUE_STRING -> {
            String v = p.getText();
            JsonLocation loc = p.currentTokenLocation();
            long end = tokenEnd(p); // after getText(): the parser has read the whole string
            if (f == null) {
              emit("", ": ", v, jp.toString(), loc, end, depth);
              break;
            }
            element(f, jp);
            f.values++;
            f.strings++;
            if (!f.array && PAIR_NAMES.contains(f.field)) {
              f.pairName = v;
            }
            if (v.length() <= PENDING_VALUE && f.pendingBytes + v.length() <= PENDING_TOTAL) {
              f.pending.add(new Pending(f.array ? null : f.field, v, jp.toString(), loc.getByteOffset(), end,
                  loc.getLineNr(), loc.getColumnNr()));
              f.pendingBytes += v.length();
            } else {
              String field = f.array ? null : f.field;
              String label = cookie(f, label(f, field));
              emit(label, quoted(field, label, f.sep) ? QUOTED : f.sep, v, jp.toString(), loc, end, depth);
            }
          }
          default -> {
            if (f != null) {
              element(f, jp);
              f.values++;
            }
          }
        }
      }
    }

    /**
     * The leaf offset the current token ends before, a bound on the offsets located in it. A
     * document Jackson reads as UTF-16 or UTF-32 has no byte offsets (and counts code units, whose
     * UTF-8 is up to half as long again as their bytes): there the bytes read so far bound it.
     */
    private long tokenEnd(JsonParser p) {
      long at = p.currentLocation().getByteOffset();
      long end = at >= 0 ? baseOffset + at : Long.MAX_VALUE;
      if (replay != null) {
        end = Math.min(end, baseOffset + replay.readSoFar());
      }
      return Math.min(end, limit);
    }

    private JsonToken nextToken(JsonParser p) throws IOException {
      if (replay != null) {
        JsonLocation at = p.currentLocation(); // the end of the last whole token
        replay.keep(at.getByteOffset(), at.getLineNr());
      }
      return p.nextToken();
    }

    /** Sets the path to the current element of {@code f} (arrays count their elements here). */
    private void element(Frame f, StringBuilder jp) {
      if (f.array) {
        jp.setLength(f.pathLen);
        jp.append('[').append(f.index++).append(']');
      }
    }

    /**
     * A plain object field is handed over as JSON ({@code "access_token": "VALUE"}), so rules written
     * for JSON text match it as they match the file; a name/value pair (a HAR header, an OTLP
     * attribute) reads as a header ({@code Authorization: Bearer VALUE}).
     */
    private static boolean quoted(String field, String label, String sep) {
      return field != null && field.equals(label) && sep.equals(": ");
    }

    /** A HAR {@code cookies[]} entry reads as the header it came from: {@code Cookie: name=value}. */
    private static String cookie(Frame f, String label) {
      return "cookies".equals(f.container) && f.sep.equals("=") && !label.isEmpty() ? "Cookie: " + label : label;
    }

    private String label(Frame f, String field) {
      if (field == null) { // an array element
        return f.inherited != null ? f.inherited : f.container == null ? "" : f.container;
      }
      if (PAIR_VALUES.contains(field)) {
        if (f.pairName != null) {
          return f.pairName;
        }
        if (f.inherited != null) {
          return f.inherited;
        }
      }
      return field;
    }

    private void flush(Frame f, int depth) throws IOException {
      List<Pending> ps = f.pending;
      boolean pair = f.array && f.values == 2 && f.strings == 2 && ps.size() == 2 && ps.get(0).value().length() <= MAX_PAIR_NAME;
      for (int i = 0; i < ps.size(); i++) {
        Pending q = ps.get(i);
        String label = cookie(f, pair && i == 1 ? ps.get(0).value() : label(f, q.field()));
        String sep = !(pair && i == 1) && quoted(q.field(), label, f.sep) ? QUOTED : f.sep;
        // the name of a name/value pair (a HAR header's, an OTLP attribute's) is a key held as a value
        boolean names = pair ? i == 0 : f.pairValue && q.field() != null && PAIR_NAMES.contains(q.field());
        emit(label, sep, q.value(), q.path(), q.offset(), q.end(), q.line(), q.column(), depth, names ? Location.KEY : null);
      }
      ps.clear();
    }

    private void emit(String label, String sep, String v, String jsonPath, JsonLocation loc, long end, int depth)
        throws IOException {
      emit(label, sep, v, jsonPath, loc.getByteOffset(), end, loc.getLineNr(), loc.getColumnNr(), depth, null);
    }

    /**
     * Scans an object key where it stands: a secret in it is a finding with part
     * {@link Location#KEY} at the key's own JSON path. Keys are input as values are (a cache keyed
     * by token, a map from token to session). The labels of the value lines that repeat the key
     * report nothing ({@link Locator}), so the key's secret is reported once.
     */
    private void key(String name, String jsonPath, JsonLocation loc, long end, int depth) {
      if (name.isEmpty() || clean.contains(name)) {
        return;
      }
      long keyOffset = baseOffset + Math.max(0, loc.getByteOffset()) + 1; // after the opening quote
      long ln = loc.getLineNr() > 0 ? baseLine + loc.getLineNr() : JsonBatch.NONE;
      long col = loc.getColumnNr() > 0 && depth == 0 ? loc.getColumnNr() + 1L : JsonBatch.NONE;
      batch.key(name, keyOffset, end, ln, col, jsonPath);
    }

    private void emit(String label, String sep, String v, String jsonPath, long tokenOffset, long end, long line,
        long column, int depth, String part) throws IOException {
      long valueOffset = baseOffset + Math.max(0, tokenOffset) + 1; // after the opening quote
      if (depth < MAX_NESTED && looksLikeJson(v)) {
        byte[] inner = v.getBytes(StandardCharsets.UTF_8);
        if (valid(inner, 0, inner.length)) {
          try (JsonParser p = FACTORY.createParser(inner)) {
            new Walker(batch, valueOffset, baseLine + line - 1, end).walk(p, jsonPath, depth + 1);
          }
          return;
        }
      }
      // the head ("label": " or label + sep) is written by the batch: no string built per value
      batch.value(label, sep, v, valueOffset, end, line > 0 ? baseLine + line : JsonBatch.NONE,
          column > 0 && depth == 0 ? column + 1 : JsonBatch.NONE, jsonPath, part);
    }
  }

  /**
   * Keys of one leaf in which the detector found nothing. The same bytes always give the same
   * matches, so a key met again is not scanned again (a JSON-lines log repeats its keys on every
   * line, and each scan is a detector call of its own); a key that held a secret is never kept,
   * and is reported at each place it stands. Bounded: emptied when full.
   */
  static final class CleanKeys {
    /** Keys remembered as clean: more than any log's set of keys, and small; emptied when full. */
    private static final int MAX = 4096;
    /** Longer keys are not remembered: rare, and they would fill memory; each is scanned again. */
    private static final int MAX_KEY = 256;
    private final java.util.HashSet<String> keys = new java.util.HashSet<>();

    boolean contains(String key) {
      return keys.contains(key);
    }

    void add(String key) {
      if (key.length() > MAX_KEY) {
        return; // long keys are rare and would fill memory; scanned each time
      }
      if (keys.size() >= MAX) {
        keys.clear();
      }
      keys.add(key);
    }
  }

  static boolean looksLikeJson(String v) {
    int s = 0;
    int e = v.length() - 1;
    while (s <= e && Character.isWhitespace(v.charAt(s))) {
      s++;
    }
    while (e >= s && Character.isWhitespace(v.charAt(e))) {
      e--;
    }
    if (e - s < 1) {
      return false;
    }
    char a = v.charAt(s);
    char z = v.charAt(e);
    return (a == '{' && z == '}') || (a == '[' && z == ']');
  }

  static void appendField(StringBuilder jp, String name) {
    boolean plain = !name.isEmpty();
    for (int i = 0; i < name.length() && plain; i++) {
      char c = name.charAt(i);
      plain = Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '$';
    }
    if (plain) {
      if (jp.length() > 0) {
        jp.append('.');
      }
      jp.append(name);
    } else {
      jp.append("['").append(name.replace("\\", "\\\\").replace("'", "\\'")).append("']");
    }
  }
}
