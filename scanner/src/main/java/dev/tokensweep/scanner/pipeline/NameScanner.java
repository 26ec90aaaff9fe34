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
 * {@link Location#NAME}, and from then on the scan shows every path redacted. Thread-safe.
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
   * Scans the name of an archive member, each path element of it once per archive: the elements
   * that name directories ({@code a/} and {@code a/b/} of {@code a/b/c.log}) once for all members
   * under them ({@code seenDirs} holds those met in this input), the last one for each member.
   *
   * @param archive the chain naming the archive
   * @param stored the member's name as stored
   */
  void scanMemberName(String archive, String stored, java.util.Set<String> seenDirs, Collector collector) {
    int from = 0;
    for (int i = 0; i < stored.length(); i++) {
      char c = stored.charAt(i);
      if (c == '/' || c == '\\') {
        // bounded: past that many directories a name is scanned again, and its finding merges with the first
        if (i > from && (seenDirs.size() >= MAX_SEEN_DIRECTORIES || seenDirs.add(archive + "!" + stored.substring(0, i + 1)))) {
          scanName(archive + "!" + Names.display(stored.substring(0, i + 1)), stored.substring(from, i), collector);
        }
        from = i + 1;
      }
    }
    if (from < stored.length()) {
      scanName(archive + "!" + Names.display(stored), stored.substring(from), collector);
    }
  }

  /** Runs the detector over one name; every secret in it is a finding at {@code namedPath} with part {@link Location#NAME}. */
  private void scanName(String namedPath, String name, Collector collector) {
    if (!collector.scansNames() || name.isEmpty()) {
      return;
    }
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    List<Match> found = new ArrayList<>();
    context.detector.scan(b, 0, b.length, found::add);
    if (found.isEmpty()) {
      return;
    }
    collector.secretInNames(true);
    found.sort(context.matchOrder());
    List<Match> winners = Match.onePerSpan(found);
    java.util.Set<Long> paired = Match.identifierSpans(winners);
    String shownPath = collector.shown.apply(namedPath);
    for (Match m : winners) {
      if (paired.contains(m.span())) {
        continue;
      }
      Evidence ev = Evidence.of(m, context.fingerprinter, context.options.now(), null);
      Finding finding = new Finding(Location.name(shownPath, m.start()), ev, context.revealed(m));
      collector.finding(finding);
      if (context.capture != null) {
        context.capture.offer(m, finding);
      }
    }
  }
}
