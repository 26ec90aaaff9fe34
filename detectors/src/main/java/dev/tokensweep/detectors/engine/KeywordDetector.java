package dev.tokensweep.detectors.engine;

import dev.tokensweep.detectors.check.Entropy;
import dev.tokensweep.detectors.check.Placeholders;
import dev.tokensweep.detectors.check.Validators;
import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.detectors.evidence.SecretDigest;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The detection pipeline over bytes: one Aho-Corasick pass finds keyword positions, each rule's
 * regex runs only in a bounded window around its keywords, then placeholders, entropy and the
 * rule's validators filter what the regex confirmed.
 *
 * <p>Thread-safe: compiled state is immutable and per-thread scratch lives in a thread local.
 *
 * <p>Chunked scanning: to scan a long input in pieces, give each call the piece it owns
 * ({@code reportFrom..reportTo}) plus {@link #overlap()} bytes of context on both sides; a match
 * is reported by exactly the call whose owned range holds its first byte.
 */
final class KeywordDetector implements Detector {

  private final List<Rule> rules;
  private final Compiled[] patterns;
  // per rule: the capture group of the secret, and of its identifier (-1: the rule captures none)
  // per rule, built once the rule has had filterAfter keyword hits (most scans hit few rules);
  // a racing build makes an equal filter, and its final fields make the plain array store safe
  private final WindowFilter[] filters;
  private final int[] hits; // keyword hits per rule until its filter is built; racy, only a heuristic
  // per rule, whether the jar's precompiled filter was looked for; racy, a second look finds the same
  private final boolean[] triedPrecompiled;
  private final int filterAfter;
  // per rule: hits before its filter is built, filterAfter scaled down for rules whose windows
  // are longer than the default (a bearer or refresh-token rule's 16 KB window costs re2j 15 times
  // a default one), so every rule spends about the same re2j bytes before it gets its DFAs
  private final int[] filterAfterHits;
  // per rule, its fixed shape when its matches are found without re2j (never for the reference, filterAfter -1)
  private final FixedShape[] shapes;
  // per rule, whether its checks after the regex cost more than digesting the secret (a JWT to
  // decode, an entropy to compute), so their verdict is remembered per secret (never for the reference)
  private final boolean[] costlyChecks;
  // per rule, a hand-written matcher that finds what re2j finds in a window (never for the reference)
  private final ExactSpan[] exact;
  /** Validators whose work (decoding, entropy) costs more than the SHA-256 of the secret. */
  private static final java.util.Set<String> COSTLY_CHECKS = java.util.Set.of("jwt", "entropy", "basic-auth",
      "pypi-macaroon", "warehouse-macaroon");
  /**
   * A rule gets its window filter once it has had this many keyword hits: building its DFAs costs
   * 1-300 ms, which a small scan never earns back (a 1 KB log: 0.75 s -> 1.28 s with filters built
   * at the first hit); 256 re2j windows cost about as much as the build.
   */
  static final int FILTER_AFTER_HITS = 256;
  private final Prefilter prefilter;
  private final int[][] rulesByKeyword;
  // per rule, its max_before, read at every hit without going through the rule
  private final int[] befores;
  // per rule, WindowFilter.STARTS_WORDS words: the ASCII bytes at which a match may start, once its
  // filter is built (all set before, and for rules without an anchored DFA); racy like filters, and
  // each word is either all set or the filter's, which a racing build makes equal
  private final int[] startBytes;
  private final int overlap;
  private final int maxKeywordLength;
  private final ThreadLocal<Scratch> scratch;

  /** Compiles the rules. Throws {@link IllegalArgumentException} naming the rule that does not compile. */
  KeywordDetector(List<Rule> rules) {
    this(rules, FILTER_AFTER_HITS);
  }

  /**
   * With {@code filterAfter} hits a rule gets its window filter; 0 builds it on the first hit, and
   * -1 never does, so every window goes to re2j: the slow reference the tests compare against.
   */
  KeywordDetector(List<Rule> rules, int filterAfter) {
    this.filterAfter = filterAfter;
    this.rules = List.copyOf(rules);
    patterns = new Compiled[this.rules.size()];
    filters = new WindowFilter[this.rules.size()];
    hits = new int[this.rules.size()];
    triedPrecompiled = new boolean[this.rules.size()];
    shapes = new FixedShape[this.rules.size()];
    costlyChecks = new boolean[this.rules.size()];
    exact = new ExactSpan[this.rules.size()];
    filterAfterHits = new int[this.rules.size()];
    befores = new int[this.rules.size()];
    startBytes = new int[this.rules.size() * WindowFilter.STARTS_WORDS];
    Arrays.fill(startBytes, -1);
    Map<String, List<Integer>> byKeyword = new LinkedHashMap<>();
    int maxOverlap = 0;
    for (int r = 0; r < patterns.length; r++) {
      Rule rule = this.rules.get(r);
      befores[r] = rule.before();
      // a built-in rule's pattern is parsed (for its shape) at its first keyword hit, and compiled
      // only at the first that needs re2j: most rules meet none in a scan, and parsing the
      // catalogue cost a cold JVM ~60 ms of CPU; another rule's is parsed now, so that a pattern
      // that does not compile fails here, naming the rule
      com.google.re2j.SyntaxTree.Node tree = Rules.isBuiltin(rule) ? null : parse(rule);
      long window = rule.before() + 1L + 2L * rule.length();
      long defaultWindow = Rule.DEFAULT_MAX_BEFORE + 1L + 2L * Rule.DEFAULT_MAX_LENGTH;
      filterAfterHits[r] = filterAfter <= 0 ? filterAfter
          : (int) Math.max(1, Math.min(filterAfter, filterAfter * defaultWindow / window));
      shapes[r] = filterAfter < 0 ? FixedShape.NONE : tree != null ? FixedShape.forRule(tree, rule) : null;
      exact[r] = filterAfter >= 0 ? ExactSpan.of(rule.pattern()) : null;
      costlyChecks[r] = filterAfter >= 0 && (rule.entropyFloor() > 0
          || rule.validate().stream().anyMatch(COSTLY_CHECKS::contains));
      for (String k : rule.keywords()) {
        byKeyword.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>()).add(r);
      }
      maxOverlap = Math.max(maxOverlap, rule.before() + 2 * rule.length());
    }
    overlap = maxOverlap;
    int maxKw = 0;
    for (String k : byKeyword.keySet()) {
      maxKw = Math.max(maxKw, k.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }
    maxKeywordLength = maxKw;
    List<String> keywords = new ArrayList<>(byKeyword.keySet());
    prefilter = new Prefilter(keywords);
    rulesByKeyword = new int[keywords.size()][];
    for (int k = 0; k < keywords.size(); k++) {
      rulesByKeyword[k] = byKeyword.get(keywords.get(k)).stream().mapToInt(Integer::intValue).distinct().toArray();
    }
    int n = patterns.length;
    scratch = ThreadLocal.withInitial(() -> new Scratch(n));
  }

  /** Rule {@code id}'s shape as the detector holds it now: null while a built-in rule has had no hit (tests). */
  FixedShape shapeNow(String id) {
    for (int r = 0; r < rules.size(); r++) {
      if (rules.get(r).id().equals(id)) {
        return shapes[r];
      }
    }
    throw new IllegalArgumentException("no rule " + id);
  }

  /**
   * Parses the rule's pattern as re2j does, so that a rule from a file whose pattern does not
   * compile fails when the detector is made, naming the rule, not at its first hit (a built-in
   * rule's is parsed at its first hit); parsing costs a fraction of compiling, which waits for a
   * hit (a cold JVM spent ~0.2 s compiling the 271 built-in patterns).
   */
  static com.google.re2j.SyntaxTree.Node parse(Rule rule) {
    if (rule.pattern() == null) {
      throw new IllegalArgumentException("a rule has no pattern");
    }
    try {
      return com.google.re2j.SyntaxTree.parse(rule.pattern());
    } catch (PatternSyntaxException e) {
      // re2j's message quotes the pattern, and a custom rule's id is the user's text: either may hold
      // the secret the rule is written for (Rules.lint names the file, line and field instead)
      throw new IllegalArgumentException("a pattern does not compile (" + e.getDescription() + ")");
    }
  }

  /** A rule's compiled pattern with the groups a match reads; final fields publish it whole to other threads. */
  private record Compiled(Pattern pattern, int secretGroup, int idGroup, String idName) {
    static Compiled of(Rule rule) {
      Pattern p = compile(rule);
      int ig = identifierGroup(p);
      return new Compiled(p, KeywordDetector.secretGroup(p), ig, ig < 0 ? null : identifierName(p));
    }
  }

  /** Rule {@code r}'s compiled pattern; a racing first use compiles an equal one. */
  private Compiled pattern(int r) {
    Compiled c = patterns[r];
    if (c == null) {
      c = patterns[r] = Compiled.of(rules.get(r));
    }
    return c;
  }

  static Pattern compile(Rule rule) {
    if (rule.pattern() == null) {
      throw new IllegalArgumentException("no pattern");
    }
    try {
      return Pattern.compile(rule.pattern());
    } catch (PatternSyntaxException e) {
      // re2j's message quotes the pattern, which may hold the secret the rule is written for
      throw new IllegalArgumentException("does not compile (" + e.getDescription() + ")");
    }
  }

  /** The name of the group that holds the secret when it is not group 1 (a pair rule's identifier comes first). */
  static final String SECRET_GROUP = "secret";

  /** The capture group of {@code p} that holds the secret: the one named {@value #SECRET_GROUP}, else group 1. */
  static int secretGroup(Pattern p) {
    Integer g = p.namedGroups().get(SECRET_GROUP);
    return g != null ? g : 1;
  }

  /** The capture group of the identifier: the lowest-numbered named group other than the secret's; -1 when none. */
  static int identifierGroup(Pattern p) {
    int best = -1;
    for (Map.Entry<String, Integer> e : p.namedGroups().entrySet()) {
      if (!e.getKey().equals(SECRET_GROUP) && e.getValue() != secretGroup(p) && (best < 0 || e.getValue() < best)) {
        best = e.getValue();
      }
    }
    return best;
  }

  /** The name of the identifier group, which says what the secret belongs to; null when the rule has none. */
  static String identifierName(Pattern p) {
    int g = identifierGroup(p);
    for (Map.Entry<String, Integer> e : p.namedGroups().entrySet()) {
      if (e.getValue() == g) {
        return e.getKey();
      }
    }
    return null;
  }

  @Override
  public List<Rule> rules() {
    return rules;
  }

  /** Bytes of context a chunked reader must give on each side of the range it asks to report. */
  @Override
  public int overlap() {
    return overlap;
  }

  /** Scans {@code buf[from, to)} and reports every match in it. */
  @Override
  public void scan(byte[] buf, int from, int to, MatchSink sink) {
    scan(buf, from, to, from, to, sink);
  }

  /**
   * Scans {@code buf[from, to)} and reports the matches whose first byte lies in
   * {@code [reportFrom, reportTo)}; the bytes outside that range are context only.
   */
  @Override
  public void scan(byte[] buf, int from, int to, int reportFrom, int reportTo, MatchSink sink) {
    if (from < 0 || to > buf.length || from > to || reportFrom < from || reportTo > to) {
      throw new IndexOutOfBoundsException("scan range " + from + ".." + to + " report " + reportFrom + ".." + reportTo
          + " of " + buf.length);
    }
    scan(scratch.get(), buf, from, to, reportFrom, reportTo, sink);
  }

  private void scan(Scratch s, byte[] buf, int from, int to, int reportFrom, int reportTo, MatchSink sink) {
    s.begin(buf, from, to, reportFrom, reportTo, sink);
    try {
      // hits before reportFrom report nothing, but their matches shadow the later ones they overlap,
      // as in one leftmost-first search: without them a chunk reports a match its predecessor skipped
      prefilter.scan(buf, Math.max(from, reportFrom - overlap), Math.min(to, reportTo + s.maxBefore()), s);
    } finally {
      s.end();
    }
  }

  /** Per-thread state of one scan: matchers, the window view, and per-rule progress. */
  private final class Scratch implements Prefilter.HitSink {
    final Matcher[] matchers;
    // per rule, its backtracking search (the fast path's stand-in for re2j's NFA; never for the reference)
    final com.google.re2j.Backtracker[] backtrackers;
    final com.google.re2j.Backtracker.Space backtrackSpace = new com.google.re2j.Backtracker.Space();
    int[] groupsBuf = new int[8];
    final int[] nextHit;
    // per rule, the last position at which a hit is near enough to its last window's to be one
    // of a cluster (see hit)
    final int[] clusterUntil;
    final int[] lastStart;
    final int[] lastEnd; // end of the match at lastStart
    final ByteWindow window = new ByteWindow();
    final WindowCache[] caches;
    final DigestMemo[] longCaches;
    final LastWindow[] lastWindows;
    final RejectedStarts[] rejected;
    int scans; // scan calls so far (begin): the anchored walks share steps within one
    // made once this thread has done MEMO_AFTER long windows or costly checks with this detector:
    // a short scan (a rule linted, a name, a test) allocates none, and a dead detector's scratch,
    // which its thread keeps until the thread-local map drops it, stays small
    SecretDigest digest;
    int longWindows;
    int costlyAccepts;
    // whether the last accepted() left its secret's digest in digest (settle keeps it with the window)
    boolean digested;
    // verdicts of the checks after the regex, per rule and secret digest
    DigestMemo verdicts;
    // windows searched on from the end of the match found last (searchedOnFrom), and their memo
    int searchedOn;
    DigestMemo searchedOnMemo;
    // where settle asks the window to be searched again from, -1 for nowhere (see settleAll)
    int resumeAt = -1;
    // per rule, noMatchBeforeEnd's walk: in scan call awayScan, from awayFrom up to awayTo, where
    // it is in row awayRow of the window DFA (-1: it came upon a place where a match may end)
    final int[] awayScan;
    final int[] awayFrom;
    final int[] awayTo;
    final int[] awayRow;
    int[] runBuf = new int[4 * RUN_STRIDE];
    final int maxBefore;
    byte[] buf;
    int from;
    int to;
    int reportFrom;
    int reportTo;
    MatchSink sink;

    Scratch(int n) {
      matchers = new Matcher[n];
      backtrackers = new com.google.re2j.Backtracker[n];
      caches = new WindowCache[n];
      longCaches = new DigestMemo[n];
      awayScan = new int[n];
      awayFrom = new int[n];
      awayTo = new int[n];
      awayRow = new int[n];
      Arrays.fill(awayScan, -1);
      lastWindows = new LastWindow[n];
      rejected = new RejectedStarts[n];
      nextHit = new int[n];
      clusterUntil = new int[n];
      lastStart = new int[n];
      lastEnd = new int[n];
      int mb = 0;
      for (Rule r : rules) {
        mb = Math.max(mb, r.before());
      }
      maxBefore = mb;
    }

    int maxBefore() {
      return maxBefore;
    }

    void begin(byte[] buf, int from, int to, int reportFrom, int reportTo, MatchSink sink) {
      this.buf = buf;
      this.from = from;
      this.to = to;
      this.reportFrom = reportFrom;
      this.reportTo = reportTo;
      this.sink = sink;
      Arrays.fill(nextHit, Integer.MIN_VALUE);
      Arrays.fill(clusterUntil, Integer.MIN_VALUE);
      Arrays.fill(lastStart, Integer.MIN_VALUE);
      Arrays.fill(lastEnd, Integer.MIN_VALUE);
      scans++;
    }

    void end() {
      buf = null;
      sink = null;
      window.reset(null, 0, 0);
    }

    @Override
    public void hit(int keyword, int p) {
      int b = p < to ? buf[p] : -1; // from 0x80 up (negative) the start bytes say nothing
      for (int r : rulesByKeyword[keyword]) {
        if (p < nextHit[r]) {
          continue; // a window already opened for this rule covers every match around p
        }
        if (b >= 0 && (startBytes[r * WindowFilter.STARTS_WORDS + (b >>> 5)] & (1 << b)) == 0) {
          continue; // the rule's anchored DFA dies at buf[p]: no match can start here
        }
        if (p >= reportTo + befores[r]) {
          continue; // any match around p starts after the range this call reports
        }
        Rule rule = rules.get(r);
        FixedShape shape = shapes[r];
        if (shape == null) {
          shape = shape(r, rule);
        }
        if (shape != FixedShape.NONE) {
          fixed(r, rule, shape, p);
          continue;
        }
        WindowFilter f = filters[r];
        if (f == null) {
          f = filter(r, rule);
        }
        if (f.hasAfterKeyword()) {
          afterKeyword(r, rule, f, p, p + prefilter.keywordLength(keyword));
          continue;
        }
        if (p < lastEnd[r] && f.anchoredAtKeyword()) {
          // a match from this hit would start at p, inside the match this rule found last, and
          // confirm drops such a match (one leftmost-first search over the text never finds it):
          // a keyword repeated inside a long token (/EwA in base64) walks and compares nothing
          continue;
        }
        int len = rule.length();
        // for a rule whose every match starts at a keyword: where a match from this one may end,
        // -1 when none can start here (one walk: mayStartAt's answer is whether this is -1). A
        // match is at most the rule's length, so the walk and the window stop one byte past it:
        // in a long base64 run (a blob, a dump) the DFA of Ew[AB][A-Za-z0-9+/]{300,} never
        // dies, and walking to the buffer's end, then running re2j that far, for every hit cost
        // 43 MB of re2j per 10 MB and reported a 300 KB "token" (max_length 4096). A match cut by
        // the window's end is not reported, as no window of the reference holds one so long
        int limit = (int) Math.min(to, (long) p + len + 1);
        int walkTo = Math.max(limit, (int) Math.min(to, (long) p + RejectedStarts.MAX_BYTES));
        int bound = keywordWalkEnd(r, f, p, walkTo);
        if (bound == walkTo && walkTo < to && rejected[r].lastAcceptBeforeEnd() != WindowFilter.Walk.UNKNOWN) {
          // alive at the rule's length, not at the input's end: no longer match is reported, so
          // the window ends after the last place where one of that length may end; none (-1):
          // no match starts here
          bound = rejected[r].lastAcceptBeforeEnd();
        }
        if (bound == -1) {
          continue;
        }
        if (bound >= 0) {
          nextHit[r] = p + 1;
          int ws = Math.max(from, p - 1);
          confirm(r, rule, ws, ws, Math.min(limit, bound + 1), p, Integer.MIN_VALUE, Integer.MAX_VALUE);
          continue;
        }
        int ws = Math.max(from, p - rule.before() - 1); // one byte more, so a match at the limit keeps its left context
        // The window holds every match around p (each starts at most before() bytes before it
        // and is at most len long) and, `ahead` bytes further, those around the hits after p that
        // it lets the rule skip. A hit within len of the rule's last window is one of a cluster,
        // whose window reaches len further, so its next len bytes of hits cost no window; a lone
        // hit's window stops after its own matches: on a log with one such hit a line, the DFAs
        // walk half as far (before + len + 1 bytes, not before + 2 len). The reference keeps the
        // long windows, so the tests that compare with it check this choice too.
        int ahead = filterAfter < 0 || p <= clusterUntil[r] ? len : 1;
        clusterUntil[r] = (int) Math.min(Integer.MAX_VALUE, (long) p + len);
        int we = (int) Math.min(to, (long) p + len + ahead);
        nextHit[r] = we == to ? Integer.MAX_VALUE : p + ahead;
        int end = f.lastMatchEnd(buf, ws, we);
        if (end < 0) {
          continue; // no substring of the window can match: re2j would find nothing
        }
        if (end == we && we < to && !f.mayMatchBeforeEnd(buf, ws, we)) {
          // every match re2j may find here ends at the window's end (a value running on past it,
          // ended by the $ that the end fakes), which confirm drops for a later window to find
          // whole: a value that never ends (client_secret= repeated) cost a re2j run a window
          continue;
        }
        // re2j finds in [start - 1, end + 1) what it finds in the whole window: no match starts
        // before start or ends after end, and the bytes either side keep \b and $ honest
        int cut = Math.min(we, end + 1);
        int start = Math.max(ws, f.firstMatchStart(buf, ws, cut) - 1);
        confirm(r, rule, ws, start, cut, Integer.MAX_VALUE, 1, 0);
      }
    }

    /**
     * A hit of a rule with the after-keyword DFA ({@link WindowFilter#hasAfterKeyword}), its keyword
     * at {@code [p, e)}. Every match holds a keyword, and one whose first keyword this is ends where
     * that DFA, walked from e, accepts; when the walk dies first, no match has this as its first
     * keyword and there is no window. Otherwise the window runs from max_before before the hit, as
     * an unfiltered window's, to one byte past the walk's last accepting position, where the
     * unfiltered window reached the rule's length past the hit (for {@code ts.generic.1} on a
     * gateway log of tokens in assignments, ~600 bytes walked by two DFAs at each of ~110,000 hits
     * a GB), and reports what it holds as such a window does. The walk's verdicts are remembered as
     * the anchored rules' are ({@link RejectedStarts}).
     */
    private void afterKeyword(int r, Rule rule, WindowFilter f, int p, int e) {
      if (p < lastEnd[r]) {
        // a match with this first keyword starts by p, inside the one this rule found last, which
        // settle drops; one that starts later has a first keyword of its own, whose hit finds it
        return;
      }
      int limit = (int) Math.min(to, (long) p + rule.length() + 1);
      if (e > limit) {
        return; // a keyword longer than the rule's matches
      }
      int walkTo = Math.max(limit, (int) Math.min(to, (long) e + RejectedStarts.MAX_BYTES));
      int bound = keywordWalkEnd(r, f, e, walkTo);
      boolean alive = bound == walkTo && walkTo < to;
      if (alive && rejected[r].lastAcceptBeforeEnd() != WindowFilter.Walk.UNKNOWN) {
        bound = rejected[r].lastAcceptBeforeEnd(); // as for an anchored rule: no longer match is reported
      }
      if (bound < 0) {
        return; // no match has this as its first keyword
      }
      nextHit[r] = p + 1;
      int ws = Math.max(from, p - befores[r] - 1); // as an unfiltered window's
      int cut = Math.min(limit, bound + 1);
      if (alive && cut < to && noMatchBeforeEnd(r, f, ws, cut)) {
        // a value that runs on past the rule's length (client_secret= or secret= repeated, a hit
        // every few bytes): every match in the window ends at its end, and confirm drops those
        // for a later window, as it does an unfiltered window's (10 MB 2.6-5.9 s with a window
        // of the rule's length at each hit)
        return;
      }
      // The walk cannot tell which spelling of the keyword it follows: "access_token":"..." goes
      // on as ACCESS_TOKEN would, where ts.generic.1 wants upper case. The reverse DFA, which
      // knows the rule's case, then finds nowhere a match may start, and there is no window
      // (~17,600 such hits a GB of the log with repeating tokens, whose windows, each line's own,
      // also pushed the repeated lines' windows out of the window cache: re2j ran ~5x as often).
      int first = f.nextMatchStart(buf, ws, cut);
      if (first < 0) {
        return;
      }
      int start = Math.max(ws, first - 1);
      // a match that starts more than max_before bytes before this keyword, or after it, is
      // reported only with a keyword of its own near its start, as from an unfiltered window
      int reachFrom = p - befores[r];
      if (lastEnd[r] > start) {
        // The match found last ends inside the window. One search over the text goes on from its
        // end, where a search from the window's start could find a match that starts inside it
        // (its terminator taken as this one's left context: "k=v1 API_TOKEN=v2"), drop it, and
        // go on past the match that starts at its end. Rare (adjacent assignments), so the
        // search from there is not remembered.
        if (lastEnd[r] < cut) {
          settleAll(r, rule, ws, start, cut, Integer.MAX_VALUE, reachFrom, p, searchedOnFrom(r, start, cut, lastEnd[r]));
        }
        return;
      }
      confirm(r, rule, ws, start, cut, Integer.MAX_VALUE, reachFrom, p);
    }

    /**
     * {@link WindowFilter#mayMatchBeforeEnd} false for {@code [ws, cut)}: no substring that ends
     * before {@code cut} may match without the text's end. One walk of the window DFA per rule
     * goes on from one window to the next while it finds no such place (a walk from an earlier
     * start says no for a later one too: it covers every substring the later one does), so a
     * run of hits a few bytes apart costs one walk over the run, not one over each window.
     */
    private boolean noMatchBeforeEnd(int r, WindowFilter f, int ws, int cut) {
      int end = cut - 1;
      if (awayScan[r] != scans || awayRow[r] < 0 || awayFrom[r] > ws || awayTo[r] < ws) {
        awayScan[r] = scans;
        awayFrom[r] = ws;
        awayTo[r] = ws;
        awayRow[r] = 0; // the start state
      }
      if (awayTo[r] < end) {
        awayRow[r] = f.walkAwayFromEnd(buf, awayRow[r], awayTo[r], end);
        awayTo[r] = end;
      }
      return awayRow[r] >= 0;
    }

    /**
     * {@link WindowFilter#keywordWalk} for rule {@code r} from {@code p} up to {@code limit} (the
     * anchored DFA's from a hit, the after-keyword DFA's from its keyword's end), its recent
     * rejections remembered; -2 for a rule with neither (the reference's filter has no DFA).
     */
    private int keywordWalkEnd(int r, WindowFilter f, int p, int limit) {
      if (!f.anchoredAtKeyword() && !f.hasAfterKeyword()) {
        return -2;
      }
      RejectedStarts m = rejected[r];
      if (m == null) {
        m = rejected[r] = new RejectedStarts();
      }
      return m.walkEnd(f, buf, p, limit, scans);
    }

    /**
     * The rule's window filter from its first hit when the jar holds it precompiled; otherwise
     * built after its filterAfterHits-th hit: building a rule's DFAs costs 1-300 ms, a rule with
     * few hits is cheaper to confirm with re2j alone, and a small scan then starts no faster than
     * it ends. Until then {@link WindowFilter#NONE}.
     */
    private WindowFilter filter(int r, Rule rule) {
      if (filterAfter < 0) {
        return WindowFilter.NONE; // the reference: re2j on every window
      }
      if (!triedPrecompiled[r]) {
        triedPrecompiled[r] = true;
        WindowFilter p = PrecompiledFilters.load(rule.pattern(), rule.keywords());
        if (p != null) {
          return built(r, p);
        }
      }
      return hits[r]++ < filterAfterHits[r] ? WindowFilter.NONE
          : built(r, WindowFilter.orNone(rule.pattern(), rule.keywords()));
    }

    /**
     * A built-in rule's shape, at its first hit: its pattern parsed then. A racing first hit on
     * another thread parses an equal one; the shape's fields are final, so either is seen whole.
     */
    private FixedShape shape(int r, Rule rule) {
      FixedShape s = FixedShape.forRule(parse(rule), rule);
      shapes[r] = s;
      return s;
    }

    /** Rule {@code r}'s filter {@code f} from now on, with its start bytes. */
    private WindowFilter built(int r, WindowFilter f) {
      System.arraycopy(f.startBytes(), 0, startBytes, r * WindowFilter.STARTS_WORDS, WindowFilter.STARTS_WORDS);
      filters[r] = f;
      quietKeywords(r);
      return f;
    }

    /**
     * Tells the prefilter which hits of rule {@code r}'s keywords no rule can use, now that r's
     * filter is known: those of a keyword whose every rule is anchored at it and dies within
     * every spelling of it with its last byte in one case. {@code Ew[AB]...} and the {@code ewa}
     * of "gateway": 1.1 M hits per 256 MB of a request log, each noted and reported by the walk
     * and then rejected here by its first byte. A rule whose filter is not known yet (a fixed
     * shape never has one) may use every hit. Never for the reference, which builds no filter.
     */
    private void quietKeywords(int r) {
      for (int k = 0; k < rulesByKeyword.length; k++) {
        boolean ruleOf = false;
        for (int x : rulesByKeyword[k]) {
          ruleOf |= x == r;
        }
        if (!ruleOf) {
          continue; // a filter loads once a rule: a pass over the keywords then is cheaper than an index kept
        }
        byte[] kw = prefilter.keywordBytes(k);
        for (boolean upper : new boolean[] {false, true}) {
          boolean used = false;
          for (int x : rulesByKeyword[k]) {
            WindowFilter g = filters[x];
            used |= g == null || g.mayStartWith(kw, upper);
          }
          if (!used) {
            prefilter.quiet(k, upper);
          }
        }
      }
    }

    /**
     * A fixed-shape rule at its keyword hit {@code p}: its only possible match starts at p (hits of
     * one rule come in order of their end, and its matches cannot overlap, so a hit at or before
     * the last match start is a repeat).
     */
    private void fixed(int r, Rule rule, FixedShape shape, int p) {
      if (p <= lastStart[r] || !shape.matchesAt(buf, p, from, to)) {
        return;
      }
      lastStart[r] = p;
      if (p < reportFrom || p >= reportTo) {
        return;
      }
      int e = p + shape.length();
      // the match is the secret: its verdict and digest are remembered by its bytes, as a short
      // window's matches are (an AWS key id on thousands of lines was checked and, for its
      // evidence, digested at each; the window cache is free, a fixed shape opens no window)
      WindowCache c = caches[r];
      if (c == null) {
        c = caches[r] = new WindowCache();
      }
      int h = WindowCache.hash(buf, p, e);
      int[] known = e - p <= WindowCache.MAX_BYTES ? c.get(h, buf, p, e) : null;
      byte[] secret = Arrays.copyOfRange(buf, p, e);
      if (known == null) {
        known = new int[AFTER_SPANS]; // the verdict, then the digest, as after a window's spans
        digested = false;
        if (accepted(r, rule, secret)) {
          SecretDigest sd = digest();
          if (!digested) {
            sd.digest(secret, 0, secret.length);
          }
          putLong(known, 1, sd.hi());
          putLong(known, 3, sd.lo());
          known[0] = 1;
        } else {
          known[0] = -1;
        }
        if (e - p <= WindowCache.MAX_BYTES) {
          c.put(h, buf, p, e, known);
        }
      }
      if (known[0] > 0) {
        sink.accept(new Match(rule, p, e, p, e, secret, null, new SecretDigest.Value(getLong(known, 1), getLong(known, 3))));
      } else {
        Arrays.fill(secret, (byte) 0);
      }
    }

    /**
     * Runs rule {@code r} over {@code [ws, we)}, a window that opened at {@code opened} (the edge
     * rules use it). What re2j finds in a window depends on the window's bytes alone (its edges
     * are the text's edges to re2j), so the matches of a short window are remembered by content:
     * logs repeat the same line, and its decoys (documentation keys, placeholders) cost re2j once.
     */
    private void confirm(int r, Rule rule, int opened, int ws, int we, int maxStart, int reachFrom, int reachTo) {
      int n = we - ws;
      int[] found;
      if (n <= WindowCache.MAX_BYTES && filterAfter >= 0) { // the reference (-1) always runs re2j
        WindowCache c = caches[r];
        if (c == null) {
          c = caches[r] = new WindowCache();
        }
        int h = WindowCache.hash(buf, ws, we);
        found = c.get(h, buf, ws, we);
        if (found == null) {
          found = run(r, ws, we, ws);
          c.put(h, buf, ws, we, found);
        }
      } else if (filterAfter >= 0 && lastWindows[r] != null && lastWindows[r].holds(buf, ws, we)) {
        // the same bytes as this rule's last long window (a line repeated, or a periodic run such
        // as /EwA/EwA..., where each hit's 4 KB window cost a SHA-256 and, for the first 64, a
        // re2j run of ~14 ms): compared byte for byte, no digest
        found = lastWindows[r].found;
      } else if (filterAfter >= 0 && (longWindows > MEMO_AFTER || ++longWindows > MEMO_AFTER)) {
        // a longer window (a JWT after its keyword, an assignment with a long value) costs re2j
        // ~100 ns a byte; logs repeat such lines (the same bearer token on thousands of lines),
        // so its matches are remembered too, by the window's digest rather than its bytes
        SecretDigest digest = digest();
        digest.digest(buf, ws, we);
        DigestMemo c = longCaches[r];
        if (c == null) {
          c = longCaches[r] = new DigestMemo(LONG_WINDOW_SLOTS);
        }
        found = (int[]) c.get(digest.hi(), digest.lo(), r);
        if (found == null) {
          found = run(r, ws, we, ws);
          c.put(digest.hi(), digest.lo(), r, found);
        }
        lastWindow(r, ws, we, found);
      } else {
        found = run(r, ws, we, ws);
        if (filterAfter >= 0) {
          lastWindow(r, ws, we, found);
        }
      }
      int last = lastEnd[r];
      if (last > ws && last < we && straddles(found, ws, last)) {
        // A match found from the window's start runs over the end of the match this rule reported
        // last: it is inside that one (dropped), and re2j's search went on after it, past any match
        // that starts where the reported one ended. One leftmost-first search over the text goes
        // on from there: so does this window, the byte before still context for \b. Which matches
        // are found then does not depend on where a window starts (x_secret=... repeated with
        // shared separators), so a window may start wherever its hit needs.
        found = searchedOnFrom(r, ws, we, last);
      }
      if (settleAll(r, rule, opened, ws, we, maxStart, reachFrom, reachTo, found) && exact[r] == null) {
        // A match that starts before the hit and runs past it (a keyword that overlaps itself,
        // kk in kkk..., hit at both places) hid the hit's own match from re2j's search of the
        // window, which goes on after it. That match is inside the one the earlier hit settled,
        // or starts at the edge; whether a match starts at the hit is a search from there, the
        // byte before still context for \b. Rare, so not remembered.
        settleAll(r, rule, opened, ws, we, maxStart, reachFrom, reachTo, run(r, ws, we, maxStart));
      }
    }

    /**
     * {@link #settle}, then again from where it asks for each time it drops a match that may have
     * hidden others: a match at the window's edge (whose \b or ^ the edge fakes) or one without a
     * keyword of its own within max_before. re2j's search went on after such a match's end, past
     * any match that starts inside it; one search over the text would not have found it, or not
     * have reported it, and goes on from the byte after its start. So which matches a window
     * reports does not depend on where it starts or whether it holds such a match. True when a
     * settle said a match ran past maxStart.
     */
    private boolean settleAll(int r, Rule rule, int opened, int ws, int we, int maxStart, int reachFrom, int reachTo, int[] found) {
      resumeAt = -1;
      boolean hidden = settle(r, rule, opened, ws, we, maxStart, reachFrom, reachTo, found);
      while (resumeAt >= 0) {
        // from the end of the match reported last when that is further: what starts before it is
        // dropped, and a match that runs over it would hide one that starts there
        int at = Math.max(resumeAt, lastEnd[r]);
        resumeAt = -1;
        if (at >= we) {
          break;
        }
        hidden |= settle(r, rule, opened, ws, we, maxStart, reachFrom, reachTo, searchedOnFrom(r, ws, we, at));
      }
      return hidden;
    }

    /**
     * Whether a match may start inside {@code (ms, me)}, in the window that ends at {@code we}:
     * the reverse window DFA's answer (always yes without it).
     */
    private boolean mayStartInside(int r, int ms, int me, int we) {
      WindowFilter f = filters[r];
      if (f == null || ms + 1 >= me) {
        return ms + 1 < me;
      }
      int next = f.nextMatchStart(buf, ms + 1, we);
      return next >= 0 && next < me;
    }

    /**
     * {@link #run} of rule {@code r} over {@code [ws, we)} from {@code at}, remembered by the
     * window's digest and {@code at - ws} once this thread has searched on MEMO_AFTER times: in a
     * run of adjacent assignments every window searches on (10 MB of x_secret=... repeated took
     * 2.8 s with a re2j run for each, 2.1 s remembered).
     */
    private int[] searchedOnFrom(int r, int ws, int we, int at) {
      if (filterAfter < 0 || (searchedOn <= MEMO_AFTER && ++searchedOn <= MEMO_AFTER)) {
        return run(r, ws, we, at);
      }
      SecretDigest d = digest();
      d.digest(buf, ws, we);
      long lo = d.lo() ^ (at - ws + 1L) * 0x9E3779B97F4A7C15L; // one window, another place: another key
      if (searchedOnMemo == null) {
        searchedOnMemo = new DigestMemo(SEARCHED_ON_SLOTS);
      }
      int[] found = (int[]) searchedOnMemo.get(d.hi(), lo, r);
      if (found == null) {
        found = run(r, ws, we, at);
        searchedOnMemo.put(d.hi(), lo, r, found);
      }
      return found;
    }

    /** Whether one of a window's {@code found} matches starts before {@code p} and ends after it. */
    private static boolean straddles(int[] found, int ws, int p) {
      int spans = found.length / (RUN_STRIDE + AFTER_SPANS) * RUN_STRIDE;
      for (int i = 0; i < spans; i += RUN_STRIDE) {
        int ms = ws + found[i];
        if (ms >= p) {
          return false;
        }
        if (ws + found[i + 1] > p) {
          return true;
        }
      }
      return false;
    }

    /**
     * Reports what a window's {@code found} matches say (see {@link #confirm}). True when a match
     * that starts before {@code maxStart} runs past it, so that re2j did not search from there.
     */
    private boolean settle(int r, Rule rule, int opened, int ws, int we, int maxStart, int reachFrom, int reachTo, int[] found) {
      boolean hidden = false;
      int count = found.length / (RUN_STRIDE + AFTER_SPANS);
      int spans = count * RUN_STRIDE; // then one verdict a match, then the digests
      for (int i = 0; i < spans; i += RUN_STRIDE) {
        int ms = ws + found[i];
        int me = ws + found[i + 1];
        hidden |= ms < maxStart && me > maxStart;
        if (ms == opened && opened > from) {
          // the window edge fakes a \b or ^ here; the hit that owns this start saw its real context
          if (mayStartInside(r, ms, me, we)) {
            resumeAt = ms + 1;
            break;
          }
          continue;
        }
        if (me == we && we < to) {
          continue; // possibly cut by the window; the keyword's own window finds it whole
        }
        if (ms > maxStart) {
          break; // a later hit's match: that hit reports it
        }
        if (ms < lastEnd[r]) {
          // inside the match an earlier hit reported, as one leftmost-first search over the whole text
          // would skip it: a later keyword's window may start inside that match and find a shorter one
          continue;
        }
        if (ms <= lastStart[r]) {
          continue; // already reported from an earlier window
        }
        if ((ms < reachFrom || ms > reachTo) && !reachable(r, rule, ms, me)) {
          // no keyword of its own within max_before: the window of another hit came upon it
          if (mayStartInside(r, ms, me, we)) {
            resumeAt = ms + 1;
            break;
          }
          continue;
        }
        lastStart[r] = ms;
        lastEnd[r] = me;
        if (ms < reportFrom || ms >= reportTo || found[i + 2] < 0) {
          continue;
        }
        int s1 = ws + found[i + 2];
        int e1 = ws + found[i + 3];
        if (e1 <= s1) {
          continue;
        }
        // the verdict is the secret's, and the window's bytes hold the secret: a window the caches
        // answered for has its verdicts with its matches (no digest of the secret, no checks again)
        int v = spans + i / RUN_STRIDE;
        if (found[v] < 0) {
          continue;
        }
        byte[] secret = Arrays.copyOfRange(buf, s1, e1);
        int d = spans + count + 4 * (i / RUN_STRIDE); // the secret's digest, once accepted
        if (found[v] == 0) {
          digested = false;
          if (!accepted(r, rule, secret)) {
            found[v] = -1;
            Arrays.fill(secret, (byte) 0);
            continue;
          }
          SecretDigest sd = digest();
          if (!digested) {
            sd.digest(secret, 0, secret.length);
          }
          putLong(found, d, sd.hi());
          putLong(found, d + 2, sd.lo());
          found[v] = 1;
        }
        int is = found[i + 4];
        int ie = found[i + 5];
        Match.Identifier id = is < 0 || ie <= is ? null
            : new Match.Identifier(pattern(r).idName(), ws + is, ws + ie, Arrays.copyOfRange(buf, ws + is, ws + ie));
        sink.accept(new Match(rule, s1, e1, ms, me, secret, id, new SecretDigest.Value(getLong(found, d), getLong(found, d + 2))));
      }
      return hidden;
    }

    /** Remembers {@code [ws, we)} and its matches as rule {@code r}'s last long window. */
    private void lastWindow(int r, int ws, int we, int[] found) {
      if (we - ws <= LastWindow.MAX_BYTES) {
        LastWindow w = lastWindows[r];
        if (w == null) {
          w = lastWindows[r] = new LastWindow();
        }
        w.set(buf, ws, we, found);
      }
    }

    private SecretDigest digest() {
      SecretDigest d = digest;
      return d != null ? d : (digest = new SecretDigest());
    }

    /**
     * {@link #accept} of rule {@code r} for {@code secret}, remembered per secret digest when the
     * rule's checks are costly: a log that carries one token on thousands of lines checks it once.
     */
    private boolean accepted(int r, Rule rule, byte[] secret) {
      if (!costlyChecks[r] || (costlyAccepts <= MEMO_AFTER && ++costlyAccepts <= MEMO_AFTER)) {
        return accept(rule, secret);
      }
      SecretDigest digest = digest();
      digest.digest(secret, 0, secret.length);
      digested = true;
      if (verdicts == null) {
        verdicts = new DigestMemo(VERDICT_SLOTS);
      }
      Object v = verdicts.get(digest.hi(), digest.lo(), r);
      if (v != null) {
        return (Boolean) v;
      }
      boolean ok = accept(rule, secret);
      verdicts.put(digest.hi(), digest.lo(), r, ok);
      return ok;
    }

    /**
     * Whether one of rule {@code r}'s keywords starts in the match {@code [ms, me)} at most
     * max_before bytes after its start (or after the start of the text). Only then does a window of
     * the match's own keyword hits hold it, which is how the filtered path finds every match; a
     * window that opened at another hit (of a keyword before the match, or in a window the filters
     * skip) may also come upon it, and must not report what the filtered path cannot find.
     */
    private boolean reachable(int r, Rule rule, int ms, int me) {
      long limit = (long) Math.max(ms, from + 1) + rule.before();
      reachRule = r;
      reachLimit = limit;
      reached = false;
      prefilter.scan(buf, ms, (int) Math.min(me, limit + maxKeywordLength), reachSink);
      return reached;
    }

    int reachRule;
    long reachLimit;
    boolean reached;
    final Prefilter.HitSink reachSink = (keyword, start) -> {
      if (!reached && start <= reachLimit) {
        for (int x : rulesByKeyword[keyword]) {
          reached |= x == reachRule;
        }
      }
    };

    /**
     * re2j's matches in {@code [ws, we)}, relative to ws, {@link #RUN_STRIDE} ints each: start, end,
     * the secret group's start and end, the identifier group's start and end (-1 when absent); then
     * one int a match for the verdict of its checks, 0 until {@link #confirm} knows it (1 accepted,
     * -1 not), and four for its secret's digest once accepted ({@link #AFTER_SPANS}), kept with the
     * matches in the window caches. The search starts at {@code searchFrom},
     * the bytes before it context (a rule with an {@link ExactSpan} searches from ws).
     */
    private int[] run(int r, int ws, int we, int searchFrom) {
      ExactSpan x = exact[r];
      if (x != null) {
        int[] spans = x.find(buf, ws, we, searchFrom, NONE_FOUND); // what re2j finds, without its NFA
        return spans.length == 0 ? NONE_FOUND : Arrays.copyOf(spans, spans.length + spans.length / RUN_STRIDE * AFTER_SPANS);
      }
      Compiled c = pattern(r);
      if (filterAfter >= 0) { // the reference (-1) runs re2j's own search
        com.google.re2j.Backtracker b = backtrackers[r];
        if (b == null) {
          b = backtrackers[r] = com.google.re2j.Backtracker.of(c.pattern(), backtrackSpace);
        }
        if (b != null && (long) (we - ws + 1) * b.size() <= com.google.re2j.Backtracker.MAX_BITS) {
          return backtrack(b, c, r, ws, we, searchFrom);
        }
      }
      Matcher m = matchers[r];
      window.reset(buf, ws, we);
      if (m == null) {
        m = matchers[r] = c.pattern().matcher(window);
      } else {
        m.reset(window);
      }
      int k = 0;
      int[] out = runBuf;
      // after each match, re2j's next search would walk the rest of the window in its NFA (~260 ns
      // a byte for ts.generic.1), mostly to find nothing: the reverse window DFA says first where
      // the next match may start, if anywhere, and the search goes on from there (find(int)
      // searches on as find() does, the byte before it still context for \b)
      WindowFilter f = filters[r];
      boolean found = searchFrom == ws ? m.find() : m.find(searchFrom - ws);
      while (found) {
        if (k + RUN_STRIDE > out.length) {
          out = runBuf = Arrays.copyOf(out, out.length * 2);
        }
        int ms = m.start();
        int me = m.end();
        int sg = c.secretGroup();
        int ig = c.idGroup();
        out[k++] = ms;
        out[k++] = me;
        out[k++] = m.start(sg);
        out[k++] = m.start(sg) < 0 ? -1 : m.end(sg);
        out[k++] = ig < 0 ? -1 : m.start(ig);
        out[k++] = ig < 0 || m.start(ig) < 0 ? -1 : m.end(ig);
        int at = searchOnFrom(f, ws, we, ms, me);
        if (at < 0) {
          break; // no match can start in the rest of the window
        }
        found = at == ws + (me == ms ? me + 1 : me) ? m.find() : m.find(at - ws);
      }
      return found(out, k);
    }

    /**
     * Where the search after a match {@code [ms, me)} of the window {@code [ws, we)} (relative to
     * ws) goes on, absolute: from the match's end (one further after an empty match), or from
     * where the reverse window DFA says the next match may start; -1 when none can.
     */
    private int searchOnFrom(WindowFilter f, int ws, int we, int ms, int me) {
      int next = me == ms ? me + 1 : me;
      if (next > we - ws) {
        return -1;
      }
      return f == null ? ws + next : f.nextMatchStart(buf, ws + next, we);
    }

    /** The {@code k} ints of matches in {@code out}, with room for each one's verdict and digest. */
    private int[] found(int[] out, int k) {
      if (k == 0) {
        return NONE_FOUND;
      }
      int[] result = new int[k + k / RUN_STRIDE * AFTER_SPANS]; // the verdicts unknown, no digests yet
      System.arraycopy(out, 0, result, 0, k);
      return result;
    }

    /**
     * {@link #run} with the backtracking search in place of re2j's: the same matches, groups and
     * searches on ({@code BacktrackerTest}).
     */
    private int[] backtrack(com.google.re2j.Backtracker b, Compiled c, int r, int ws, int we, int searchFrom) {
      int sg = c.secretGroup();
      int ig = c.idGroup();
      int[] g = groupsBuf;
      if (g.length < b.resultInts()) {
        g = groupsBuf = new int[b.resultInts()];
      }
      int k = 0;
      int[] out = runBuf;
      WindowFilter f = filters[r];
      boolean found = b.find(buf, ws, we, searchFrom - ws, g);
      while (found) {
        if (k + RUN_STRIDE > out.length) {
          out = runBuf = Arrays.copyOf(out, out.length * 2);
        }
        int ms = g[0];
        int me = g[1];
        out[k++] = ms;
        out[k++] = me;
        out[k++] = g[2 * sg];
        out[k++] = g[2 * sg] < 0 ? -1 : g[2 * sg + 1];
        out[k++] = ig < 0 ? -1 : g[2 * ig];
        out[k++] = ig < 0 || g[2 * ig] < 0 ? -1 : g[2 * ig + 1];
        int at = searchOnFrom(f, ws, we, ms, me);
        if (at < 0) {
          break;
        }
        found = b.find(buf, ws, we, at - ws, g);
      }
      return found(out, k);
    }
  }

  private static final int[] NONE_FOUND = new int[0];
  /** Ints per match in what {@code run} returns. */
  private static final int RUN_STRIDE = 6;
  /**
   * Ints per match after the spans in what {@code run} returns: its verdict, then its secret's
   * digest (two longs), set when the verdict is first "accepted". A window the caches answer for
   * then hands its findings the digest, and the evidence cache digests no secret per finding
   * (~58 ms of SHA-256 a GB of a log with repeating tokens).
   */
  private static final int AFTER_SPANS = 5;

  private static void putLong(int[] a, int i, long v) {
    a[i] = (int) (v >>> 32);
    a[i + 1] = (int) v;
  }

  private static long getLong(int[] a, int i) {
    return (long) a[i] << 32 | (a[i + 1] & 0xFFFFFFFFL);
  }

  /** Slots of the per-thread memo of verdicts (rule and secret digest to accepted or not). */
  private static final int VERDICT_SLOTS = 512;
  /** Slots of the per-thread memo of windows searched on from a match's end, all rules together. */
  private static final int SEARCHED_ON_SLOTS = 64;
  /** Long windows, or costly checks, a thread does with a detector before it starts to remember them. */
  private static final int MEMO_AFTER = 64;
  /** Slots per rule of the per-thread memo of long windows' matches. */
  private static final int LONG_WINDOW_SLOTS = 32;

  /**
   * A direct-mapped memo keyed by a 128-bit digest ({@link SecretDigest}) and a small tag (the
   * rule): the results of work done on bytes that it does not keep, so it holds no secret. A
   * colliding key evicts. Per thread.
   */
  static final class DigestMemo {
    private final long[] his;
    private final long[] los;
    private final int[] tags;
    private final Object[] values;

    DigestMemo(int slots) {
      his = new long[slots];
      los = new long[slots];
      tags = new int[slots];
      values = new Object[slots];
    }

    private int slot(long hi, int tag) {
      return (int) (hi ^ (hi >>> 29) ^ tag * 0x9E3779B9L) & (values.length - 1);
    }

    Object get(long hi, long lo, int tag) {
      int s = slot(hi, tag) & ~1;
      if (values[s] != null && his[s] == hi && los[s] == lo && tags[s] == tag) {
        return values[s];
      }
      s |= 1;
      return values[s] != null && his[s] == hi && los[s] == lo && tags[s] == tag ? values[s] : null;
    }

    /** Into the first slot of its pair, whose entry moves to the second (evicting the older). */
    void put(long hi, long lo, int tag, Object value) {
      int s = slot(hi, tag) & ~1;
      his[s + 1] = his[s];
      los[s + 1] = los[s];
      tags[s + 1] = tags[s];
      values[s + 1] = values[s];
      his[s] = hi;
      los[s] = lo;
      tags[s] = tag;
      values[s] = value;
    }
  }

  /**
   * Per thread and rule: the last window longer than {@link WindowCache#MAX_BYTES} and re2j's
   * matches in it (with their verdicts, as the caches keep them), compared byte for byte.
   */
  static final class LastWindow {
    /** Longer windows are not kept: the copy and the compare would cost more than they save. */
    static final int MAX_BYTES = 16 << 10;
    private byte[] bytes = new byte[0];
    private int n = -1;
    int[] found;

    boolean holds(byte[] buf, int from, int to) {
      return to - from == n && Arrays.equals(bytes, 0, n, buf, from, to);
    }

    void set(byte[] buf, int from, int to, int[] found) {
      int len = to - from;
      if (bytes.length < len) {
        bytes = new byte[Math.max(len, Math.min(MAX_BYTES, bytes.length * 2))];
      }
      System.arraycopy(buf, from, bytes, 0, len);
      n = len;
      this.found = found;
    }
  }

  /**
   * Per thread and rule: re2j's matches in recent short windows, by window content. {@link #SETS}
   * sets of {@link #WAYS} entries of at most {@link #MAX_BYTES} bytes each, a hit moved to the
   * front of its set and a miss evicting the set's last entry. Direct-mapped with 16 slots, the 19
   * distinct lines that repeat a token for {@code ts.generic.1} on a gateway log evicted each
   * other: re2j ran on 10,360 of its 21,937 windows there (~40 µs each on that rule's NFA).
   */
  static final class WindowCache {
    /** Longer windows are not cached: repeated log lines are short, and a key is copied and compared whole. */
    static final int MAX_BYTES = 256;
    /** Sets per rule and thread. */
    static final int SETS = 16;
    /** Entries per set: 64 repeated lines per rule fit, 64 x 256 bytes at most. */
    static final int WAYS = 4;
    private final int[] hashes = new int[SETS * WAYS];
    private final byte[][] keys = new byte[SETS * WAYS][];
    private final int[][] values = new int[SETS * WAYS][];

    static int hash(byte[] buf, int from, int to) {
      int h = to - from;
      for (int i = from; i < to; i++) {
        h = 31 * h + buf[i];
      }
      return h ^ (h >>> 16);
    }

    /** The first entry of {@code h}'s set: the hash's top bits after a multiply, as its low bits follow the last byte. */
    private static int set(int h) {
      return ((h * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(SETS))) * WAYS;
    }

    int[] get(int h, byte[] buf, int from, int to) {
      int base = set(h);
      for (int w = base; w < base + WAYS; w++) {
        byte[] k = keys[w];
        if (k == null) {
          return null; // a set fills from its front
        }
        if (hashes[w] == h && Arrays.equals(k, 0, k.length, buf, from, to)) {
          int[] v = values[w];
          if (w != base) { // to the front: a line that keeps repeating stays
            System.arraycopy(hashes, base, hashes, base + 1, w - base);
            System.arraycopy(keys, base, keys, base + 1, w - base);
            System.arraycopy(values, base, values, base + 1, w - base);
            hashes[base] = h;
            keys[base] = k;
            values[base] = v;
          }
          return v;
        }
      }
      return null;
    }

    void put(int h, byte[] buf, int from, int to, int[] found) {
      int base = set(h);
      System.arraycopy(hashes, base, hashes, base + 1, WAYS - 1);
      System.arraycopy(keys, base, keys, base + 1, WAYS - 1);
      System.arraycopy(values, base, values, base + 1, WAYS - 1);
      hashes[base] = h;
      keys[base] = Arrays.copyOfRange(buf, from, to);
      values[base] = found;
    }
  }

  /** The checks after the regex: placeholders and masks, entropy floor, then the rule's validators. */
  static boolean accept(Rule rule, byte[] secret) {
    if (Placeholders.isPlaceholder(secret)) {
      return false;
    }
    if (rule.entropyFloor() > 0 && Entropy.shannon(secret) < rule.entropyFloor()) {
      return false;
    }
    for (String v : rule.validate()) {
      if (!Validators.check(v, secret)) {
        return false;
      }
    }
    return true;
  }

  /** Convenience for tests and small inputs: all matches in {@code buf}. */
  @Override
  public List<Match> findAll(byte[] buf) {
    List<Match> out = new ArrayList<>();
    // every match starts from a keyword's hit: text with none (most names, claims and messages
    // that scrub() is asked about) costs the walk, not a scratch of ~20 arrays a rule long
    if (!prefilter.containsAny(buf, 0, buf.length)) {
      return out;
    }
    // a scratch of its own, not the thread's: a thread-local Scratch holds its detector, so the
    // thread's map never lets go of either, and the linter builds a detector per example (a
    // 40 s fuzz of the rule reader kept 18,000 of them, 500 MB, alive)
    scan(new Scratch(patterns.length), buf, 0, buf.length, 0, buf.length, out::add);
    return out;
  }

  /** Rules by id, for lookups by reporters. */
  @Override
  public Map<String, Rule> rulesById() {
    Map<String, Rule> m = new HashMap<>();
    for (Rule r : rules) {
      m.put(r.id(), r);
    }
    return m;
  }
}

