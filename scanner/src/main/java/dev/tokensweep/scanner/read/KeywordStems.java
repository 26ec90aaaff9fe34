package dev.tokensweep.scanner.read;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.engine.Prefilter;
import dev.tokensweep.detectors.rule.Rule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Tells from a JSON line's raw bytes, without parsing it, that the line cannot give a finding, so
 * {@link JsonReader} need not walk it. Every finding starts at a keyword hit in what the detector
 * is handed, or in what a decoding layer decodes from it. A line without a backslash hands the
 * detector its keys, values and pair names verbatim (substrings of the raw line), joined by heads
 * and separators made only of the bytes {@code : = " } space and newline, plus the literal
 * {@code Cookie} that a {@code cookies} entry's label gets. So every piece of a keyword between
 * those bytes (a <em>stem</em>) lies in one key, value or name, and appears in the raw line when
 * the keyword appears in the line's text; a line in which the longest stem of every keyword is
 * missing holds no keyword. The decoding layers find nothing either when the line has no
 * {@code %} (URL escapes), no {@code #} (rsyslog escapes) and no base64 run that could decode to
 * text or that starts compressed data or an archive (which the layer unpacks): a run in the
 * detector's text lies in one key, value or name (the separators are no base64 bytes), so it is
 * a run of the raw line too. Bytes of 0x80 and up may decode (overlong UTF-8,
 * lone surrogates) to other bytes than the raw ones, so a line holding one is walked.
 *
 * <p>A rule whose pattern needs one of a few literals in one case ({@code \b(Ew[AB]...)}:
 * {@link RequiredLiterals}) is asked for by the stems of those literals in that case, not by its
 * keywords in any case: the prefilter finds the keyword {@code EwA} in "gateway", which the
 * pattern never matches.
 *
 * <p>What it does not cover: a match that reaches from one line's values into another's (a
 * pattern that spans the newline between entries) sees other neighbours when lines in between are
 * skipped, as it sees other neighbours at the batch borders the reader already has.
 *
 * <p>Immutable and thread-safe; one per detector.
 */
final class KeywordStems {
  /** The bytes that join keys, values and labels in a {@link JsonBatch}: a keyword's stems lie between them. */
  private static final String SEPARATORS = ":= \"\n";
  /**
   * Stems every instance holds besides the keywords': {@code cookie} (the {@code Cookie:} label of a
   * cookies entry is no raw substring, but its line says {@code cookies}), the backslash (escapes
   * make values differ from their raw bytes), {@code %} and {@code #} (the URL and rsyslog layers).
   */
  static final List<String> ALWAYS = List.of("cookie", "\\", "%", "#");
  /** The shortest base64 run the base64 layer decodes ({@code DecodingLayer.MIN_RUN}). */
  static final int MIN_RUN = 16;
  /** How much of a run the base64 layer decodes ({@code DecodingLayer.MAX_RUN}). */
  static final int MAX_RUN = 1 << 20;
  /** Decoded runs shorter than this the base64 layer drops ({@code Base64Layer.MIN_DECODED}). */
  private static final int MIN_DECODED = 8;
  /**
   * Base64 characters a run needs to be taken for compressed data holding a token: 24 bytes (a
   * zlib stream of 16 bytes or more is longer, a gzip member longer still). Shorter runs that start
   * like zlib are words ({@code OrderService}): a telemetry file repeats them on a million lines,
   * which were walked for nothing (7% of the 1 GB benchmark's time).
   */
  private static final int MIN_PAYLOAD = 32;

  private static final Map<Detector, KeywordStems> BY_DETECTOR = Collections.synchronizedMap(new WeakHashMap<>());

  private final Prefilter stems;
  // per stem of the prefilter: whether a hit counts in any case (a keyword's stem), else the
  // exact forms it counts in (stems of literals a rule's pattern wants in one case)
  private final boolean[] anyCase;
  private final byte[][][] exactForms;

  private KeywordStems(Prefilter stems, boolean[] anyCase, byte[][][] exactForms) {
    this.stems = stems;
    this.anyCase = anyCase;
    this.exactForms = exactForms;
  }

  /** The stems of {@code detector}'s keywords; null when some keyword has none (then every line may hold it). */
  static KeywordStems of(Detector detector) {
    if (detector == null) {
      return null;
    }
    KeywordStems k = BY_DETECTOR.computeIfAbsent(detector, d -> build(d.rules()));
    return k == NONE ? null : k;
  }

  /**
   * For each rule, the stems of the literals its pattern needs in one case when it has some
   * ({@link RequiredLiterals}), else the stems of its keywords in any case.
   */
  static KeywordStems build(List<Rule> rules) {
    java.util.Map<String, List<String>> exact = new java.util.LinkedHashMap<>(); // lower-case stem -> exact forms
    Set<String> any = new LinkedHashSet<>(ALWAYS);
    for (Rule r : rules) {
      Set<String> literals = RequiredLiterals.of(r.pattern());
      if (literals != null && !literals.stream().allMatch(l -> r.keywords().stream().anyMatch(
          kw -> l.toLowerCase(Locale.ROOT).contains(kw.toLowerCase(Locale.ROOT))))) {
        literals = null; // only a literal that holds a keyword, in the case the pattern wants, is as rare as the keyword
      }
      List<String> forms = new ArrayList<>();
      for (String l : literals == null ? List.<String>of() : literals) {
        List<String> v = variants(l, false);
        if (v == null || v.stream().anyMatch(x -> x.replace("\"", "").length() < 3)) {
          // no stem, or one so short it would hit most lines: the keywords do better
          forms = null;
          break;
        }
        forms.addAll(v);
      }
      if (literals != null && forms != null) {
        for (String f : forms) {
          exact.computeIfAbsent(f.toLowerCase(Locale.ROOT), x -> new ArrayList<>()).add(f);
        }
        continue;
      }
      for (String kw : r.keywords()) {
        List<String> v = variants(kw, true);
        if (v == null) {
          return NONE;
        }
        any.addAll(v);
      }
    }
    List<String> all = new ArrayList<>(any);
    for (String e : exact.keySet()) {
      if (!any.contains(e)) {
        all.add(e);
      }
    }
    boolean[] anyCase = new boolean[all.size()];
    byte[][][] forms = new byte[all.size()][][];
    for (int i = 0; i < all.size(); i++) {
      anyCase[i] = any.contains(all.get(i));
      List<String> f = exact.getOrDefault(all.get(i), List.of());
      forms[i] = new byte[f.size()][];
      for (int j = 0; j < f.size(); j++) {
        forms[i][j] = f.get(j).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      }
    }
    return new KeywordStems(new Prefilter(all), anyCase, forms);
  }

  /** Whether the stem hit {@code stem} at {@code b[start..]} counts: in any case, or in one of its exact forms. */
  private boolean counts(int stem, byte[] b, int start) {
    if (anyCase[stem]) {
      return true;
    }
    for (byte[] f : exactForms[stem]) {
      if (java.util.Arrays.equals(b, start, start + f.length, f, 0, f.length)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a stem that counts is in {@code b[from, to)}. */
  private boolean anyStem(byte[] b, int from, int to) {
    boolean[] found = {false};
    stems.scan(b, from, to, (stem, start) -> found[0] |= counts(stem, b, start));
    return found[0];
  }

  private static final KeywordStems NONE = new KeywordStems(null, null, null);

  /**
   * What the raw line holds when a keyword is in the line's text: the keyword's longest piece
   * between separators, with the separator next to it on either side as it may stand in the raw
   * line. The piece lies in one key, value or name. A separator next to it in the keyword is
   * either that string's own byte (then the raw line has it there too) or the start of a head or
   * separator the batch added (then the string ends there, and the raw line has its closing
   * quote there); a quote or newline is always added, so the raw line has a quote. So
   * {@code jdbc:} is in the raw line as {@code jdbc:} or {@code jdbc"}, and {@code "auth"} as
   * itself: a logger named {@code o.h.engine.jdbc.spi} or {@code c.a.auth.Session} holds neither.
   * Lower case (the prefilter matches ASCII letters in either case), plus {@link #ALWAYS}; null
   * when a keyword is made of separators only.
   */
  static List<String> stems(List<String> keywords) {
    Set<String> out = new LinkedHashSet<>(ALWAYS);
    for (String keyword : keywords) {
      List<String> v = variants(keyword, true);
      if (v == null) {
        return null;
      }
      out.addAll(v);
    }
    return List.copyOf(out);
  }

  /** The stems of one keyword or literal (lower case when {@code lower}); null when it is all separators. */
  static List<String> variants(String keyword, boolean lower) {
    String k = lower ? keyword.toLowerCase(Locale.ROOT) : keyword;
    int bestFrom = 0;
    int bestTo = 0;
    for (int i = 0; i < k.length(); ) {
      int j = i;
      while (j < k.length() && SEPARATORS.indexOf(k.charAt(j)) < 0) {
        j++;
      }
      if (j - i > bestTo - bestFrom) {
        bestFrom = i;
        bestTo = j;
      }
      i = j + 1;
    }
    if (bestTo == bestFrom) {
      return null;
    }
    String piece = k.substring(bestFrom, bestTo);
    List<String> out = new ArrayList<>();
    for (String left : neighbours(k, bestFrom - 1)) {
      for (String right : neighbours(k, bestTo)) {
        out.add(left + piece + right);
      }
    }
    return out;
  }

  /** How the separator at {@code k[i]} may stand in the raw line: itself or a quote; nothing when there is none. */
  private static List<String> neighbours(String k, int i) {
    if (i < 0 || i >= k.length()) {
      return List.of("");
    }
    char c = k.charAt(i);
    return c == '"' || c == '\n' ? List.of("\"") : List.of(String.valueOf(c), "\"");
  }

  /** A reader's view of its lines: one per leaf, not thread-safe. */
  Lines lines() {
    return new Lines();
  }

  /**
   * The stems of many whole lines at once ({@link LineFeeder.Lines}): the keyword walk over a
   * buffer of lines runs as the prefilter's six interleaved walks, several times faster than a
   * walk per line (async-profiler, 256 MB of telemetry: a walk per line 1.0 s of a 5.2 s scan
   * thread). Then {@link #mayHold} of each of those lines looks up the hits noted there.
   */
  final class Lines implements LineFeeder.Lines {
    private byte[] buf;
    private int from;
    private int to;
    private int[] ends = new int[256]; // last byte of each stem hit in [from, to), ascending
    private int n;
    private int next;
    private byte[] flags = new byte[0]; // ByteScan.classify of buf[from, to), at the bytes' own indexes
    // ascending: each byte of 0x7F and up, and the start of each base64 run the layer may decode
    private int[] marks = new int[64];
    private int nMarks;
    private int nextMark;
    private final Prefilter.HitSink note = (keyword, start) -> {
      if (n == ends.length) {
        ends = java.util.Arrays.copyOf(ends, n * 2);
      }
      if (counts(keyword, buf, start)) {
        ends[n++] = start + stems.keywordLength(keyword) - 1;
      }
    };

    @Override
    public void lines(byte[] b, int from, int to) {
      this.buf = b;
      this.from = from;
      this.to = to;
      n = 0;
      next = 0;
      nMarks = 0;
      nextMark = 0;
      stems.scan(b, from, to, note);
      if (flags.length < to) {
        flags = new byte[b.length];
      }
      ByteScan.classify(b, from, to, flags);
      markRuns(b, from, to);
    }

    /**
     * Notes the bytes of 0x7F and up and the base64 runs that may decode to text in
     * {@code b[from, to)}, from the flags a word at a time as {@code SegmentPass} does: a run of
     * {@link #MIN_RUN} or more holds a whole word of base64 bytes, so the run arithmetic is done
     * only after one (a byte-at-a-time walk took 0.2 s of a 256 MB telemetry file's scan thread).
     */
    private void markRuns(byte[] b, int from, int to) {
      int lastAt = from - 8; // the last word that held a non-base64 byte (a virtual one before from)
      long last = Long.MIN_VALUE; // its non-base64 bits
      int i = from;
      for (; i + 8 <= to; i += 8) {
        long w = ByteScan.word(flags, i);
        long nonb = ByteScan.nonBase64(w);
        if (nonb == 0) {
          continue;
        }
        if (i - lastAt > 8) {
          int runStart = lastAt + ((63 - Long.numberOfLeadingZeros(last)) >>> 3) + 1;
          int first = i + (Long.numberOfTrailingZeros(nonb) >>> 3);
          if (first - runStart >= MIN_RUN && decodesToText(b, runStart, first)) {
            mark(runStart);
          }
        }
        long high = ByteScan.highs(ByteScan.word(b, i));
        while (high != 0) {
          mark(i + (Long.numberOfTrailingZeros(high) >>> 3));
          high &= high - 1;
        }
        lastAt = i;
        last = nonb;
      }
      int runStart = lastAt + ((63 - Long.numberOfLeadingZeros(last)) >>> 3) + 1;
      for (; i < to; i++) {
        int c = b[i];
        if (ByteScan.base64Value((byte) c) < 0) {
          if (i - runStart >= MIN_RUN && decodesToText(b, runStart, i)) {
            mark(runStart);
          }
          runStart = i + 1;
          if (c < 0 || c == 0x7F) {
            mark(i);
          }
        }
      }
      if (to - runStart >= MIN_RUN && decodesToText(b, runStart, to)) {
        mark(runStart);
      }
    }

    private void mark(int at) {
      if (nMarks == marks.length) {
        marks = java.util.Arrays.copyOf(marks, nMarks * 2);
      }
      marks[nMarks++] = at;
    }

    /**
     * Whether the raw line {@code b[off, end)} may give a finding: false only when it holds no
     * stem, no byte of 0x80 or up and no base64 run the base64 layer would decode. Lines of the
     * last {@link #lines} call come in order.
     */
    boolean mayHold(byte[] b, int off, int end) {
      if (b == buf && off >= from && end <= to) {
        // a stem, a run and a byte lie within one line (no newline in them): those before this
        // line were earlier lines'
        while (next < n && ends[next] < off) {
          next++;
        }
        while (nextMark < nMarks && marks[nextMark] < off) {
          nextMark++;
        }
        return next < n && ends[next] < end || nextMark < nMarks && marks[nextMark] < end;
      }
      return anyStem(b, off, end) || decodable(b, off, end);
    }
  }

  /**
   * Whether {@code b[from, to)} holds a byte of 0x7F or up, or a base64 run the base64 layer may
   * decode: a byte at a time, for a line that was in no {@link Lines#lines} call.
   */
  static boolean decodable(byte[] b, int from, int to) {
    int runStart = from;
    for (int i = from; i < to; i++) {
      int c = b[i];
      if (c < 0 || c == 0x7F) {
        return true;
      }
      if (ByteScan.base64Value((byte) c) < 0) {
        if (i - runStart >= MIN_RUN && decodesToText(b, runStart, i)) {
          return true;
        }
        runStart = i + 1;
      }
    }
    return to - runStart >= MIN_RUN && decodesToText(b, runStart, to);
  }

  /**
   * Whether the base64 layer may decode the run {@code b[s, e)} and scan it: its rule (at most
   * one byte in ten of the decoded bytes not text) without its early verdict, so true whenever the
   * layer's is, or a start of compressed data or an archive, which the layer unpacks.
   */
  /**
   * Whether a run that does not decode to text starts compressed data or an archive, which the
   * layer unpacks and scans ({@code decode/Inflated}): asked only once the text test failed, and
   * apart, so the hot test stays as small as it was (asked first, it cost the 1 GB JSON-lines
   * benchmark ~6%).
   */
  private static boolean payload(byte[] b, int s, int n) {
    if (n < MIN_PAYLOAD || n < TAR_RUN && !PAYLOAD_FIRST[b[s] & 0xFF]) {
      return false; // most binary runs are ids: a 32-character trace id on every line of a telemetry file
    }
    return ByteScan.startsCompressed(b, s, n);
  }

  /** Base64 characters for a whole tar header: a shorter run is a payload only by its first bytes' magic. */
  private static final int TAR_RUN = 683;

  /**
   * The first characters of base64 of gzip ({@code H}), a zip ({@code U}), bzip2 ({@code Q}), xz
   * ({@code /}, {@code _}), zstd ({@code K}), 7z ({@code N}) and zlib with a window of at most
   * 32 KiB ({@code C G K O S W a e}): {@link ByteScan#startsCompressed} is asked only after them.
   */
  private static final boolean[] PAYLOAD_FIRST = new boolean[256];

  static {
    for (char c : "HUQ/_KNCGOSWae".toCharArray()) {
      PAYLOAD_FIRST[c] = true;
    }
  }

  static boolean decodesToText(byte[] b, int s, int e) {
    int n = Math.min(e - s, MAX_RUN);
    if (n % 4 == 1) {
      n--;
    }
    int total = n * 6 / 8;
    if (total < MIN_DECODED) {
      return false;
    }
    int maxBad = total / 10;
    int bad = 0;
    int i = s;
    int end = s + n;
    // four chars (three bytes) at a time, one table test a byte (a byte at a time: 0.13 s of a
    // 500 MB in-process run, hex ids and UUIDs being rejected a quantum or two in)
    for (; i + 4 <= end; i += 4) {
      int x = ByteScan.base64Value(b[i]) << 18 | ByteScan.base64Value(b[i + 1]) << 12 | ByteScan.base64Value(b[i + 2]) << 6 | ByteScan.base64Value(b[i + 3]);
      bad += NOT_TEXT[x >>> 16 & 0xFF] + NOT_TEXT[x >>> 8 & 0xFF] + NOT_TEXT[x & 0xFF];
      if (bad > maxBad) {
        return payload(b, s, n);
      }
    }
    int acc = 0;
    int bits = 0;
    for (; i < end; i++) {
      acc = (acc << 6) | ByteScan.base64Value(b[i]);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bad += NOT_TEXT[(acc >> bits) & 0xFF];
        if (bad > maxBad) {
          return payload(b, s, n);
        }
      }
    }
    return true;
  }

  /** 1 for a byte the base64 layer does not count as text ({@code DecodingLayer.isText}), else 0. */
  private static final int[] NOT_TEXT = new int[256];

  static {
    for (int c = 0; c < 256; c++) {
      NOT_TEXT[c] = (c >= 0x20 && c < 0x7F) || c == '\n' || c == '\r' || c == '\t' ? 0 : 1;
    }
  }

}
