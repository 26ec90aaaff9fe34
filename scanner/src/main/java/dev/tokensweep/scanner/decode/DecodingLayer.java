package dev.tokensweep.scanner.decode;

import dev.tokensweep.scanner.read.Locator;

/**
 * One decoding layer: finds the runs of its encoding in a segment, decodes those the segment call
 * owns, and hands each decoded run to the next layer down ({@link Next}) with a locator that maps
 * a decoded offset back to the encoded bytes. A layer sees the segment after {@link SegmentPass}
 * has passed over it once (base64 runs and the places of {@code %} and {@code #} noted), so no
 * layer reads every byte again. Stateless; the composition ({@link LayeredSink}) runs them in a
 * fixed order, which is the order their findings come in.
 */
sealed interface DecodingLayer permits Base64Layer, UrlLayer, RsyslogLayer {

  /** Encoded runs shorter than this are left alone: shorter ones are words and ids, and no token fits. */
  int MIN_RUN = 16;

  /**
   * A run is decoded up to this many bytes: the decoded copy is allocated per run, so the cap
   * bounds the memory one run can take (a multi-megabyte data: URL), far above any secret's size.
   */
  int MAX_RUN = 1 << 20;

  /** The name locations give this layer in {@link dev.tokensweep.scanner.model.Location#decodings()}. */
  String name();

  /**
   * Decodes the runs of this encoding that the call owning {@code [ownFrom, ownTo)} of
   * {@code buf[from, to)} owns, each through {@code next}.
   */
  void decode(byte[] buf, int from, int to, int ownFrom, int ownTo, SegmentPass pass, Locator locator, Next next);

  /** Scans decoded bytes one layer further down, and takes the problems of decoding. */
  interface Next {
    /**
     * Scans {@code decoded[0, n)}, decoded by {@code layer}; {@code toEncoded} maps a decoded
     * offset to its place. The bytes may end where their encoded run was cut ({@link #wholeEnd}).
     */
    void pass(byte[] decoded, int n, String layer, Locator toEncoded);

    /**
     * As {@link #pass(byte[], int, String, Locator)}; {@code whole} when the decoded bytes are the
     * whole of their encoded run, so that a run ending at their end ends there and was not cut.
     */
    default void pass(byte[] decoded, int n, String layer, Locator toEncoded, boolean whole) {
      pass(decoded, n, layer, toEncoded);
    }

    /**
     * Whether a run that ends at the end of the segment being decoded ends there: true for a
     * segment that is a whole decoded run, and for a reader's segment that ends its leaf
     * ({@link dev.tokensweep.scanner.read.SegmentSink#lastSegment}); false for a reader's other
     * segments, which a reader that does not read on
     * ({@link dev.tokensweep.scanner.read.SegmentSink#readOn}) may have cut anywhere.
     * A payload in a run that may be cut is not reported damaged when it ends early.
     */
    default boolean wholeEnd() {
      return false;
    }

    /**
     * Reports that part of a run was not scanned (a limit, encryption, damage): the sink's problem,
     * at most a few for one leaf. Its message names the run's place and decodings, never its
     * content. {@code same} is equal for the same problem of the same run reached again through
     * another layer (a line the rsyslog layer decodes and scans again with its payload): its
     * leaf, offset, type and the run's own steps, without the layers above; it is reported once.
     */
    void problem(dev.tokensweep.scanner.model.Problem problem, String same);

    /** The leaf's runs that came to nothing, when the sink below can tell ({@link RunMemo}); else null. */
    default RunMemo memo() {
      return null;
    }
  }

  /** Printable ASCII, tab, CR or LF: the bytes decoded text must mostly be for a run to count as text. */
  static boolean isText(byte b) {
    int c = b & 0xFF;
    return (c >= 0x20 && c < 0x7F) || c == '\n' || c == '\r' || c == '\t';
  }
}
