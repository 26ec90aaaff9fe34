package dev.tokensweep.scanner.sanitize;

import dev.tokensweep.scanner.Problem;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Rewrites one stream in its own format: a plain leaf goes to the {@link Sanitizer}; archives and
 * compressed streams are rewritten entry by entry in their own format (added with the expanders).
 */
final class LeafRewriter {
  private final Sanitizer sanitizer;

  LeafRewriter(Sanitizer sanitizer) {
    this.sanitizer = sanitizer;
  }

  /**
   * Writes the sanitized form of the stream {@code source} opens to {@code out}; returns false when
   * the binary policy drops it.
   */
  boolean rewrite(Sanitizer.Source source, String path, OutputStream out, int depth,
      List<Sanitizer.LeafReport> reports, List<Problem> problems) throws IOException {
    Sanitizer.LeafReport r = sanitizer.sanitizeLeaf(source, path, out);
    reports.add(r);
    problems.addAll(r.problems());
    return !r.dropped();
  }
}
