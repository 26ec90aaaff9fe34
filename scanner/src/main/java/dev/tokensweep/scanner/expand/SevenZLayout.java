package dev.tokensweep.scanner.expand;

import dev.tokensweep.scanner.model.ScanLimits;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where a 7z's packed streams lie, and so which of the bytes between its signature header and its
 * end header no stream holds. commons-compress's {@code SevenZFile} does not say, so this reads
 * the start of the header itself (7zFormat.txt): the main streams' {@code PackInfo} (where the
 * streams start and how long each is) and, when the header is an encoded header, the
 * {@code PackInfo} and single coder of the header's own packed stream, which it decodes (copy,
 * LZMA or LZMA2, as 7-Zip and other writers store headers) to reach the main streams' one.
 *
 * <p>A writer puts the packed streams, then the header's packed stream, right after the 32-byte
 * signature header and the end header right after them; bytes anywhere else in that span are
 * in no member. Whatever this reader does not know (additional streams, an unknown or chained
 * coder, a size that does not fit the file, a number that overflows) makes it say nothing: a
 * valid archive never yields a gap. It reads at most the header's bytes (the file bounds every
 * count in it) and decodes at most {@link #MAX_HEADER} bytes, with a dictionary no larger than that.
 */
final class SevenZLayout {
  private SevenZLayout() {}

  /** The signature header: signature, version, start-header CRC, then the end header's offset and size. */
  static final int SIGNATURE_HEADER = 32;

  /** Most decoded header bytes read: what {@code SevenZFile} itself would hold in memory. */
  private static final long MAX_HEADER = ScanLimits.MAX_DECODER_MEMORY_KIB * 1024L;

  /** The smallest dictionary an LZMA decoder is sized for (the format's own minimum). */
  private static final int MIN_DICTIONARY = 4096;

  /** Coder properties longer than this are no coder this reader knows. */
  private static final int MAX_CODER_PROPERTIES = 16;

  private static final int K_END = 0x00;
  private static final int K_HEADER = 0x01;
  private static final int K_ARCHIVE_PROPERTIES = 0x02;
  private static final int K_MAIN_STREAMS_INFO = 0x04;
  private static final int K_FILES_INFO = 0x05;
  private static final int K_PACK_INFO = 0x06;
  private static final int K_UNPACK_INFO = 0x07;
  private static final int K_SIZE = 0x09;
  private static final int K_CRC = 0x0A;
  private static final int K_FOLDER = 0x0B;
  private static final int K_CODERS_UNPACK_SIZE = 0x0C;
  private static final int K_ENCODED_HEADER = 0x17;

  /** Bytes {@code [from, to)} of the file that no packed stream holds; {@code beforeHeader} when they end where the end header starts. */
  record Gap(long from, long to, boolean beforeHeader) {}

  /** Where one packed stream, or a run of them, lies in the file. */
  private record Span(long from, long to) {}

  /** The header says something this reader does not know, or does not fit the file: no gap is claimed. */
  private static final class Unsure extends Exception {
    Unsure() {
      super(null, null, false, false);
    }
  }

  /**
   * The gaps before the end header in file order (zeros included: the caller decides what
   * padding is), empty when every byte belongs to a stream, null when the header cannot be read
   * with certainty (a read or decoder failure included: the reader that read the archive first
   * reports what is wrong with it).
   */
  static List<Gap> gaps(SeekableByteChannel ch) {
    try {
      return read(ch);
    } catch (Unsure | IOException e) {
      return null;
    }
  }

  private static List<Gap> read(SeekableByteChannel ch) throws IOException, Unsure {
    long size = ch.size();
    if (size < SIGNATURE_HEADER) {
      return null;
    }
    ByteBuffer sig = ByteBuffer.allocate(SIGNATURE_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    ch.position(0);
    while (sig.hasRemaining() && ch.read(sig) > 0) {
      // fill
    }
    if (sig.hasRemaining()) {
      return null;
    }
    long next = sig.getLong(12);
    long nextSize = sig.getLong(20);
    if (next == 0 && nextSize == 0) {
      return List.of(); // an empty archive: nothing but the signature header
    }
    if (next < 0 || nextSize <= 0 || next > size - SIGNATURE_HEADER || nextSize > size - SIGNATURE_HEADER - next) {
      return null;
    }
    long headerAt = SIGNATURE_HEADER + next;
    Fields header = new Fields(slice(ch, headerAt, nextSize), nextSize);
    List<Span> spans = new ArrayList<>();
    int id = header.id();
    if (id == K_ENCODED_HEADER) {
      header = encoded(ch, header, spans, size);
      id = header.id();
    }
    if (id != K_HEADER) {
      throw new Unsure();
    }
    Span main = mainStreams(header, size);
    if (main != null) {
      spans.add(main);
    }
    return between(spans, headerAt);
  }

  /** The bytes of {@code [SIGNATURE_HEADER, headerAt)} outside every span. */
  private static List<Gap> between(List<Span> spans, long headerAt) throws Unsure {
    spans.sort(Comparator.comparingLong(Span::from));
    List<Gap> gaps = new ArrayList<>();
    long at = SIGNATURE_HEADER;
    for (Span s : spans) {
      if (s.from() < SIGNATURE_HEADER || s.to() > headerAt) {
        throw new Unsure(); // a stream in the signature or the end header: not a layout any writer makes
      }
      if (s.from() > at) {
        gaps.add(new Gap(at, s.from(), false));
      }
      at = Math.max(at, s.to());
    }
    if (at < headerAt) {
      gaps.add(new Gap(at, headerAt, true));
    }
    return gaps;
  }

  /**
   * Reads an encoded header's {@code StreamsInfo} (after its id): one packed stream, one folder of
   * one coder. Adds the packed stream's span; returns the decoded header's fields.
   */
  private static Fields encoded(SeekableByteChannel ch, Fields f, List<Span> spans, long size)
      throws IOException, Unsure {
    f.expect(K_PACK_INFO);
    long packPos = f.number();
    if (f.number() != 1) {
      throw new Unsure();
    }
    int id = f.id();
    if (id != K_SIZE) {
      throw new Unsure();
    }
    long packSize = f.number();
    id = f.id();
    if (id == K_CRC) {
      f.digests(1);
      id = f.id();
    }
    if (id != K_END) {
      throw new Unsure();
    }
    Span packed = span(packPos, packSize, size);
    spans.add(packed);

    f.expect(K_UNPACK_INFO);
    f.expect(K_FOLDER);
    if (f.number() != 1 || f.id() != 0) { // one folder, stored here (not external)
      throw new Unsure();
    }
    if (f.number() != 1) { // one coder
      throw new Unsure();
    }
    int flags = f.id();
    if ((flags & 0xC0) != 0) { // alternative methods, reserved
      throw new Unsure();
    }
    byte[] method = f.bytes(flags & 0x0F);
    if ((flags & 0x10) != 0 && (f.number() != 1 || f.number() != 1)) { // in and out streams
      throw new Unsure();
    }
    byte[] props = new byte[0];
    if ((flags & 0x20) != 0) {
      long n = f.number();
      if (n > MAX_CODER_PROPERTIES) {
        throw new Unsure();
      }
      props = f.bytes((int) n);
    }
    f.expect(K_CODERS_UNPACK_SIZE);
    long unpackSize = f.number();
    if (unpackSize == 0 || unpackSize > MAX_HEADER) {
      throw new Unsure();
    }
    InputStream in = slice(ch, packed.from(), packed.to() - packed.from());
    return new Fields(decoder(method, props, in, unpackSize), unpackSize);
  }

  /** A decoder of the header's packed stream: copy, LZMA or LZMA2, the coders headers are stored with. */
  private static InputStream decoder(byte[] method, byte[] props, InputStream in, long unpackSize)
      throws IOException, Unsure {
    if (method.length == 1 && method[0] == 0x00) {
      return in;
    }
    if (method.length == 3 && method[0] == 0x03 && method[1] == 0x01 && method[2] == 0x01 && props.length == 5) {
      long dict = ByteBuffer.wrap(props, 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
      return new org.tukaani.xz.LZMAInputStream(in, unpackSize, props[0], dictionary(dict, unpackSize));
    }
    if (method.length == 1 && method[0] == 0x21 && props.length == 1) {
      int p = props[0] & 0xFF;
      if (p > 40) {
        throw new Unsure();
      }
      long dict = p == 40 ? 0xFFFFFFFFL : (2L | (p & 1)) << (p / 2 + 11);
      return new org.tukaani.xz.LZMA2InputStream(in, dictionary(dict, unpackSize));
    }
    throw new Unsure();
  }

  /** The dictionary a decoder is given: as declared, but no larger than the data it decodes, which it never needs. */
  private static int dictionary(long declared, long unpackSize) {
    return (int) Math.max(MIN_DICTIONARY, Math.min(declared, unpackSize));
  }

  /**
   * The span of the main streams, read from the header's fields after {@code kHeader}: null when
   * the archive has none (only empty files).
   */
  private static Span mainStreams(Fields f, long size) throws IOException, Unsure {
    int id = f.id();
    if (id == K_ARCHIVE_PROPERTIES) {
      while (f.id() != K_END) {
        f.skip(f.number());
      }
      id = f.id();
    }
    if (id != K_MAIN_STREAMS_INFO) {
      if (id == K_FILES_INFO || id == K_END) {
        return null;
      }
      throw new Unsure(); // additional streams, or no field of a header
    }
    id = f.id();
    if (id != K_PACK_INFO) {
      if (id == K_END) {
        return null;
      }
      throw new Unsure();
    }
    long packPos = f.number();
    long count = f.number();
    if (count > f.remaining()) { // each size takes a byte at least
      throw new Unsure();
    }
    if (count == 0) {
      return null;
    }
    f.expect(K_SIZE);
    long total = 0;
    for (long i = 0; i < count; i++) {
      long n = f.number();
      if (n > size - total) { // past the file, and never past 2^63
        throw new Unsure();
      }
      total += n;
    }
    return span(packPos, total, size);
  }

  private static Span span(long pos, long length, long size) throws Unsure {
    if (pos > size - SIGNATURE_HEADER || length > size - SIGNATURE_HEADER - pos) {
      throw new Unsure();
    }
    return new Span(SIGNATURE_HEADER + pos, SIGNATURE_HEADER + pos + length);
  }

  /** {@code length} bytes of the channel from {@code from}, buffered (so it marks and resets). */
  static InputStream slice(SeekableByteChannel ch, long from, long length) {
    return new BufferedInputStream(new InputStream() {
      private long pos = from;
      private final long end = from + length;

      @Override
      public int read() throws IOException {
        return Streams.readByte(this);
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (pos >= end) {
          return -1;
        }
        ch.position(pos);
        int n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - pos)));
        if (n > 0) {
          pos += n;
        }
        return n;
      }
    }, 8192);
  }

  /** The header's fields: ids, 7z numbers and bytes, read from at most {@code limit} bytes. */
  private static final class Fields {
    private final InputStream in;
    private long remaining;

    Fields(InputStream in, long limit) {
      this.in = in;
      this.remaining = limit;
    }

    long remaining() {
      return remaining;
    }

    int id() throws IOException {
      if (remaining <= 0) {
        throw new EOFException();
      }
      int b = in.read();
      if (b < 0) {
        throw new EOFException();
      }
      remaining--;
      return b;
    }

    void expect(int want) throws IOException, Unsure {
      if (id() != want) {
        throw new Unsure();
      }
    }

    /**
     * A 7z number (7zFormat.txt {@code UINT64}): the first byte's leading ones say how many bytes
     * follow, little-endian, its other bits are the highest. A value of 2^63 or more is no size
     * or count in a file.
     */
    long number() throws IOException, Unsure {
      int first = id();
      long value = 0;
      int mask = 0x80;
      for (int i = 0; i < 8; i++) {
        if ((first & mask) == 0) {
          value |= (long) (first & (mask - 1)) << (8 * i);
          break;
        }
        value |= (long) id() << (8 * i);
        mask >>>= 1;
      }
      if (value < 0) {
        throw new Unsure();
      }
      return value;
    }

    byte[] bytes(int n) throws IOException {
      byte[] b = new byte[n];
      for (int i = 0; i < n; i++) {
        b[i] = (byte) id();
      }
      return b;
    }

    void skip(long n) throws IOException {
      if (n > remaining) {
        throw new EOFException();
      }
      in.skipNBytes(n);
      remaining -= n;
    }

    /** Skips a {@code Digests} field of {@code n} streams. */
    void digests(int n) throws IOException {
      int defined = n;
      if (id() == 0) {
        defined = 0;
        for (int i = 0; i < n; i += 8) {
          defined += Integer.bitCount(id() >>> Math.max(0, 8 - (n - i)));
        }
      }
      skip(4L * defined);
    }
  }
}
