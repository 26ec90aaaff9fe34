package dev.tokensweep.scanner.sanitize;

import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Kind;
import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.pipeline.OwnTags;
import dev.tokensweep.scanner.pipeline.Scanner;
import dev.tokensweep.scanner.expand.Spool;
import dev.tokensweep.scanner.read.Stores;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link Sanitizer} of leaves as the scan reads them: a first pass runs the full scan pipeline (readers and detector) to learn
 * which secrets the leaf holds, a second pass copies the leaf replacing every occurrence of each
 * secret, in every encoding it may be stored in (as is, UTF-16LE/BE, JSON-escaped, URL-encoded),
 * with its mask in the same encoding. All other bytes are copied unchanged. Thread-safe.
 */
final class LeafSanitizer implements Sanitizer {

  /** Bytes of a leaf's start that decide whether it is binary: the same head the scan sniffs. */
  private static final int HEAD = dev.tokensweep.scanner.expand.Expander.HEAD;

  /** The raw-bytes pass reads at least this much a chunk, so that a tiny configured chunk is not mostly overlap. */
  private static final int MIN_CHUNK = 4096;

  /**
   * Heap bytes a leaf's forms may take in one pass, as {@link SecretBatches#formBytes} estimates
   * them (over: the 1 GB fresh log's 45,745 secrets, estimated at about 90 MB, took ~30 MB), by
   * default: 3/8 of the heap, at most 128 MiB.
   */
  static final long DEFAULT_BATCH_BYTES = Math.min(128L << 20, Runtime.getRuntime().maxMemory() / 8 * 3);

  private final Scanner scanner;
  private final Fingerprinter fingerprinter;
  private final Options options;
  /** Past this, a leaf's secrets are replaced in more than one pass ({@link SecretBatches}). */
  private final long batchBytes;

  LeafSanitizer(Scanner scanner, Fingerprinter fingerprinter, Options options) {
    this(scanner, fingerprinter, options, DEFAULT_BATCH_BYTES);
  }

  LeafSanitizer(Scanner scanner, Fingerprinter fingerprinter, Options options, long batchBytes) {
    this.scanner = scanner;
    this.fingerprinter = fingerprinter;
    this.options = options;
    this.batchBytes = batchBytes;
  }

  @Override
  public Options options() {
    return options;
  }

  /** Sanitizes a one-shot stream by spooling it (encrypted) first. */
  @Override
  public LeafReport sanitizeStream(InputStream in, String path, OutputStream out) throws IOException {
    try (Spool spool = new Spool(options.spoolCap())) {
      spool.fill(in);
      return sanitizeLeaf(spool::input, path, out);
    }
  }

  /** Sanitizes the leaf that {@code source} opens, writing the copy to {@code out}. */
  @Override
  public LeafReport sanitizeLeaf(LeafSource source, String path, OutputStream out) throws IOException {
    boolean binary;
    byte[] head;
    try (InputStream in = source.open()) {
      head = in.readNBytes(HEAD);
      binary = looksBinary(head);
    }
    if (binary && options.binary() != BinaryPolicy.MASK) {
      boolean drop = options.binary() == BinaryPolicy.DROP;
      if (!drop) {
        try (InputStream in = source.open()) {
          in.transferTo(out);
        }
      }
      return new LeafReport(path, true, drop, 0, Map.of(), List.of());
    }
    try (SecretBatches secrets = new SecretBatches(batchBytes, options.spoolCap())) {
      ScanResult scan;
      try (InputStream in = source.open()) {
        scan = scanner.matchStream(in, path, m -> secrets.add(m.secret(), m.rule().kind(), m.rule().id()), false);
      }
      plainText(source, secrets);
      try {
        secrets.finish();
      } catch (Spool.TooLargeException e) {
        List<Problem> ps = new ArrayList<>(scan.problems());
        ps.add(new Problem(path, Problem.Type.LIMIT, "sanitize: the distinct secrets of this leaf, kept (encrypted) for"
            + " later passes, are " + e.getMessage() + "; left out of the copy"));
        return new LeafReport(path, binary, true, 0, Map.of(), ps);
      }
      return copy(source, path, head, binary, secrets, scan.problems(), out);
    }
  }

  /** The copy of a leaf whose secrets are known: one pass for each batch of them. */
  private LeafReport copy(LeafSource source, String path, byte[] head, boolean binary, SecretBatches secrets,
      List<Problem> scanProblems, OutputStream out) throws IOException {
    Map<String, List<String>> byRule = new LinkedHashMap<>();
    Stores.Kind store = secrets.isEmpty() ? null : Stores.of(path, head, head.length);
    if (store != null && store != Stores.Kind.SQLITE) {
      long[] n = {0};
      secrets.forEach(batch -> n[0] += fingerprints(secrets, batch, byRule));
      List<Problem> ps = new ArrayList<>(scanProblems);
      ps.add(new Problem(path, Problem.Type.UNSUPPORTED, "sanitize: " + n[0] + " secret(s) in this "
          + StoreCopies.describe(store) + "; left out of the copy, because " + StoreCopies.why(store)));
      return new LeafReport(path, true, true, 0, byRule, ps);
    }
    if (secrets.batched() && store == Stores.Kind.SQLITE) {
      long[] n = {0};
      secrets.forEach(batch -> n[0] += fingerprints(secrets, batch, byRule));
      List<Problem> ps = new ArrayList<>(scanProblems);
      ps.add(new Problem(path, Problem.Type.LIMIT, "sanitize: " + n[0] + " distinct secrets in this SQLite database"
          + " need more than the " + (batchBytes >> 20) + " MiB of forms one pass may hold; left out of the copy"));
      return new LeafReport(path, true, true, 0, byRule, ps);
    }
    long[] n = {0};
    List<Problem> problems = new ArrayList<>(scanProblems); // and what a stage of the copy could not mask
    if (!secrets.batched()) {
      Replacer.Forms forms = new Replacer.Forms();
      List<byte[]> plain = store == Stores.Kind.SQLITE ? new ArrayList<>() : null;
      secrets.forEach(batch -> forms(secrets, batch, binary, forms, byRule, plain));
      if (store == Stores.Kind.SQLITE) {
        n[0] = StoreCopies.sqlite(source, path, plain, scanner, options, forms, out);
      } else {
        try (InputStream in = source.open()) {
          n[0] = pass(new Replacer(forms, options.chunkBytes()), forms, binary, path, head, in, out, problems);
        }
      }
    } else {
      // a pass for each batch, the copy so far between two of them in a spool: encrypted, as it
      // still holds the later batches' secrets; the last one is copied out
      Spool[] copy = {null, null}; // the copy so far; the last one once all passes are done
      try {
        secrets.forEach(batch -> {
          Replacer.Forms forms = new Replacer.Forms();
          forms(secrets, batch, binary, forms, byRule, null);
          Spool next = new Spool(options.spoolCap());
          try (InputStream in = copy[0] == null ? source.open() : copy[0].input(); OutputStream o = next.output()) {
            // each pass meets the same long mail parts: the first one (over the leaf itself, its
            // offsets the leaf's) says so
            List<Problem> more = copy[0] == null ? problems : new ArrayList<>();
            n[0] += pass(new Replacer(forms, options.chunkBytes()), forms, binary, path, head, in, o, more);
          } catch (IOException | RuntimeException x) {
            next.close();
            throw x;
          }
          if (copy[0] != null) {
            copy[0].close();
          }
          copy[0] = next;
        });
        copy[1] = copy[0];
      } catch (Spool.TooLargeException e) {
        List<Problem> ps = new ArrayList<>(scanProblems);
        ps.add(new Problem(path, Problem.Type.LIMIT, "sanitize: this leaf's distinct secrets need more than the "
            + (batchBytes >> 20) + " MiB of forms one pass may hold, and the copy between two passes is "
            + e.getMessage() + "; left out of the copy"));
        return new LeafReport(path, binary, true, 0, byRule, ps);
      } finally {
        if (copy[0] != null && copy[0] != copy[1]) {
          copy[0].close();
        }
      }
      if (copy[1] == null) {
        throw new IOException("sanitize: no pass over a leaf with secrets"); // never: each secret is in a batch
      }
      try (InputStream in = copy[1].input()) {
        in.transferTo(out);
      } finally {
        copy[1].close();
      }
    }
    if (store == Stores.Kind.SQLITE && n[0] < 0) {
      List<Problem> ps = new ArrayList<>(scanProblems);
      ps.add(new Problem(path, Problem.Type.UNSUPPORTED, "sanitize: a secret in this SQLite database is also an index"
          + " key; left out of the copy, because a masked key would break the index's order or uniqueness"));
      return new LeafReport(path, true, true, 0, byRule, ps);
    }
    return new LeafReport(path, binary, false, n[0], byRule, problems);
  }

  /**
   * Adds the forms of {@code batch}'s secrets to {@code forms}, their fingerprints to
   * {@code byRule}, and when {@code plain} is not null, the secrets to it.
   */
  private void forms(SecretBatches secrets, SecretBatches.Batch batch, boolean binary, Replacer.Forms forms,
      Map<String, List<String>> byRule, List<byte[]> plain) {
    for (int e = 0; e < batch.size(); e++) {
      byte[] s = batch.secret(e);
      String fp = fingerprinter.fingerprint(s);
      byRule.computeIfAbsent(secrets.ruleId(batch.rule(e)), k -> new FingerprintList()).add(fp);
      addForms(forms, s, secrets.kind(batch.rule(e)), fp, binary);
      if (plain != null) {
        plain.add(s);
      }
    }
  }

  /** Adds the fingerprints of {@code batch}'s secrets to {@code byRule}; returns how many. */
  private long fingerprints(SecretBatches secrets, SecretBatches.Batch batch, Map<String, List<String>> byRule) {
    for (int e = 0; e < batch.size(); e++) {
      byRule.computeIfAbsent(secrets.ruleId(batch.rule(e)), k -> new FingerprintList())
          .add(fingerprinter.fingerprint(batch.secret(e)));
    }
    return batch.size();
  }

  /**
   * One pass of {@code replacer} (of {@code forms}) over {@code in}, the leaf {@code path} whose
   * head is {@code head}; returns the occurrences replaced, and adds to {@code problems} what a
   * stage could not mask.
   */
  private long pass(Replacer replacer, Replacer.Forms forms, boolean binary, String path, byte[] head, InputStream in,
      OutputStream out, List<Problem> problems) throws IOException {
    if (binary) {
      return replacer.copy(in, out);
    }
    // a mail's quoted-printable and base64 parts are decoded, masked and encoded again first;
    // then base64 payloads (a Helm release, a compressed field, a kubectl cp tarball) are
    // rewritten from their own bytes; then the forms are replaced in what passed
    MailParts mail = forms.size() > 0 && readsMail(path, head) ? new MailParts(in, replacer) : null;
    // payloads are rebuilt only in a leaf with secrets: the scan unpacked them, and found none
    CompressedRuns.Reading runs = CompressedRuns.reading(mail == null ? in : mail, replacer,
        forms.size() > 0 ? payloads(path) : null);
    long n = replacer.copy(runs, out);
    n += runs.replaced() + (mail == null ? 0 : mail.replaced());
    if (mail != null && mail.longParts() > 0) {
      problems.add(new Problem(path, Problem.Type.LIMIT, "max-mail-part: " + mail.longParts() + " encoded mail"
          + " part(s) longer than " + (MailParts.MAX_PART >> 20) + " MiB or with a line over "
          + (dev.tokensweep.scanner.read.MimeWalker.MAX_LINE >> 10) + " KiB copied as they were, not decoded"
          + " to mask a token their line breaks cut (the first at byte " + mail.firstLongPart() + ")"));
    }
    return n;
  }

  /** Whether the scan reads the leaf as a mail message or mbox, following its MIME parts. */
  private boolean readsMail(String path, byte[] head) {
    return dev.tokensweep.scanner.read.TextReader.MAIL.equals(
        new dev.tokensweep.scanner.read.ReaderSelector(Math.max(16, options.chunkBytes())).select(path, head, head.length)
            .format());
  }

  /**
   * Rebuilds, for the copy of the leaf {@code path}, a payload decoded from one of its base64 runs
   * that is an archive or compressed data other than gzip or zlib text: through the scan's archive
   * walker ({@link ArchiveRewriter}, within the scan's limits), each member sanitized as a leaf is.
   * Only when it comes out whole, changed, and with no problem: otherwise the run stays as it was
   * and the verification names what stays. Not inside another payload's member (a payload's
   * members could hold payloads that hold payloads, each inflated: one level is rebuilt).
   */
  private CompressedRuns.Containers payloads(String path) {
    return raw -> {
      if (IN_PAYLOAD.get() != null) {
        return null;
      }
      IN_PAYLOAD.set(Boolean.TRUE);
      try {
        List<LeafReport> reports = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Capped out = new Capped(CompressedRuns.MAX_REBUILT);
        long n = ArchiveRewriter.rewrite(this, scanner.limits(), () -> new java.io.ByteArrayInputStream(raw), null,
            path + " (base64 payload)", out, reports, problems);
        if (n <= 0 || out.over || !problems.isEmpty() || reports.stream().anyMatch(LeafReport::dropped)) {
          return null;
        }
        return new CompressedRuns.Rebuilt(out.toByteArray(), n);
      } finally {
        IN_PAYLOAD.remove();
      }
    };
  }

  /** Set on a thread while it rebuilds a payload. */
  private static final ThreadLocal<Boolean> IN_PAYLOAD = new ThreadLocal<>();

  /** Bytes written up to a cap; past it the rest is dropped and {@code over} set. */
  private static final class Capped extends java.io.ByteArrayOutputStream {
    private final int cap;
    boolean over;

    Capped(int cap) {
      super(1 << 12);
      this.cap = cap;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (over || count + (long) len > cap) {
        over = true;
        return;
      }
      super.write(b, off, len);
    }
  }

  /**
   * Runs the detector over the leaf's bytes as they are, chunk by chunk with the detector's
   * overlap: the readers look at values, and a secret can also sit where no reader looks for one
   * (a JSON object key, a header name). Every occurrence of every secret is replaced, so one found
   * here is masked wherever it is. Each chunk reports the matches that start in its own bytes, with
   * the overlap as context on both sides: reporting every match in the chunk took the part of a
   * long secret before the chunk's end for a secret of its own (one a MiB in a log of bearer JWTs,
   * counted in the report with a fingerprint of no real secret).
   */
  private void plainText(LeafSource source, SecretBatches secrets) throws IOException {
    dev.tokensweep.detectors.engine.Detector d = scanner.detector();
    int overlap = Math.max(0, d.overlap());
    int chunk = Math.max(options.chunkBytes(), MIN_CHUNK);
    byte[] buf = new byte[chunk + 2 * overlap];
    int keep = 0;
    int ownFrom = 0; // matches before this start in the bytes the chunk before reported
    try (InputStream in = source.open()) {
      while (true) {
        int n = in.readNBytes(buf, keep, chunk);
        int end = keep + n;
        boolean last = n < chunk;
        int ownTo = last ? end : end - overlap;
        if (ownTo > ownFrom) {
          d.scan(buf, 0, end, ownFrom, ownTo, m -> {
            if (OwnTags.isTagHex(buf, 0, end, m.start(), m.end())) {
              return; // a mask of an earlier sanitize: the copy of a copy keeps it
            }
            secrets.add(m.secret(), m.rule().kind(), m.rule().id());
          });
        }
        if (last) {
          return;
        }
        // keep the overlap before the first byte not yet reported, as context, and what follows it
        int k = Math.min(2 * overlap, end);
        System.arraycopy(buf, end - k, buf, 0, k);
        keep = k;
        ownFrom = Math.max(ownFrom, ownTo) - (end - k);
      }
    }
  }

  /**
   * A file or archive member name with every secret in it replaced by the mask its content would
   * get (the rest of the name kept), or null when it holds none. Never empty: a name that was
   * nothing but a secret, masked with {@code --mask drop}, becomes {@code REDACTED}.
   */
  @Override
  public RedactedName redactName(byte[] name) throws IOException {
    Map<Secret, Secret> secrets = new LinkedHashMap<>();
    // the secrets the name scan reports: one that runs into the name's extension ends before it
    for (dev.tokensweep.detectors.evidence.Match m : scanner.detector().findAllInName(name)) {
      if (OwnTags.isTagHex(name, 0, name.length, m.start(), m.end())) {
        continue;
      }
      Secret s = new Secret(m.secret(), m.rule().kind(), m.rule().id());
      secrets.putIfAbsent(s, s);
    }
    if (secrets.isEmpty()) {
      return null;
    }
    Replacer.Forms forms = new Replacer.Forms();
    Map<String, List<String>> byRule = new LinkedHashMap<>();
    for (Secret s : secrets.keySet()) {
      String fp = fingerprinter.fingerprint(s.bytes);
      byRule.computeIfAbsent(s.ruleId, k -> new ArrayList<>()).add(fp);
      addForms(forms, s.bytes, s.kind, fp, false);
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    long n = new Replacer(forms, options.chunkBytes()).copy(new java.io.ByteArrayInputStream(name), out);
    byte[] b = out.toByteArray();
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        b[i] = '_';
      }
    }
    if (b.length == 0) {
      b = "REDACTED".getBytes(StandardCharsets.US_ASCII);
    }
    return new RedactedName(b, n, byRule);
  }

  /** {@code text} with the secrets in it masked (for paths in reports), or as it is. */
  @Override
  public String redactText(String text) throws IOException {
    RedactedName r = redactName(text.getBytes(StandardCharsets.UTF_8));
    return r == null ? text : new String(r.name(), StandardCharsets.UTF_8);
  }

  /** A secret found in the leaf, compared by its bytes. */
  private record Secret(byte[] bytes, Kind kind, String ruleId) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Secret s && Arrays.equals(s.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Secret[" + ruleId + ", " + bytes.length + " bytes]";
    }
  }

  /**
   * Adds every stored form of {@code plain} with its mask in the same form. A binary leaf's masks
   * are stars of the form's length (a run of one byte, no arena); the UTF-16 forms read the
   * secret's and the mask's own bytes.
   */
  private void addForms(Replacer.Forms out, byte[] plain, Kind kind, String fp, boolean binary) {
    byte[] mask = binary ? null : options.mask().mask(kind, fp, plain.length);
    if (options.jwtKeepClaims() && isJwt(plain)) {
      mask = jwtWithoutSignature(plain, binary || options.mask() == MaskStyle.SAME_LENGTH);
    }
    int raw = Replacer.Forms.RAW;
    int fill = Replacer.Forms.FILL;
    int p = out.put(plain);
    int maskAt = mask == null ? '*' : out.put(mask);
    int maskLen = mask == null ? plain.length : mask.length;
    int maskEnc = mask == null ? fill : raw;
    out.add(p, plain.length, raw, maskAt, maskLen, maskEnc);
    for (int enc : new int[] {Replacer.Forms.UTF16LE, Replacer.Forms.UTF16BE}) {
      if (binary) {
        out.add(p, plain.length, enc, '*', plain.length, enc | fill);
      } else {
        out.add(p, plain.length, enc, maskAt, maskLen, enc | maskEnc);
      }
    }
    byte[] esc = jsonEscapeSlashes(plain);
    if (esc != null) {
      int at = out.put(esc);
      if (binary) {
        out.add(at, esc.length, raw, '*', esc.length, fill);
      } else {
        out.add(at, esc.length, raw, maskAt, maskLen, maskEnc);
      }
    }
    for (byte[] core : base64Cores(plain)) {
      // 'A' stays valid base64 and decodes to zero bits
      out.add(out.put(core), core.length, raw, 'A', core.length, fill);
    }
    byte[] pct = percentEncode(plain);
    if (pct != null) {
      int at = out.put(pct);
      if (binary) {
        out.add(at, pct.length, raw, '*', pct.length, fill);
      } else {
        byte[] pctMask = java.net.URLEncoder.encode(new String(mask, StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)
            .getBytes(StandardCharsets.US_ASCII);
        out.add(at, pct.length, raw, out.put(pctMask), pctMask.length, raw);
      }
    }
  }

  /**
   * The base64 characters that encode only the secret's bits, for each of the three alignments the
   * secret can have inside a longer base64 value (an {@code Authorization: Basic} header holding
   * {@code user:token}, a Docker {@code auth}, base64 of JSON), in both alphabets. Replacing them
   * with {@code A} keeps the value valid base64 of the same length while the secret decodes to
   * zeros. Only for secrets of 12 bytes or more, so a core is long enough not to hit by chance.
   */
  static List<byte[]> base64Cores(byte[] secret) {
    List<byte[]> cores = new ArrayList<>();
    if (secret.length < 12) {
      return cores;
    }
    for (int shift = 0; shift < 3; shift++) {
      byte[] padded = new byte[shift + secret.length];
      System.arraycopy(secret, 0, padded, shift, secret.length);
      String std = java.util.Base64.getEncoder().withoutPadding().encodeToString(padded);
      int first = (8 * shift + 5) / 6;
      int last = 8 * (shift + secret.length) / 6; // exclusive
      String core = std.substring(first, last);
      cores.add(core.getBytes(StandardCharsets.US_ASCII));
      String url = core.replace('+', '-').replace('/', '_');
      if (!url.equals(core)) {
        cores.add(url.getBytes(StandardCharsets.US_ASCII));
      }
    }
    return cores;
  }

  static boolean isJwt(byte[] s) {
    int dots = 0;
    for (byte b : s) {
      dots += b == '.' ? 1 : 0;
    }
    return dots == 2 && s.length > 10 && s[0] == 'e' && s[1] == 'y' && s[2] == 'J';
  }

  /** Header and claims kept, signature replaced: {@code REDACTED}, or stars of its length. */
  static byte[] jwtWithoutSignature(byte[] jwt, boolean sameLength) {
    int last = -1;
    for (int i = jwt.length - 1; i >= 0; i--) {
      if (jwt[i] == '.') {
        last = i;
        break;
      }
    }
    byte[] sig = sameLength ? MaskStyle.stars(jwt.length - last - 1) : "REDACTED".getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(jwt, last + 1 + sig.length);
    System.arraycopy(sig, 0, out, last + 1, sig.length);
    return out;
  }

  static byte[] utf16(byte[] ascii, boolean bigEndian) {
    byte[] out = new byte[ascii.length * 2];
    for (int i = 0; i < ascii.length; i++) {
      out[2 * i + (bigEndian ? 1 : 0)] = ascii[i];
    }
    return out;
  }

  /** The secret with {@code /} written {@code \/} as JSON encoders may, or null when it has no slash. */
  static byte[] jsonEscapeSlashes(byte[] s) {
    int slashes = 0;
    for (byte b : s) {
      slashes += b == '/' ? 1 : 0;
    }
    if (slashes == 0) {
      return null;
    }
    byte[] out = new byte[s.length + slashes];
    int j = 0;
    for (byte b : s) {
      if (b == '/') {
        out[j++] = '\\';
      }
      out[j++] = b;
    }
    return out;
  }

  /** The secret percent-encoded as in a query string, or null when that changes nothing. */
  static byte[] percentEncode(byte[] s) {
    String enc = java.net.URLEncoder.encode(new String(s, StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    byte[] e = enc.getBytes(StandardCharsets.US_ASCII);
    return Arrays.equals(e, s) ? null : e;
  }

  /** NUL bytes in the head mean binary, unless the head is UTF-16 text with a byte-order mark. */
  static boolean looksBinary(byte[] head) {
    if (head.length >= 2 && ((head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xFE
        || (head[0] & 0xFF) == 0xFE && (head[1] & 0xFF) == 0xFF)) {
      return false;
    }
    for (byte b : head) {
      if (b == 0) {
        return true;
      }
    }
    return false;
  }
}
