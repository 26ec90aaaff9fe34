package dev.tokensweep.scanner.sanitize;

import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.pipeline.Scanner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * The Sanitizer role: writes a copy of one leaf, or of a name, with every secret the scan finds in
 * it replaced by its mask, everything else byte for byte, and says what it replaced (rules and
 * fingerprints, never values). {@link PathSanitizer} drives it over files, directories and
 * (through the scan's archive walker) archives; {@link #of} gives the implementation that learns
 * a leaf's secrets from the full scan pipeline ({@link LeafSanitizer}). Implementations are
 * thread-safe.
 */
public interface Sanitizer {

  /** What happens to binary leaves: masked in place (same length), copied as they are, or left out. */
  enum BinaryPolicy { MASK, SKIP, DROP }

  /** A stream or member sanitize must re-read is spooled (encrypted) up to this size: the scan's default spool limit. */
  long DEFAULT_SPOOL_CAP = dev.tokensweep.scanner.model.ScanLimits.DEFAULT_MAX_SPOOL_BYTES;

  /** Bytes a leaf is copied and replaced in at a time (with the longest form's overlap): bounded memory per leaf. */
  int DEFAULT_CHUNK = 1 << 20;

  /** Sanitizer options. {@code jwtKeepClaims} keeps a JWT's header and claims and masks only its signature. */
  record Options(MaskStyle mask, boolean jwtKeepClaims, BinaryPolicy binary, long spoolCap, int chunkBytes) {
    public static Options defaults() {
      return new Options(MaskStyle.TAG, false, BinaryPolicy.MASK, DEFAULT_SPOOL_CAP, DEFAULT_CHUNK);
    }
  }

  /**
   * A leaf that can be opened more than once (a file, or a spool): the sanitizer reads it once to
   * find its secrets and again to copy it. Not a {@link dev.tokensweep.scanner.source.Source}, which
   * yields a scan's inputs.
   */
  @FunctionalInterface
  interface LeafSource {
    InputStream open() throws IOException;

    /** A seekable view when the source is a file on disk; null otherwise. */
    default java.nio.channels.SeekableByteChannel channel() throws IOException {
      return null;
    }

    /** A file on disk. */
    static LeafSource of(java.nio.file.Path file) {
      return new LeafSource() {
        @Override
        public InputStream open() throws IOException {
          return java.nio.file.Files.newInputStream(file);
        }

        @Override
        public java.nio.channels.SeekableByteChannel channel() throws IOException {
          return java.nio.file.Files.newByteChannel(file);
        }
      };
    }
  }

  /**
   * What was redacted in one leaf: per rule, how many secrets and their fingerprints. Never values.
   * {@code name} is true for a report on a file or member name (renamed), not on content.
   */
  record LeafReport(String path, boolean binary, boolean dropped, long replacements,
      Map<String, List<String>> fingerprintsByRule, List<Problem> problems, boolean name) {
    public LeafReport(String path, boolean binary, boolean dropped, long replacements,
        Map<String, List<String>> fingerprintsByRule, List<Problem> problems) {
      this(path, binary, dropped, replacements, fingerprintsByRule, problems, false);
    }
  }

  /** A name with its secrets replaced by the content's masks. */
  record RedactedName(byte[] name, long replacements, Map<String, List<String>> fingerprintsByRule) {}

  /**
   * The sanitizer that runs {@code scanner} (readers and detector) over each leaf to learn its
   * secrets, and names them by {@code fingerprinter}'s fingerprints.
   */
  static Sanitizer of(Scanner scanner, Fingerprinter fingerprinter, Options options) {
    return new LeafSanitizer(scanner, fingerprinter, options);
  }

  Options options();

  /** Sanitizes a one-shot stream by spooling it (encrypted) first. */
  LeafReport sanitizeStream(InputStream in, String path, OutputStream out) throws IOException;

  /** Sanitizes the leaf that {@code source} opens, writing the copy to {@code out}. */
  LeafReport sanitizeLeaf(LeafSource source, String path, OutputStream out) throws IOException;

  /**
   * A file or archive member name with every secret in it replaced by the mask its content would
   * get (the rest of the name kept), or null when it holds none. Never empty.
   */
  RedactedName redactName(byte[] name) throws IOException;

  /** {@code text} with the secrets in it masked (for paths in reports), or as it is. */
  String redactText(String text) throws IOException;
}
