package dev.tokensweep.scanner.sanitize;

import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.scanner.expand.Spool;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The distinct secrets of one leaf, packed in one byte arena, in batches whose forms fit a cap:
 * while they fit, one batch in the order the scan finds them. Past the cap, each batch goes to a
 * spool (encrypted: these are the raw secrets) as it fills, and a secret found again after its
 * batch went is taken again; {@link #forEach} then reads the spool back into new batches,
 * longest secrets first and each secret in exactly one (by its length and hash), so each is
 * handed out once. Not thread-safe; the scan hands matches over one at a time.
 */
final class SecretBatches implements AutoCloseable {

  /** Receives each batch, its distinct secrets not in an earlier batch; never an empty one. */
  @FunctionalInterface
  interface BatchVisitor {
    void batch(Batch batch) throws IOException;
  }

  /**
   * Heap bytes the forms of a secret of {@code length} bytes take in a {@link Replacer}, a little
   * over: about ten forms (plain, UTF-16 twice, JSON-escaped, six base64 cores, URL-encoded) of up
   * to ten times its bytes with a mask, 16 bytes of index each and the table's slots for them.
   */
  static long formBytes(int length) {
    return 10L * length + 64 + 10 * 64;
  }

  /** One batch's secrets: {@code n} entries of arena offset, length and rule index. */
  static final class Batch {
    private byte[] arena = new byte[256];
    private int used;
    private int[] meta = new int[48];
    private int n;
    /** Entry index + 1 by the secret's hash, open-addressed. */
    private int[] table = new int[64];
    private long formBytes;

    int size() {
      return n;
    }

    int rule(int i) {
      return meta[3 * i + 2];
    }

    /** A copy of secret {@code i}'s bytes. */
    byte[] secret(int i) {
      return Arrays.copyOfRange(arena, meta[3 * i], meta[3 * i] + meta[3 * i + 1]);
    }

    private static int hash(byte[] b, int off, int len) {
      int h = 1;
      for (int i = off; i < off + len; i++) {
        h = 31 * h + b[i];
      }
      return h ^ (h >>> 16) * 0x45d9f3b;
    }

    /** The entry holding {@code s[off, off+len)}, or -1. */
    int indexOf(byte[] s, int off, int len) {
      int m = table.length - 1;
      for (int slot = hash(s, off, len) & m; table[slot] != 0; slot = (slot + 1) & m) {
        int e = table[slot] - 1;
        int at = meta[3 * e];
        if (meta[3 * e + 1] == len && Arrays.equals(arena, at, at + len, s, off, off + len)) {
          return e;
        }
      }
      return -1;
    }

    void add(byte[] s, int off, int len, int rule) {
      if (used + len > arena.length) {
        arena = Arrays.copyOf(arena, Math.max(used + len, arena.length + (arena.length >> 1)));
      }
      System.arraycopy(s, off, arena, used, len);
      if (3 * n + 3 > meta.length) {
        meta = Arrays.copyOf(meta, meta.length * 2);
      }
      meta[3 * n] = used;
      meta[3 * n + 1] = len;
      meta[3 * n + 2] = rule;
      used += len;
      n++;
      if (2 * n > table.length) {
        table = new int[table.length * 2];
        for (int e = 0; e < n; e++) {
          place(e);
        }
      } else {
        place(n - 1);
      }
      formBytes += formBytes(len);
    }

    private void place(int e) {
      int m = table.length - 1;
      int slot = hash(arena, meta[3 * e], meta[3 * e + 1]) & m;
      while (table[slot] != 0) {
        slot = (slot + 1) & m;
      }
      table[slot] = e + 1;
    }

  }

  private final long cap;
  private final long spoolCap;
  private final List<String> ruleIds = new ArrayList<>();
  private final List<Kind> kinds = new ArrayList<>();
  private final Map<String, Integer> ruleIndex = new HashMap<>();
  private Batch current = new Batch();
  private Spool spool;
  private DataOutputStream spilling;
  private int spilled;
  private IOException failure;
  /**
   * Per secret length, an estimate of how many distinct secrets have it: a secret found again
   * after its batch went is taken again (the plain-bytes pass finds every secret a second time),
   * and counting those would double the passes.
   */
  private final java.util.TreeMap<Integer, Distinct> byLength = new java.util.TreeMap<>();

  /**
   * Batches whose forms take at most {@code capBytes} (at least one secret a batch, whatever its
   * size); the spool of earlier batches holds at most {@code spoolCap} bytes.
   */
  SecretBatches(long capBytes, long spoolCap) {
    this.cap = capBytes;
    this.spoolCap = spoolCap;
  }

  /**
   * Takes {@code secret} unless the current batch has it; the first rule that found it names it.
   * Called from the scan's match sink, so it throws nothing: a spool that cannot be written is
   * kept for {@link #failure} and nothing more is taken.
   */
  void add(byte[] secret, Kind kind, String ruleId) {
    if (failure != null || current.indexOf(secret, 0, secret.length) >= 0) {
      return;
    }
    Integer r = ruleIndex.get(ruleId);
    if (r == null) {
      r = ruleIds.size();
      ruleIds.add(ruleId);
      kinds.add(kind);
      ruleIndex.put(ruleId, r);
    }
    if (current.n > 0 && current.formBytes + formBytes(secret.length) > cap) {
      try {
        spill();
      } catch (IOException e) {
        failure = e;
        return;
      }
    }
    current.add(secret, 0, secret.length, r);
    byLength.computeIfAbsent(secret.length, x -> new Distinct()).add(hash64(secret, 0, secret.length));
  }

  private void spill() throws IOException {
    if (spool == null) {
      spool = new Spool(spoolCap);
      spilling = new DataOutputStream(new BufferedOutputStream(spool.output(), 1 << 16));
    }
    spilling.writeInt(current.n);
    for (int e = 0; e < current.n; e++) {
      spilling.writeInt(current.meta[3 * e + 2]);
      spilling.writeInt(current.meta[3 * e + 1]);
      spilling.write(current.arena, current.meta[3 * e], current.meta[3 * e + 1]);
    }
    spilled++;
    current = new Batch();
  }

  /**
   * Call once all secrets are added: the last batch goes to the spool too if earlier ones did.
   * Throws what kept a batch from the spool, if anything did (the secrets are then incomplete).
   */
  void finish() throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (spilled > 0 && current.n > 0) {
      spill();
    }
    if (spilling != null) {
      DataOutputStream o = spilling;
      spilling = null;
      o.close();
    }
  }

  /** Whether the secrets take more than one batch: the last batch is not known until all are handed out. */
  boolean batched() {
    return spilled > 0;
  }

  boolean isEmpty() {
    return spilled == 0 && current.n == 0;
  }

  String ruleId(int rule) {
    return ruleIds.get(rule);
  }

  Kind kind(int rule) {
    return kinds.get(rule);
  }

  /** A 64-bit hash of {@code b[off, off+len)}: which batch of its length a secret goes to, and its count. */
  static long hash64(byte[] b, int off, int len) {
    long h = 0x9E3779B97F4A7C15L ^ len;
    for (int i = off; i < off + len; i++) {
      h = (h ^ (b[i] & 0xFF)) * 0x100000001B3L;
      h ^= h >>> 29;
    }
    h ^= h >>> 33; // MurmurHash3's finalizer
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /**
   * A HyperLogLog count of distinct hashes in 1 KB whatever their number, within a few percent:
   * exact dedup across batches would need every secret in memory.
   */
  static final class Distinct {
    private static final int P = 10;
    private final byte[] registers = new byte[1 << P];

    void add(long h) {
      int at = (int) (h >>> (64 - P));
      int rank = Long.numberOfLeadingZeros(h << P | 1L << (P - 1)) + 1;
      if (rank > registers[at]) {
        registers[at] = (byte) rank;
      }
    }

    long estimate() {
      int m = registers.length;
      double sum = 0;
      int zeros = 0;
      for (byte r : registers) {
        sum += Math.scalb(1.0, -r);
        zeros += r == 0 ? 1 : 0;
      }
      double e = 0.7213 / (1 + 1.079 / m) * m * m / sum;
      if (e <= 2.5 * m && zeros > 0) {
        e = m * Math.log((double) m / zeros); // linear counting, for small counts
      }
      return (long) Math.ceil(e);
    }
  }

  /**
   * One batch: the secrets of lengths {@code [shortest, longest]}; of a length whose forms alone
   * pass the cap, those whose hash is {@code part} modulo {@code parts}, so that a secret the
   * spool holds more than once is always in the same batch.
   */
  private record Pass(int longest, int shortest, int parts, int part) {
    boolean holds(int length, long hash) {
      return length >= shortest && length <= longest && (parts == 1 || Math.floorMod(hash, parts) == part);
    }
  }

  /**
   * The batches, longest secrets first: a secret that holds another (a Basic credential's base64
   * holds its password's base64 core, a URL its password) is replaced before the one it holds, as
   * a single pass replaces the leftmost, then the longest; the other way round the longer one
   * would no longer be found, and what the shorter one's mask left of it would stay.
   */
  private List<Pass> plan() {
    List<Pass> passes = new ArrayList<>();
    int hi = -1;
    int lo = -1;
    long sum = 0;
    for (Map.Entry<Integer, Distinct> e : byLength.descendingMap().entrySet()) {
      int len = e.getKey();
      long bytes = (e.getValue().estimate() * 21 / 20 + 1) * formBytes(len); // the estimate's error, and some
      if (hi >= 0 && sum + bytes > cap) {
        passes.add(new Pass(hi, lo, 1, 0));
        hi = -1;
        sum = 0;
      }
      if (bytes > cap) {
        int parts = (int) Math.min(Integer.MAX_VALUE, (bytes + cap - 1) / cap);
        for (int part = 0; part < parts; part++) {
          passes.add(new Pass(len, len, parts, part));
        }
        continue;
      }
      if (hi < 0) {
        hi = len;
      }
      lo = len;
      sum += bytes;
    }
    if (hi >= 0) {
      passes.add(new Pass(hi, lo, 1, 0));
    }
    return passes;
  }

  /**
   * Hands out the batches: all secrets in one when none went to the spool (in the order found),
   * else by {@link #plan}, each secret once. The spooled secrets are read back for each batch;
   * call after {@link #finish}.
   */
  void forEach(BatchVisitor visitor) throws IOException {
    if (spilled == 0) {
      if (current.n > 0) {
        visitor.batch(current);
      }
      return;
    }
    for (Pass pass : plan()) {
      Batch batch = new Batch();
      try (DataInputStream in = spooled()) {
        byte[] s = new byte[64];
        for (int k = 0; k < spilled; k++) {
          int n = in.readInt();
          for (int e = 0; e < n; e++) {
            int rule = in.readInt();
            int len = in.readInt();
            if (len < pass.shortest() || len > pass.longest()) {
              in.skipNBytes(len);
              continue;
            }
            if (len > s.length) {
              s = new byte[len];
            }
            in.readFully(s, 0, len);
            if (pass.holds(len, hash64(s, 0, len)) && batch.indexOf(s, 0, len) < 0) {
              batch.add(s, 0, len, rule);
            }
          }
        }
      }
      if (batch.size() > 0) { // a part of a length may have drawn none
        visitor.batch(batch);
      }
    }
  }

  private DataInputStream spooled() throws IOException {
    InputStream in = spool.input();
    return new DataInputStream(new BufferedInputStream(in, 1 << 16));
  }

  @Override
  public void close() throws IOException {
    try {
      if (spilling != null) {
        spilling.close();
      }
    } catch (IOException e) {
      // what is left unwritten goes with the spool
    } finally {
      if (spool != null) {
        spool.close();
      }
    }
  }
}
