package dev.tokensweep.detectors.engine;

import com.google.re2j.SyntaxTree;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;
import org.apache.lucene.util.automaton.Automata;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.Operations;
import org.apache.lucene.util.automaton.TooComplexToDeterminizeException;
import org.apache.lucene.util.automaton.Transition;

/**
 * A byte DFA that accepts a superset of what a rule's regex can match, run over the regex window
 * before re2j: when the DFA finds no match anywhere in the window, neither can re2j, and the
 * window is skipped. re2j is an NFA simulation (tens of nanoseconds per character); the DFA is one
 * table lookup per byte, so windows around common keywords ({@code secret}, {@code authorization},
 * {@code _token}) that hold no assignment shape cost a pass over bytes instead of a regex run.
 *
 * <p>The superset comes from dropping what a byte DFA cannot or need not express: zero-width
 * assertions ({@code \b}, {@code ^}, {@code $}) become the empty string, and counted repetitions
 * above {@link #CAP} are widened ({@code x{40}} to {@code x{CAP,}}) so that the unanchored DFA
 * stays small. Widening only ever adds strings, so a rejection is exact. Immutable, thread-safe.
 */
final class WindowFilter {
  /** Counted repetitions keep their counts up to this; larger ones are widened: exact counts multiply an unanchored DFA's states. */
  static final int CAP = 4;
  /** Counts kept up to this in the DFAs run from a keyword, which nothing multiplies (see {@link #exactOrNull}). */
  static final int EXACT_CAP = 32;
  /** States at most in a DFA with those counts: beyond, the widened one serves (the jar holds every built-in rule's DFAs). */
  static final int EXACT_MAX_STATES = 512;
  /** States beyond which a rule gets no filter (it then always runs its regex): a DFA's table past this costs more cache than re2j saves. */
  static final int MAX_STATES = 4096;
  /**
   * Lucene's work limit for one determinization: a pattern whose DFA would need more gets no
   * filter (it then always runs its regex), which bounds the build of a hostile custom rule.
   */
  static final int MAX_DETERMINIZE_WORK = 20_000;

  private final Dfa any;       // Σ* R: where in a window a match may end
  private final Dfa back;      // Σ* reverse(R), run backwards: where a match may start; or null
  private final Dfa anchored;  // R from a keyword, for a rule whose every match starts with one of its keywords; or null
  private final Dfa after;     // what may follow a keyword inside a match, from the keyword's end; or null

  // the ASCII bytes at which the anchored DFA does not die at once, bit b of word b >>> 5 (see startBytes)
  private final int[] startBytes;

  private WindowFilter(Dfa any, Dfa back, Dfa anchored, Dfa after) {
    this.any = any;
    this.back = back;
    this.anchored = anchored;
    this.after = after;
    this.startBytes = new int[STARTS_WORDS];
    for (int b = 0; b < 128; b++) {
      if (anchored == null || anchored.aliveAfter(b)) {
        startBytes[b >>> 5] |= 1 << b;
      }
    }
  }

  /** Words in {@link #startBytes}: one bit for each byte 0..127. */
  static final int STARTS_WORDS = 4;

  /**
   * The bytes 0..127 at which a match may start, as {@link #STARTS_WORDS} words (bit {@code b} of
   * word {@code b >>> 5}): a clear bit is a byte at which {@link #mayStartAt} is false, the anchored
   * DFA dying at its first step. Every bit is set without an anchored DFA; bytes from 0x80 up have
   * no bit and must go to {@link #mayStartAt}. A keyword hit costs the detector this one lookup in
   * a small array instead of the DFA's class and table rows, which the keyword walk has evicted
   * from the cache by then: most hits of a case-sensitive anchored rule die there ({@code ewa} in
   * {@code gateway} for {@code \bEw[AB]...}, 1.1 M hits in a 256 MB request log). A copy.
   */
  int[] startBytes() {
    return startBytes.clone();
  }

  /** Lets every window through, for a pattern whose DFA would be too large to help. */
  static final WindowFilter NONE = new WindowFilter(null, null, null, null);

  /** The filter for a rule's {@code pattern} and {@code keywords}, or {@link #NONE}. */
  static WindowFilter orNone(String pattern, List<String> keywords) {
    WindowFilter f = of(pattern, keywords);
    return f == null ? NONE : f;
  }

  /** The filter for {@code pattern}, or null when its DFA would be too large to help. */
  static WindowFilter of(String pattern, List<String> keywords) {
    SyntaxTree.Node tree = SyntaxTree.parse(pattern);
    for (int cap = CAP; cap >= 1; cap /= 2) {
      try {
        Automaton r = toAutomaton(tree, cap);
        Automaton a = Operations.concatenate(List.of(Operations.repeat(Automata.makeCharRange(0, 255)), r));
        a = Operations.determinize(a, MAX_DETERMINIZE_WORK);
        if (a.getNumStates() > MAX_STATES) {
          continue;
        }
        Dfa any = Dfa.of(a);
        if (any == null) {
          continue;
        }
        any.awayFromEnd = awayFromEnd(tree, cap, a);
        Automaton exact = exactOrNull(tree, cap);
        Dfa anchored = exact == null ? null : anchoredOrNull(exact, keywords);
        if (anchored == null) {
          anchored = anchoredOrNull(r, keywords);
        }
        Dfa after = null;
        if (anchored == null) {
          after = exact == null ? null : afterOrNull(exact, keywords);
          if (after == null) {
            after = afterOrNull(r, keywords);
          }
        }
        return new WindowFilter(any, backOrNull(r), anchored, after);
      } catch (TooComplexToDeterminizeException e) {
        // widen further
      }
    }
    return null;
  }

  /**
   * For each state of {@code any} (Σ* R at {@code cap}), whether a match that does not need the
   * text's end ({@code $}) may end there, as a bit set by state; null for every accepting state
   * (R has no {@code $}, or the answer cannot be worked out: null is always sound). Σ* R with
   * {@code $} as the empty language is walked beside {@code any}: a state of {@code any} gets its
   * bit when some state of the other that it is reached together with accepts (more than one only
   * widens the answer, which stays sound).
   */
  private static long[] awayFromEnd(SyntaxTree.Node tree, int cap, Automaton any) {
    if (!hasOp(tree, "END_TEXT")) {
      return null;
    }
    long[] bits = new long[(any.getNumStates() + 63) >>> 6];
    try {
      Automaton b = Operations.determinize(Operations.concatenate(List.of(
          Operations.repeat(Automata.makeCharRange(0, 255)), toAutomaton(tree, cap, true))), MAX_DETERMINIZE_WORK);
      if (b.getNumStates() > MAX_STATES) {
        return null;
      }
      int[] reps = sharedClasses(any, b);
      int nb = b.getNumStates() + 1; // b's dead state as nb - 1
      BitSet seen = new BitSet();
      ArrayDeque<int[]> queue = new ArrayDeque<>();
      seen.set(0);
      queue.add(new int[] {0, 0});
      boolean[] accepts = new boolean[any.getNumStates()];
      while (!queue.isEmpty()) {
        int[] qb = queue.poll();
        if (qb[1] < nb - 1 && b.isAccept(qb[1])) {
          accepts[qb[0]] = true;
        }
        for (int c : reps) {
          int q = any.step(qb[0], c);
          if (q < 0) {
            continue; // Σ* R never dies, but a widened automaton may
          }
          int m = qb[1] == nb - 1 ? -1 : b.step(qb[1], c);
          int mb = m < 0 ? nb - 1 : m;
          long key = (long) q * nb + mb;
          if (key >= Integer.MAX_VALUE) {
            return null; // too many pairs to walk
          }
          if (!seen.get((int) key)) {
            seen.set((int) key);
            queue.add(new int[] {q, mb});
          }
        }
      }
      for (int q = 0; q < accepts.length; q++) {
        if (accepts[q]) {
          bits[q >>> 6] |= 1L << q;
        }
      }
      return bits;
    } catch (TooComplexToDeterminizeException e) {
      return null;
    }
  }

  /** One byte from each class of bytes that both automata treat alike, for walking them side by side. */
  private static int[] sharedClasses(Automaton a, Automaton b) {
    TreeSet<Integer> points = new TreeSet<>();
    for (int p : a.getStartPoints()) {
      points.add(p);
    }
    for (int p : b.getStartPoints()) {
      points.add(p);
    }
    return points.stream().filter(p -> p < 256).mapToInt(Integer::intValue).toArray();
  }

  private static boolean hasOp(SyntaxTree.Node n, String op) {
    if (n.op().equals(op)) {
      return true;
    }
    for (SyntaxTree.Node s : n.subs()) {
      if (hasOp(s, op)) {
        return true;
      }
    }
    return false;
  }

  /**
   * R with its counts kept up to {@link #EXACT_CAP}, for the DFAs run from a keyword (anchored,
   * after-keyword), which Σ* does not multiply: {@code [A-Za-z0-9._~+/-]{20,}} after {@code Bearer }
   * costs them 20 states, and {@code bearer session_id=} then dies at the {@code =} instead of
   * passing as four token bytes would, which sent every {@code auth=bearer} of a request log to
   * re2j's window (300,000 per 256 MB, each a window cache lookup and a matcher run). Null when
   * it is no tighter than R at {@code cap} or its DFA would be too large.
   */
  private static Automaton exactOrNull(SyntaxTree.Node tree, int cap) {
    if (!hasCountAbove(tree, cap)) {
      return null;
    }
    try {
      Automaton e = toAutomaton(tree, EXACT_CAP);
      Automaton d = Operations.determinize(Operations.removeDeadStates(e), MAX_DETERMINIZE_WORK);
      return d.getNumStates() > EXACT_MAX_STATES ? null : e;
    } catch (TooComplexToDeterminizeException | IllegalArgumentException e) {
      return null;
    }
  }

  /** Whether a counted repetition in the tree has a bound above {@code cap} (so widening changed it). */
  private static boolean hasCountAbove(SyntaxTree.Node n, int cap) {
    if (n.op().equals("REPEAT") && (n.min() > cap || n.max() > cap)) {
      return true;
    }
    for (SyntaxTree.Node s : n.subs()) {
      if (hasCountAbove(s, cap)) {
        return true;
      }
    }
    return false;
  }

  private static Dfa backOrNull(Automaton r) {
    try {
      Automaton b = Operations.determinize(
          Operations.concatenate(List.of(Operations.repeat(Automata.makeCharRange(0, 255)), Operations.reverse(r))), MAX_DETERMINIZE_WORK);
      return b.getNumStates() > MAX_STATES ? null : Dfa.of(b);
    } catch (TooComplexToDeterminizeException e) {
      return null;
    }
  }

  /**
   * What may follow the first keyword of a match: the strings s such that some x k s is in R,
   * for a keyword k (ASCII case-insensitive) and an x k that holds no keyword but the k it ends
   * with, as a DFA run from the keyword's end. A keyword hit whose following bytes begin no such
   * s is the first keyword of no match ({@code _TOKEN }}}, {@code ://api.host/path} with no
   * {@code @}), and every match is found from its first keyword's hit as from any other (each
   * hit's window covers every match that holds its keyword), so the window needs neither the
   * window DFAs nor re2j: most hits of the context rules ({@code secret}, {@code _token},
   * {@code ://}) end a few bytes after the keyword; the others' windows end one byte past its last
   * accepting position, where every match with that first keyword ends, instead of reaching the
   * rule's length past the hit ({@link #keywordWalkOrDeath}). Only the first keyword, because a later one
   * may sit in the secret itself, where almost anything may follow. The states of R's DFA after a
   * first keyword are found by walking R's DFA and the keywords' DFA side by side; they become
   * the start of a copy of R's DFA.
   */
  private static Dfa afterOrNull(Automaton r, List<String> keywords) {
    if (keywords.isEmpty()) {
      return null;
    }
    try {
      Automaton dr = Operations.determinize(Operations.removeDeadStates(r), MAX_DETERMINIZE_WORK);
      int n = dr.getNumStates();
      if (n == 0 || n > MAX_STATES) {
        return null;
      }
      Automaton anyByte = Operations.repeat(Automata.makeCharRange(0, 255));
      Automaton kd = Operations.determinize(Operations.concatenate(List.of(anyByte, anyKeyword(keywords))), MAX_DETERMINIZE_WORK);
      if (!Operations.subsetOf(dr, Operations.determinize(Operations.concatenate(List.of(kd, anyByte)), MAX_DETERMINIZE_WORK))) {
        return null; // some match holds no keyword (it is found only by a keyword near it): no first keyword to check
      }
      int[] reps = sharedClasses(dr, kd);
      int nk = kd.getNumStates();
      BitSet seen = new BitSet();
      BitSet starts = new BitSet(n); // states of dr right after a keyword
      ArrayDeque<int[]> queue = new ArrayDeque<>();
      seen.set(0);
      queue.add(new int[] {0, 0});
      while (!queue.isEmpty()) {
        int[] qm = queue.poll();
        for (int b : reps) {
          int q = dr.step(qm[0], b);
          int m = kd.step(qm[1], b);
          if (q < 0 || m < 0) {
            continue; // dr: no match goes on with b; kd is complete (it starts with any byte, looped)
          }
          if (kd.isAccept(m)) {
            starts.set(q); // the first keyword in the match ends here; what follows is not walked
            continue;
          }
          long key = (long) q * nk + m;
          if (key < Integer.MAX_VALUE && !seen.get((int) key)) {
            seen.set((int) key);
            queue.add(new int[] {q, m});
          }
        }
      }
      if (starts.isEmpty()) {
        return null;
      }
      // dr with a new start state that has the transitions of every state after a keyword
      Automaton s = new Automaton();
      int start = s.createState();
      for (int q = 0; q < n; q++) {
        s.createState(); // dr's state q is state q + 1 here
      }
      Transition t = new Transition();
      boolean acceptsAtOnce = false;
      for (int q = starts.nextSetBit(0); q >= 0; q = starts.nextSetBit(q + 1)) {
        acceptsAtOnce |= dr.isAccept(q);
        int c = dr.initTransition(q, t);
        for (int i = 0; i < c; i++) {
          dr.getNextTransition(t);
          s.addTransition(start, t.dest + 1, t.min, t.max);
        }
      }
      s.setAccept(start, acceptsAtOnce);
      for (int q = 0; q < n; q++) {
        s.setAccept(q + 1, dr.isAccept(q));
        int c = dr.initTransition(q, t);
        for (int i = 0; i < c; i++) {
          dr.getNextTransition(t);
          s.addTransition(q + 1, t.dest + 1, t.min, t.max);
        }
      }
      s.finishState();
      Automaton sd = Operations.determinize(Operations.removeDeadStates(s), MAX_DETERMINIZE_WORK);
      return sd.getNumStates() == 0 || sd.getNumStates() > MAX_STATES ? null : Dfa.of(sd);
    } catch (TooComplexToDeterminizeException e) {
      return null;
    }
  }

  /** Any one of the keywords, ASCII case-insensitive, as the prefilter matches them. */
  private static Automaton anyKeyword(List<String> keywords) {
    List<Automaton> ks = new ArrayList<>();
    for (String k : keywords) {
      List<Automaton> chars = new ArrayList<>();
      for (int i = 0; i < k.length(); i++) {
        chars.add(rune(k.charAt(i), true));
      }
      ks.add(Operations.concatenate(chars));
    }
    return Operations.union(ks);
  }

  /** R as an anchored DFA when R (widened) only holds strings that begin with a keyword, ASCII case-insensitive. */
  private static Dfa anchoredOrNull(Automaton r, List<String> keywords) {
    if (keywords.isEmpty()) {
      return null;
    }
    Automaton startsWithKeyword = Operations.determinize(
        Operations.concatenate(List.of(anyKeyword(keywords), Operations.repeat(Automata.makeCharRange(0, 255)))), MAX_DETERMINIZE_WORK);
    Automaton dr = Operations.determinize(Operations.removeDeadStates(r), MAX_DETERMINIZE_WORK);
    if (dr.getNumStates() > MAX_STATES || !Operations.subsetOf(dr, startsWithKeyword)) {
      return null;
    }
    return Dfa.of(dr);
  }

  /**
   * Where matches may end in {@code buf[from, to)}: one past the last byte at which some substring
   * may end a match, or -1 when no substring can match. re2j over {@code [from, min(to, result + 1))}
   * then finds exactly what it finds over {@code [from, to)}: every match ends by {@code result},
   * and the byte after each match's end, which {@code \b} and {@code $} look at, is still inside.
   */
  int lastMatchEnd(byte[] buf, int from, int to) {
    return any == null ? to : any.lastEnd(buf, from, to);
  }

  /**
   * Whether some substring of {@code buf[from, to)} may match without ending at {@code to}: false
   * when every match re2j can find in that window ends at its end, either through a {@code $} that
   * the window's end fakes or with the window's last byte. Such a window holds no match that
   * {@link KeywordDetector} reports (one cut by the window), so it needs no re2j run: 10 MB of
   * {@code client_secret=} repeated, whose every window ends inside a value that runs on for ever,
   * took re2j 7-9 s over ~650 windows. Always true without a filter.
   */
  boolean mayMatchBeforeEnd(byte[] buf, int from, int to) {
    return any == null || any.walkAway(buf, 0, from, to - 1) < 0;
  }

  /**
   * The window DFA's row after {@code buf[from, to)} walked from {@code row} (0: its start), or
   * -1 once the walk reaches a state where a match not through {@code $} may end (the state it
   * starts in included): {@link #mayMatchBeforeEnd} walked in pieces. -1 without a filter.
   */
  int walkAwayFromEnd(byte[] buf, int row, int from, int to) {
    return any == null ? -1 : any.walkAway(buf, row, from, to);
  }

  /** {@link #lastMatchEnd} by one walk, never split (for tests). */
  int lastMatchEndOneWalk(byte[] buf, int from, int to) {
    return any == null ? to : any.lastEndOne(buf, from, to);
  }

  /** Whether {@link #lastMatchEnd} may split its walk at a synchronizing byte (for tests). */
  boolean lastMatchEndSplits() {
    return any != null && !any.acceptsEmpty && any.syncRows() != null;
  }

  /** Windows at least this long have their walk split in two, when the DFA has a synchronizing byte. */
  static final int SPLIT_AT_LEAST = 128;

  /**
   * Where the first match may start in {@code buf[from, end)}, given that every match ends by
   * {@code end}: the smallest position at which a substring ending by {@code end} may match, or
   * {@code from} when that is unknown. re2j over {@code [max(from, result - 1), end)} finds exactly
   * what it finds from {@code from}: no match starts earlier, and the byte before the first one,
   * which {@code \b} looks at, is still inside.
   */
  int firstMatchStart(byte[] buf, int from, int end) {
    return back == null ? from : back.firstStart(buf, from, end);
  }

  /**
   * Where the next match may start in {@code buf[from, end)}, given that every match ends by
   * {@code end}: the smallest position at which a substring ending by {@code end} may match;
   * -1 when none can; {@code from} when that is unknown (no reverse DFA). re2j searching on from
   * {@code from} finds its next match where searching on from the result does: nothing starts
   * before it.
   */
  int nextMatchStart(byte[] buf, int from, int end) {
    return back == null ? from : back.firstStartOrNone(buf, from, end);
  }

  /**
   * False only when no match can start at {@code p}; always true for rules without an anchored DFA.
   * The detector no longer asks this (its {@link #startBytes} and the one walk of
   * {@link #anchoredMatchEndOrDeath} answer it); kept as the early-exit reference the tests hold
   * those to.
   */
  boolean mayStartAt(byte[] buf, int p, int to) {
    return anchored == null || anchored.mayStart(buf, p, to);
  }

  /**
   * {@link #anchoredMatchEnd}, except that a walk that dies before it accepts anything returns
   * {@code -2 - n}, n the bytes it read from p up to and with the one it died at: the verdict
   * depends on those alone ({@link RejectedStarts}).
   */
  int anchoredMatchEndOrDeath(byte[] buf, int p, int to) {
    return anchored == null ? -2 : anchored.lastAcceptOrDeath(buf, p, to);
  }

  /** {@link #anchoredMatchEndOrDeath}, sharing its steps with the walk before it ({@link Walk}). */
  int anchoredMatchEndOrDeath(byte[] buf, int p, int to, Walk w) {
    return anchored == null ? -2 : anchored.lastAcceptOrDeath(buf, p, to, w);
  }

  /**
   * The anchored DFA's last walk over one buffer, kept for the next: its state after each byte (a
   * ring indexed by position) and how it ended. Two walks that are in the same state after the
   * same byte take the same steps from there on, so the second takes the rest of the first as it
   * was. Keyword hits a few bytes apart whose walks never die within the rule's length (eyJ, eyJ,
   * ... on one line: a JWT's walk waits for its '.') then cost a few steps each instead of the
   * rule's length (8 KB a hit). Per thread and rule, with {@link RejectedStarts};
   * {@link #reset} when the buffer's content changes. Not thread-safe.
   */
  static final class Walk {
    private int[] states = new int[0]; // the raw table value after byte x at [x & mask]
    private boolean valid;             // a walk is kept
    private int from;                  // it covers bytes [from, to)
    private int to;
    private int last;                  // its last accepting position, -1 for none
    private boolean died;              // it died at byte to - 1; else it was alive after it, in `state`
    private int state;
    /** {@link #lastAtEnd} for a walk that did not keep count. */
    static final int UNKNOWN = -2;
    int lastAtEnd = UNKNOWN;           // for a walk that returned its `to`: its last accepting position, -1 for none

    void reset() {
      valid = false;
    }

    /**
     * For the walk kept last, when it started at {@code p} and died: one past the byte it died
     * at (its answer depends on the bytes before that alone); -1 otherwise.
     */
    int diedAt(int p) {
      return valid && died && from == p ? to : -1;
    }
  }

  /**
   * The walk a keyword hit starts, as {@link #anchoredMatchEndOrDeath} gives it: for a rule anchored
   * at its keyword the anchored DFA's from the keyword's first byte {@code p}; for one with the
   * after-keyword DFA that one's from the keyword's end {@code p}, where it tells one past the last
   * byte at which a match whose first keyword ends at p may end; -2 for a rule with neither.
   */
  int keywordWalkOrDeath(byte[] buf, int p, int to, Walk w) {
    Dfa d = anchored != null ? anchored : after;
    return d == null ? -2 : d.lastAcceptOrDeath(buf, p, to, w);
  }

  /** {@link #keywordWalkOrDeath} without a shared walk, -1 when it dies before it accepts. */
  int keywordWalk(byte[] buf, int p, int to) {
    Dfa d = anchored != null ? anchored : after;
    return d == null ? -2 : d.lastAccept(buf, p, to);
  }

  /**
   * For a rule anchored at its keyword: one past the last byte at which a match that starts at
   * {@code p} may end ({@code to} when the input ends first), or -1 when none can; -2 for a rule
   * without the anchored DFA.
   */
  int anchoredMatchEnd(byte[] buf, int p, int to) {
    return anchored == null ? -2 : anchored.lastAccept(buf, p, to);
  }

  boolean hasAfterKeyword() {
    return after != null;
  }

  boolean anchoredAtKeyword() {
    return anchored != null;
  }

  /**
   * Whether a match may start with {@code keyword} (ASCII lower case) spelled in any case but its
   * last byte, which is in upper case when {@code upperLast}, else in lower case: false when the
   * anchored DFA dies within every such spelling before it accepts anything. True for a rule
   * without the anchored DFA (its matches need not start at a keyword).
   */
  boolean mayStartWith(byte[] keyword, boolean upperLast) {
    return anchored == null || anchored.aliveThrough(keyword, upperLast);
  }

  /** Writes this filter for {@link #read}: what {@link PrecompiledFilters} keeps in the jar. */
  void write(DataOutputStream out) throws IOException {
    out.writeBoolean(any != null && any.awayFromEnd != null);
    if (any != null && any.awayFromEnd != null) {
      out.writeInt(any.awayFromEnd.length);
      for (long w : any.awayFromEnd) {
        out.writeLong(w);
      }
    }
    for (Dfa d : new Dfa[] {any, back, anchored, after}) {
      out.writeBoolean(d != null);
      if (d != null) {
        out.write(d.cls);
        out.writeInt(d.dead);
        out.writeBoolean(d.acceptsEmpty);
        out.writeInt(d.table.length);
        ByteBuffer b = ByteBuffer.allocate(4 * d.table.length);
        b.asIntBuffer().put(d.table);
        out.write(b.array());
      }
    }
  }

  /** A filter {@link #write} wrote; {@link #NONE} when it has no DFA. */
  static WindowFilter read(DataInputStream in) throws IOException {
    Dfa[] d = new Dfa[4];
    long[] awayFromEnd = null;
    if (in.readBoolean()) {
      int n = in.readInt();
      if (n < 0 || n > (MAX_STATES + 64) / 64) {
        throw new IOException("window filter state set of " + n + " words");
      }
      awayFromEnd = new long[n];
      for (int i = 0; i < n; i++) {
        awayFromEnd[i] = in.readLong();
      }
    }
    byte[] slice = new byte[READ_SLICE];
    for (int i = 0; i < 4; i++) {
      if (in.readBoolean()) {
        byte[] cls = new byte[256];
        in.readFully(cls);
        int dead = in.readInt();
        boolean acceptsEmpty = in.readBoolean();
        int n = in.readInt();
        if (n < 0 || n > (MAX_STATES + 1) * 128) {
          throw new IOException("window filter table of " + n + " entries");
        }
        d[i] = new Dfa(readInts(in, n, slice), dead, acceptsEmpty);
        System.arraycopy(cls, 0, d[i].cls, 0, 256);
      }
    }
    if (d[0] != null && awayFromEnd != null) {
      int classes = d[0].table.length - d[0].dead;
      if (classes <= 0 || awayFromEnd.length != (d[0].table.length / classes - 1 + 63) >>> 6) {
        throw new IOException("window filter state set of " + awayFromEnd.length + " words for " + d[0].table.length + " entries");
      }
      d[0].awayFromEnd = awayFromEnd;
    }
    return d[0] == null && d[1] == null && d[2] == null && d[3] == null ? NONE : new WindowFilter(d[0], d[1], d[2], d[3]);
  }

  /** Bytes of a table read at a time. */
  private static final int READ_SLICE = 8 << 10;

  /**
   * {@code n} big-endian ints from {@code in}, a slice at a time through {@code slice}. Reading a
   * table whole into a byte array first doubled what a filter's load allocated (on run.sh's
   * 64-file directory, 17 of the scan's 208 MB), and the scan thread paid for zeroing it and for
   * the page faults of its first touch.
   */
  private static int[] readInts(DataInputStream in, int n, byte[] slice) throws IOException {
    int[] table = new int[n];
    for (int off = 0; off < n; ) {
      int k = Math.min(n - off, slice.length / 4);
      in.readFully(slice, 0, 4 * k);
      ByteBuffer.wrap(slice, 0, 4 * k).asIntBuffer().get(table, off, k);
      off += k;
    }
    return table;
  }

  /** Same DFAs, table for table: a precompiled filter is the one {@link #of} builds. */
  boolean sameAs(WindowFilter o) {
    return sameDfa(any, o.any) && sameDfa(back, o.back) && sameDfa(anchored, o.anchored) && sameDfa(after, o.after);
  }

  private static boolean sameDfa(Dfa a, Dfa b) {
    return a == b || (a != null && b != null && a.dead == b.dead && a.acceptsEmpty == b.acceptsEmpty
        && java.util.Arrays.equals(a.cls, b.cls) && java.util.Arrays.equals(a.table, b.table)
        && java.util.Arrays.equals(a.awayFromEnd, b.awayFromEnd));
  }

  /** A dense byte DFA: {@code table[row + class]} is the next row, bit-inverted when it accepts. */
  private static final class Dfa {
    final byte[] cls = new byte[256];
    final int[] table;
    final int dead;            // row of the dead state, which loops on itself
    final boolean acceptsEmpty;
    // set once before the filter is shared: per state, whether a match not through $ may end
    // there (see WindowFilter.awayFromEnd); null when every accepting state is such
    long[] awayFromEnd;
    private volatile int[] sync; // syncRows(), once worked out
    private static final int[] NO_SYNC = new int[0];

    private Dfa(int[] table, int dead, boolean acceptsEmpty) {
      this.table = table;
      this.dead = dead;
      this.acceptsEmpty = acceptsEmpty;
    }

    static Dfa of(Automaton a) {
      int[] points = a.getStartPoints();
      int classes = 0;
      for (int p : points) {
        if (p < 256) {
          classes++;
        }
      }
      int n = a.getNumStates();
      int deadState = n;
      Dfa d = new Dfa(new int[(n + 1) * classes], deadState * classes, a.isAccept(0));
      int k = 0;
      for (int b = 0; b < 256; b++) {
        while (k + 1 < points.length && points[k + 1] <= b) {
          k++;
        }
        d.cls[b] = (byte) k;
      }
      if (classes > 127) {
        return null;
      }
      int[] rep = new int[classes];
      for (int b = 255; b >= 0; b--) {
        rep[d.cls[b]] = b;
      }
      for (int s = 0; s <= n; s++) {
        for (int c = 0; c < classes; c++) {
          int to = s == deadState ? deadState : a.step(s, rep[c]);
          if (to < 0) {
            to = deadState;
          }
          int row = to * classes;
          d.table[s * classes + c] = to != deadState && a.isAccept(to) ? ~row : row;
        }
      }
      return d;
    }

    /**
     * One past the last position in {@code buf[from, to)} at which a walk from {@code from}
     * accepts, -1 if none. A byte that takes every state to one and the same state, not
     * accepting (a synchronizing byte: for {@code ts.generic.1} a {@code ?}, which no match holds
     * and after which only a new match can be under way), splits the walk in two exact walks:
     * one up to such a byte near the middle, one from after it in that state. The two run
     * interleaved: each step of a DFA waits for the table load of the step before, so two
     * independent walks take little more time than one. {@code ts.generic.1}'s windows on a log
     * of repeated token lines (~1.1 KB, reaching into the request lines after the token) were
     * the largest share of the window DFAs' time.
     */
    int lastEnd(byte[] buf, int from, int to) {
      if (acceptsEmpty) {
        return to;
      }
      if (to - from >= SPLIT_AT_LEAST) {
        int[] sync = syncRows();
        if (sync != null) {
          for (int p = from + (to - from) / 2; p + 1 < to; p++) {
            int row = sync[cls[buf[p] & 0xFF]];
            if (row >= 0) {
              return lastEndTwo(buf, from, p + 1, row, to);
            }
          }
        }
      }
      return lastEndOne(buf, from, to);
    }

    /** See {@link WindowFilter#walkAwayFromEnd}. */
    int walkAway(byte[] buf, int row, int from, int to) {
      if (row == 0 && acceptsEmpty && away(0)) {
        return -1;
      }
      final byte[] c = cls;
      final int[] t = table;
      int s = row;
      for (int i = from; i < to; i++) {
        s = t[s + c[buf[i] & 0xFF]];
        if (s < 0) {
          s = ~s;
          if (away(s)) {
            return -1;
          }
        }
      }
      return s;
    }

    /** Whether a match not through {@code $} may end at the accepting state of {@code row}. */
    private boolean away(int row) {
      long[] bits = awayFromEnd;
      if (bits == null) {
        return true;
      }
      int state = row / (table.length - dead); // rows of `classes` entries
      return (bits[state >>> 6] & (1L << state)) != 0;
    }

    /** {@link #lastEnd} as one walk: what the split walk is tested against. */
    int lastEndOne(byte[] buf, int from, int to) {
      if (acceptsEmpty) {
        return to;
      }
      final byte[] c = cls;
      final int[] t = table;
      int s = 0;
      int last = -1;
      for (int i = from; i < to; i++) {
        s = t[s + c[buf[i] & 0xFF]];
        if (s < 0) {
          s = ~s;
          last = i + 1;
        }
      }
      return last;
    }

    /**
     * Walks {@code [from, mid)} from the start state and {@code [mid, to)} from {@code row}, side
     * by side: {@code buf[mid - 1]} is a byte that takes every state to {@code row}.
     */
    private int lastEndTwo(byte[] buf, int from, int mid, int row, int to) {
      final byte[] c = cls;
      final int[] t = table;
      int s = 0;
      int u = row;
      int lastA = -1;
      int lastB = -1;
      int n = Math.min(mid - from, to - mid);
      for (int k = 0; k < n; k++) {
        s = t[s + c[buf[from + k] & 0xFF]];
        u = t[u + c[buf[mid + k] & 0xFF]];
        if (s < 0) {
          s = ~s;
          lastA = from + k + 1;
        }
        if (u < 0) {
          u = ~u;
          lastB = mid + k + 1;
        }
      }
      for (int i = from + n; i < mid; i++) {
        s = t[s + c[buf[i] & 0xFF]];
        if (s < 0) {
          s = ~s;
          lastA = i + 1;
        }
      }
      for (int i = mid + n; i < to; i++) {
        u = t[u + c[buf[i] & 0xFF]];
        if (u < 0) {
          u = ~u;
          lastB = i + 1;
        }
      }
      return lastB >= 0 ? lastB : lastA;
    }

    /**
     * For each byte class, the row every live state goes to on it when that is one and the same
     * row and not an accepting one, else -1; null when no class does that. Worked out once.
     */
    int[] syncRows() {
      int[] sync = this.sync;
      if (sync == null) {
        int classes = table.length - dead; // rows of `classes` entries, the dead state's last
        sync = new int[classes];
        boolean any = false;
        for (int k = 0; k < classes; k++) {
          int to = table[k];
          for (int row = classes; to >= 0 && row < dead; row += classes) {
            if (table[row + k] != to) {
              to = -1;
            }
          }
          sync[k] = to >= 0 && to != dead ? to : -1;
          any |= sync[k] >= 0;
        }
        this.sync = sync = any ? sync : NO_SYNC;
      }
      return sync == NO_SYNC ? null : sync;
    }

    /** Runs backwards from {@code end - 1} to {@code from}; the last accepting position, else {@code from}. */
    int firstStart(byte[] buf, int from, int end) {
      int first = firstStartOrNone(buf, from, end);
      return first < 0 ? from : first;
    }

    /** Like {@link #firstStart}, but -1 when no position accepts. */
    int firstStartOrNone(byte[] buf, int from, int end) {
      if (acceptsEmpty) {
        return from;
      }
      final byte[] c = cls;
      final int[] t = table;
      int s = 0;
      int first = -1;
      for (int i = end - 1; i >= from; i--) {
        s = t[s + c[buf[i] & 0xFF]];
        if (s < 0) {
          s = ~s;
          first = i;
        }
      }
      return first;
    }

    /** One past the last accepting position of a walk from {@code p}; {@code to} if it is alive there; -1 if it never accepts. */
    int lastAccept(byte[] buf, int p, int to) {
      int r = lastAcceptOrDeath(buf, p, to);
      return r < -1 ? -1 : r;
    }

    /** Whether the walk from the start state is still alive (or accepts) after byte {@code b}. */
    boolean aliveAfter(int b) {
      return acceptsEmpty || table[cls[b & 0xFF]] != dead;
    }

    /** See {@link WindowFilter#mayStartWith}: the rows every spelling may reach, a byte at a time. */
    boolean aliveThrough(byte[] k, boolean upperLast) {
      if (acceptsEmpty) {
        return true;
      }
      BitSet rows = new BitSet();
      rows.set(0);
      for (int i = 0; i < k.length; i++) {
        int lower = k[i] & 0xFF;
        boolean letter = lower >= 'a' && lower <= 'z';
        int[] spellings = !letter ? new int[] {lower}
            : i == k.length - 1 ? new int[] {upperLast ? lower - 32 : lower}
            : new int[] {lower, lower - 32};
        BitSet next = new BitSet();
        for (int row = rows.nextSetBit(0); row >= 0; row = rows.nextSetBit(row + 1)) {
          for (int b : spellings) {
            int e = table[row + cls[b]];
            if (e < 0) {
              return true; // accepts inside the keyword: a match may start here whatever follows
            }
            if (e != dead) {
              next.set(e);
            }
          }
        }
        if (next.isEmpty()) {
          return false;
        }
        rows = next;
      }
      return true;
    }

    /** {@link #lastAccept}, but {@code -2 - n} when the walk dies at its n-th byte before it accepts. */
    /**
     * {@link #lastAcceptOrDeath(byte[], int, int)} with the steps shared with {@code w}'s walk,
     * which must have been over the same bytes; leaves this walk in {@code w}.
     */
    int lastAcceptOrDeath(byte[] buf, int p, int to, Walk w) {
      if (acceptsEmpty || to - p < 2) {
        w.valid = false;
        w.lastAtEnd = Walk.UNKNOWN;
        return lastAcceptOrDeath(buf, p, to);
      }
      if (w.states.length < to - p) {
        w.states = new int[Integer.highestOneBit(to - p - 1) << 1];
        w.valid = false;
      }
      final byte[] c = cls;
      final int[] t = table;
      final int[] ring = w.states;
      final int mask = ring.length - 1;
      // the walk before, as far as it can be shared: within this one's bytes, and no further than
      // its own end when that is short of this one's (its accepts past `to` would not be ours)
      boolean share = w.valid && w.to <= to;
      int wFrom = w.from;
      int wTo = w.to;
      int s = 0;
      int last = -1;
      for (int i = p; i < to; i++) {
        int raw = t[s + c[buf[i] & 0xFF]];
        s = raw;
        if (s < 0) {
          s = ~s;
          last = i + 1;
        } else if (s == dead) {
          ring[i & mask] = raw;
          keep(w, p, i + 1, last, true, s);
          return last >= 0 ? last : -2 - (i - p + 1);
        }
        if (share && i >= wFrom && i < wTo && ring[i & mask] == raw) {
          // from here the walk before's steps are ours; the ring keeps them
          if (w.last > i + 1) {
            last = w.last;
          }
          if (w.died) {
            keep(w, p, wTo, last, true, w.state);
            return last >= 0 ? last : -2 - (wTo - p);
          }
          s = w.state;
          i = wTo - 1; // on from its end, alone
          share = false;
          continue;
        }
        ring[i & mask] = raw;
      }
      keep(w, p, to, last, false, s);
      w.lastAtEnd = last;
      return to; // the input ended first: a longer input might match further
    }

    private static void keep(Walk w, int from, int to, int last, boolean died, int state) {
      w.valid = true;
      w.from = from;
      w.to = to;
      w.last = last;
      w.died = died;
      w.state = state;
      w.lastAtEnd = -1;
    }

    int lastAcceptOrDeath(byte[] buf, int p, int to) {
      final byte[] c = cls;
      final int[] t = table;
      int s = 0;
      int last = acceptsEmpty ? p : -1;
      for (int i = p; i < to; i++) {
        s = t[s + c[buf[i] & 0xFF]];
        if (s < 0) {
          s = ~s;
          last = i + 1;
        } else if (s == dead) {
          return last >= 0 ? last : -2 - (i - p + 1);
        }
      }
      return to; // the input ended first: a longer input might match further
    }

    boolean mayStart(byte[] buf, int p, int to) {
      if (acceptsEmpty) {
        return true;
      }
      final byte[] c = cls;
      final int[] t = table;
      int s = 0;
      for (int i = p; i < to; i++) {
        s = t[s + c[buf[i] & 0xFF]];
        if (s < 0) {
          return true;
        }
        if (s == dead) {
          return false;
        }
      }
      return true; // the input ended first: a longer input might match
    }
  }

  /** The regex as an automaton over the byte values 0..255 (one char per byte, as ByteWindow reads). */
  static Automaton toAutomaton(SyntaxTree.Node n, int cap) {
    return toAutomaton(n, cap, false);
  }

  /**
   * {@link #toAutomaton(SyntaxTree.Node, int)}, with {@code $} (the text's end) the empty language
   * instead of the empty string when {@code noTextEnd}: what may match away from the text's end.
   */
  static Automaton toAutomaton(SyntaxTree.Node n, int cap, boolean noTextEnd) {
    switch (n.op()) {
      case "NO_MATCH":
        return Automata.makeEmpty();
      case "END_TEXT":
        return noTextEnd ? Automata.makeEmpty() : Automata.makeEmptyString();
      case "EMPTY_MATCH":
      case "BEGIN_LINE":
      case "END_LINE":
      case "BEGIN_TEXT":
      case "WORD_BOUNDARY":
      case "NO_WORD_BOUNDARY":
        return Automata.makeEmptyString();
      case "LITERAL": {
        List<Automaton> parts = new ArrayList<>();
        for (int r : n.runes()) {
          parts.add(rune(r, n.foldCase()));
        }
        return parts.isEmpty() ? Automata.makeEmptyString() : Operations.concatenate(parts);
      }
      case "CHAR_CLASS": {
        int[] rs = n.runes();
        List<Automaton> ranges = new ArrayList<>();
        for (int i = 0; i + 1 < rs.length; i += 2) {
          int lo = rs[i];
          int hi = Math.min(rs[i + 1], 255);
          if (lo <= hi) {
            ranges.add(Automata.makeCharRange(lo, hi));
          }
        }
        return ranges.isEmpty() ? Automata.makeEmpty() : Operations.union(ranges);
      }
      case "ANY_CHAR":
        return Automata.makeCharRange(0, 255);
      case "ANY_CHAR_NOT_NL":
        return Operations.union(List.of(Automata.makeCharRange(0, '\n' - 1), Automata.makeCharRange('\n' + 1, 255)));
      case "CAPTURE":
        return toAutomaton(n.subs()[0], cap, noTextEnd);
      case "STAR":
        return Operations.repeat(toAutomaton(n.subs()[0], cap, noTextEnd));
      case "PLUS":
        return Operations.repeat(toAutomaton(n.subs()[0], cap, noTextEnd), 1);
      case "QUEST":
        return Operations.optional(toAutomaton(n.subs()[0], cap, noTextEnd));
      case "REPEAT": {
        Automaton sub = toAutomaton(n.subs()[0], cap, noTextEnd);
        int min = Math.min(n.min(), cap);
        if (n.max() >= 0 && n.max() <= cap) {
          return Operations.repeat(sub, min, n.max());
        }
        return Operations.repeat(sub, min); // widened: at least min, no upper bound
      }
      case "CONCAT": {
        List<Automaton> parts = new ArrayList<>();
        for (SyntaxTree.Node s : n.subs()) {
          parts.add(toAutomaton(s, cap, noTextEnd));
        }
        return parts.isEmpty() ? Automata.makeEmptyString() : Operations.concatenate(parts);
      }
      case "ALTERNATE": {
        List<Automaton> parts = new ArrayList<>();
        for (SyntaxTree.Node s : n.subs()) {
          parts.add(toAutomaton(s, cap, noTextEnd));
        }
        return parts.isEmpty() ? Automata.makeEmpty() : Operations.union(parts);
      }
      default:
        throw new IllegalArgumentException("unexpected regex node " + n.op());
    }
  }

  /** One rune as the bytes that match it: itself, or with case folding every byte of its case orbit. */
  private static Automaton rune(int r, boolean fold) {
    if (!fold) {
      return r <= 255 ? Automata.makeChar(r) : Automata.makeEmpty();
    }
    List<Automaton> alts = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      if (b == r || foldEquals(b, r)) {
        alts.add(Automata.makeChar(b));
      }
    }
    return alts.isEmpty() ? Automata.makeEmpty() : Operations.union(alts);
  }

  /** Generous case-insensitive equality: any over-approximation of re2j's simple folding is sound. */
  private static boolean foldEquals(int a, int b) {
    return Character.toLowerCase(a) == Character.toLowerCase(b) || Character.toUpperCase(a) == Character.toUpperCase(b)
        || Character.toLowerCase(Character.toUpperCase(a)) == Character.toLowerCase(Character.toUpperCase(b));
  }
}
