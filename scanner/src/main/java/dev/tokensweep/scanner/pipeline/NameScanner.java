package dev.tokensweep.scanner.pipeline;

import dev.tokensweep.detectors.evidence.Evidence;
import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.scanner.expand.Names;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.Location;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scans names as input: a file's or directory's own name, and each path element of an archive
 * member's name. A secret in a name is a finding at the named path with part
 * {@link Location#NAME}. Thread-safe.
 */
final class NameScanner {
  /**
   * Archive directories whose names one input remembers as scanned: past that many (a hostile
   * archive of millions of directories) a directory's name is scanned again for each member,
   * and its finding merges with the first, so memory stays bounded and nothing is missed.
   */
  static final int MAX_SEEN_DIRECTORIES = 100_000;

  private final ScanContext context;

  NameScanner(ScanContext context) {
    this.context = context;
  }

  /**
   * Scans a file's or directory's own name (its last element; the directories above it have had
   * theirs scanned already, each once per scan): a secret in it is a finding whose location is
   * the named path with part {@link Location#NAME}.
   */
  void scanName(String namedPath, Path name, Collector collector) {
    if (name != null) {
      scanName(namedPath, name.toString(), collector);
    }
  }

  /**
   * Directory prefixes longer than this are remembered by their SHA-256, not their text: a hostile
   * name of 64 KiB with a {@code /} every other character has 32,768 prefixes, which as strings
   * would hold a gigabyte.
   */
  static final int MAX_KEPT_PREFIX = 128;

  /**
   * Scans the name of an archive member, each path element of it once per archive: the elements
   * that name directories ({@code a/} and {@code a/b/} of {@code a/b/c.log}) once for all members
   * under them ({@code seenDirs} holds those met in this input), the last one for each member.
   * Linear in the name's length: each element is scanned on its own, a prefix's shown path is made
   * only for a finding, and long prefixes are hashed as the name is walked.
   *
   * @param archive the chain naming the archive
   * @param stored the member's name as stored
   */
  void scanMemberName(String archive, String stored, java.util.Set<String> seenDirs, Collector collector) {
    if (!collector.scansNames()) {
      return;
    }
    int from = 0;
    PrefixHash hash = null;
    for (int i = 0; i < stored.length(); i++) {
      char c = stored.charAt(i);
      if (c == '/' || c == '\\') {
        if (i + 1 > MAX_KEPT_PREFIX && hash == null) {
          hash = new PrefixHash(archive);
        }
        // bounded: past that many directories a name is scanned again, and its finding merges with the first
        if (i > from && (seenDirs.size() >= MAX_SEEN_DIRECTORIES || seenDirs.add(dirKey(archive, stored, i + 1, hash)))) {
          scanName(archive, stored, i + 1, stored.substring(from, i), collector);
        }
        from = i + 1;
      }
    }
    if (from < stored.length()) {
      scanName(archive, stored, stored.length(), stored.substring(from), collector);
    }
  }

  /** The key of {@code stored}'s first {@code end} characters in {@code archive}: the text, or for a long prefix its hash. */
  private static String dirKey(String archive, String stored, int end, PrefixHash hash) {
    return end <= MAX_KEPT_PREFIX ? archive + "!" + stored.substring(0, end) : hash.upTo(stored, end);
  }

  /** SHA-256 of an archive's chain and a growing prefix of one name, fed each character once. */
  private static final class PrefixHash {
    private final java.security.MessageDigest digest;
    private int fed;

    PrefixHash(String archive) {
      digest = dev.tokensweep.detectors.evidence.SecretDigest.sha256();
      digest.update((archive + "!").getBytes(StandardCharsets.UTF_8));
    }

    String upTo(String stored, int end) {
      digest.update(stored.substring(fed, end).getBytes(StandardCharsets.UTF_8));
      fed = end;
      try {
        // NUL keeps a hash apart from any text key: a chain shows control characters escaped
        return "\0" + new String(((java.security.MessageDigest) digest.clone()).digest(), StandardCharsets.ISO_8859_1);
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("the JDK's SHA-256 clones", e);
      }
    }
  }

  /** Scans one element of a member's name; a finding is located at the member's first {@code end} characters. */
  private void scanName(String archive, String stored, int end, String element, Collector collector) {
    scanName(() -> archive + "!" + Names.display(stored.substring(0, end)), element, collector);
  }

  /** Runs the detector over one name; every secret in it is a finding at {@code namedPath} with part {@link Location#NAME}. */
  private void scanName(String namedPath, String name, Collector collector) {
    scanName(() -> namedPath, name, collector);
  }

  private void scanName(java.util.function.Supplier<String> namedPath, String name, Collector collector) {
    if (!collector.scansNames() || name.isEmpty()) {
      return;
    }
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    // a secret ends where the name's extension starts (device_code=<code>.txt): Detector.findAllInName
    List<Match> found = new ArrayList<>(context.detector.findAllInName(b));
    if (found.isEmpty()) {
      // a secret written into a name in base64 or URL encoding (a file named after a token's
      // base64): names are short, and only a long base64 run or an escape is decoded
      for (EncodedNames.Decoded d : EncodedNames.decoded(name)) {
        byte[] t = d.text().getBytes(StandardCharsets.UTF_8);
        List<Match> inside = new ArrayList<>();
        if (d.layer().equals("url")) {
          inside.addAll(context.detector.findAllInName(t)); // the whole name decoded: it ends with the name's extension
        } else {
          context.detector.scan(t, 0, t.length, inside::add);
        }
        report(namedPath, t, inside, collector, name.substring(0, d.start()).getBytes(StandardCharsets.UTF_8).length,
            List.of(d.layer()));
      }
      return;
    }
    report(namedPath, b, found, collector, -1, null);
  }

  /**
   * Makes a finding of each of {@code found}, the matches in one name: at their own offsets, or,
   * for matches in a decoded part of it, at the part's offset {@code at} with its {@code decodings}.
   */
  private void report(java.util.function.Supplier<String> namedPath, byte[] scanned, List<Match> found, Collector collector, int at,
      List<String> decodings) {
    if (found.isEmpty()) {
      return;
    }
    found.sort(context.matchOrder());
    List<Match> winners = Match.onePerSpan(found);
    java.util.Set<Long> paired = Match.identifierSpans(winners);
    String shownPath = collector.shown.apply(namedPath.get());
    for (Match m : winners) {
      if (paired.contains(m.span())) {
        continue;
      }
      if (OwnTags.isTagHex(scanned, 0, scanned.length, m.start(), m.end())) {
        continue; // sanitize's own mask in a copied file's name
      }
      Evidence ev = Evidence.of(m, context.fingerprinter, context.options.now(), null)
          .withClaimsRedacted(context.claimsShown);
      Location where = decodings == null ? Location.name(shownPath, m.start())
          : new Location(shownPath, null, null, at, null, null, null, null, decodings, null, null, null, Location.NAME);
      Finding finding = new Finding(where, ev, context.revealed(m));
      collector.finding(finding);
      if (context.capture != null) {
        context.capture.offer(m, finding);
      }
    }
  }
}
