package com.google.re2j;

import java.util.Arrays;

/**
 * re2j's leftmost-first search, by backtracking over its compiled program with a bitmap of the
 * (instruction, position) pairs already tried, instead of its NFA: RE2's "bit state" engine, which
 * re2j does not have. Each pair is tried at most once per search, so the time stays linear in the
 * text; the NFA pays its thread queues at every byte (100-250 ns a byte on a rule's window), this
 * one a few table steps along the path that matches.
 *
 * <p>Same results as re2j by construction: the depth-first order is the NFA's thread priority
 * (an alternation's first branch first, start positions left to right), a pair seen before is
 * dropped in both, and the empty-width conditions are computed from the same neighbours. What it
 * answers is what {@code Matcher.find(from)} and then {@code start(g)}/{@code end(g)} answer;
 * re2j's second search for the groups ({@code Matcher.loadGroup}: from the match's start, over
 * the text cut one byte after its end) gives what the first found ({@link #find} says why). The
 * text is bytes, one char each, as the detector's {@code ByteWindow} hands them to re2j.
 * {@code BacktrackerTest} compares the two on every built-in rule.
 *
 * <p>Lives in re2j's package because {@code Prog} and {@code Inst} are package-private there (the
 * re2j version is pinned in the parent pom). Not thread-safe: one per thread and pattern, the
 * bitmap and the job stack in a {@link Space} that a thread's backtrackers share (the bitmap at
 * most {@link #MAX_BITS} bits, 128 KB, the stack kept at most {@link #KEPT_JOBS} ints, whatever
 * the number of rules).
 */
public final class Backtracker {

  /** The largest bitmap a search may use, in bits: a longer text is left to re2j. */
  public static final long MAX_BITS = 1L << 20;

  private final Inst[] inst;
  private final int start;
  private final int cond;
  private final int ninst;
  private final int ncap;
  private final int[] cap;
  private final Space space;
  private long[] visited;
  private int[] jobs;
  private int njobs;

  /**
   * Ints of job stack a thread keeps between searches (256 KB). A search pushes at most one job
   * (two ints) a pair it tries, so a window at the {@link #MAX_BITS} bound may need 8 MB; that
   * much is dropped after the search that needed it.
   */
  static final int KEPT_JOBS = 1 << 16;

  /** The scratch memory of one thread's searches: the bitmap of pairs tried and the job stack. */
  public static final class Space {
    long[] visited = new long[64];
    int[] jobs = new int[64];
  }

  private byte[] buf;
  private int base; // buf index of the text's first byte
  private int length; // the text's length (the window's)
  private int visitFrom;

  private Backtracker(Prog prog, int cond, int groups, Space space) {
    this.space = space;
    this.inst = Arrays.copyOf(prog.inst, prog.numInst());
    this.start = prog.start;
    this.cond = cond;
    this.ninst = inst.length;
    this.ncap = 2 * groups;
    this.cap = new int[ncap];
  }

  /**
   * A backtracker for {@code p} that searches in {@code space}, or null for a pattern that wants
   * the longest match (not leftmost-first).
   */
  public static Backtracker of(Pattern p, Space space) {
    RE2 re2 = p.re2();
    if (re2.longest) {
      return null;
    }
    return new Backtracker(re2.prog, re2.cond, p.groupCount() + 1, space);
  }

  /** Instructions in the program: a search over n bytes takes about (n + 1) times this many bits. */
  public int size() {
    return ninst;
  }

  /** The ints {@link #find} writes: a start and an end per group, group 0 (the match) first. */
  public int resultInts() {
    return ncap;
  }

  /**
   * What re2j's {@code Matcher.find(from)} finds over the text {@code buf[ws, we)} (positions
   * relative to ws): false when no match; else group g's start and end in {@code out[2g]} and
   * {@code out[2g + 1]} (-1 when it took no part) as {@code start(g)} and {@code end(g)} give
   * them. Needs {@code (we - ws + 1) * size() <= MAX_BITS}.
   *
   * <p>re2j loads the groups other than 0 with a second search from the match's start over the
   * text cut one byte past its end ({@code Matcher.loadGroup}). Its empty-width flags still read
   * the whole text there ({@code MachineInput.context}), so every parse of the cut text is one of
   * the whole text, and the match the first search found is among them: being the whole text's
   * highest-priority parse, it is the cut text's too. One search recording every group answers
   * for both.
   */
  public boolean find(byte[] buf, int ws, int we, int from, int[] out) {
    this.buf = buf;
    this.base = ws;
    this.length = we - ws;
    boolean found = from <= length && search(from);
    if (space.jobs.length > KEPT_JOBS) {
      space.jobs = new int[64];
    }
    if (found) {
      System.arraycopy(cap, 0, out, 0, ncap);
    }
    return found;
  }

  /**
   * re2j's {@code Machine.match} from {@code from}, unanchored, recording every group: the
   * highest-priority parse from the leftmost start that has one, in {@code cap}.
   */
  private boolean search(int from) {
    if (cond == Utils.EMPTY_ALL) {
      return false;
    }
    visitFrom = from;
    long bits = (long) (length - from + 1) * ninst;
    int words = (int) ((bits + 63) >>> 6);
    visited = space.visited;
    if (visited.length < words) {
      visited = space.visited = new long[Math.max(words, Math.min(visited.length * 2, (int) (MAX_BITS >>> 6)))];
    } else {
      Arrays.fill(visited, 0, words, 0L);
    }
    jobs = space.jobs;
    Arrays.fill(cap, -1);
    for (int s = from; s <= length; s++) {
      cap[0] = s;
      if (tryFrom(s)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The empty-width conditions at {@code p}, as re2j's machine sets them there
   * ({@code MachineInput.context}): from the bytes either side of it in the text.
   */
  private int context(int p) {
    return Utils.emptyOpContext(p > 0 ? buf[base + p - 1] & 0xFF : -1, p < length ? buf[base + p] & 0xFF : -1);
  }

  private void push(int a, int b) {
    if (njobs + 2 > jobs.length) {
      jobs = space.jobs = Arrays.copyOf(jobs, jobs.length * 2);
    }
    jobs[njobs++] = a;
    jobs[njobs++] = b;
  }

  /** Depth first from the program's start at {@code s}; a job is (pc, position) or (~slot, value to restore). */
  private boolean tryFrom(int s) {
    njobs = 0;
    push(start, s);
    while (njobs > 0) {
      int b = jobs[--njobs];
      int a = jobs[--njobs];
      if (a < 0) {
        cap[~a] = b;
        continue;
      }
      int pc = a;
      int p = b;
      walk:
      for (;;) {
        if (pc == 0) {
          break;
        }
        long bit = (long) (p - visitFrom) * ninst + pc;
        int w = (int) (bit >>> 6);
        long m = 1L << bit;
        if ((visited[w] & m) != 0) {
          break;
        }
        visited[w] |= m;
        Inst in = inst[pc];
        switch (in.op) {
          case Inst.ALT:
          case Inst.ALT_MATCH:
            push(in.arg, p);
            pc = in.out;
            break;
          case Inst.CAPTURE:
            if (in.arg < ncap) {
              push(~in.arg, cap[in.arg]);
              cap[in.arg] = p;
            }
            pc = in.out;
            break;
          case Inst.EMPTY_WIDTH:
            if ((in.arg & ~context(p)) != 0) {
              break walk;
            }
            pc = in.out;
            break;
          case Inst.NOP:
            pc = in.out;
            break;
          case Inst.MATCH:
            cap[1] = p;
            return true;
          case Inst.RUNE:
          case Inst.RUNE1:
          case Inst.RUNE_ANY:
          case Inst.RUNE_ANY_NOT_NL: {
            if (p >= length) {
              break walk;
            }
            int c = buf[base + p] & 0xFF;
            boolean ok = switch (in.op) {
              case Inst.RUNE -> in.matchRune(c);
              case Inst.RUNE1 -> c == in.runes[0];
              case Inst.RUNE_ANY -> true;
              default -> c != '\n';
            };
            if (!ok) {
              break walk;
            }
            p++;
            pc = in.out;
            break;
          }
          default: // FAIL
            break walk;
        }
      }
    }
    return false;
  }
}
