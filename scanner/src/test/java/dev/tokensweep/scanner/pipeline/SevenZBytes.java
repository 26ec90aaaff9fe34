package dev.tokensweep.scanner.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.sevenz.SevenZMethod;
import org.tukaani.xz.FinishableWrapperOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;

/**
 * 7z archives laid out as tests need them (7zFormat.txt). {@code SevenZOutputFile} writes the
 * packed streams right after the 32-byte signature header and a plain header right after them;
 * 7-Zip compresses its header by default (an encoded header: the header packed as a stream of
 * its own after the others, and a {@code StreamsInfo} that says how to unpack it at the end).
 * These rebuild such an archive with bytes put between its parts, or with its header encoded,
 * and fix the CRCs, so that {@code SevenZFile} reads it as valid.
 */
public final class SevenZBytes {
  private SevenZBytes() {}

  /** How the header is packed in {@link #encodeHeader}. */
  public enum HeaderCoder { COPY, LZMA, LZMA2 }

  /** An archive of {@code members} as {@code SevenZOutputFile} writes it with content method {@code method}. */
  public static byte[] write(Path scratch, Map<String, byte[]> members, SevenZMethod method) throws IOException {
    Archives.sevenZ(scratch, members, method);
    byte[] b = Files.readAllBytes(scratch);
    Files.delete(scratch);
    return b;
  }

  /** Where the end header of {@code archive} starts. */
  public static long headerAt(byte[] archive) {
    return 32 + le(archive).getLong(12);
  }

  /** {@code archive} (a plain header right after its streams) with {@code gap} put between its streams and its header. */
  public static byte[] gapBeforeHeader(byte[] archive, byte[] gap) {
    int at = (int) headerAt(archive);
    byte[] header = Arrays.copyOfRange(archive, at, archive.length);
    return assemble(Arrays.copyOfRange(archive, 32, at), gap, header);
  }

  /**
   * {@code archive} (a plain header right after its streams) with its header encoded with
   * {@code coder}: the streams, {@code gapAfterStreams}, the packed header,
   * {@code gapBeforeInfo}, then the encoded header's {@code StreamsInfo}.
   */
  public static byte[] encodeHeader(byte[] archive, HeaderCoder coder, byte[] gapAfterStreams, byte[] gapBeforeInfo)
      throws IOException {
    int at = (int) headerAt(archive);
    byte[] streams = Arrays.copyOfRange(archive, 32, at);
    byte[] header = Arrays.copyOfRange(archive, at, at + (int) le(archive).getLong(20));
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    byte[] method;
    byte[] props;
    switch (coder) {
      case COPY -> {
        packed.write(header);
        method = new byte[] {0x00};
        props = null;
      }
      case LZMA -> {
        LZMA2Options o = new LZMA2Options();
        o.setDictSize(1 << 16);
        try (LZMAOutputStream lz = new LZMAOutputStream(packed, o, false)) {
          lz.write(header);
          props = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN).put((byte) lz.getProps())
              .putInt(o.getDictSize()).array();
        }
        method = new byte[] {0x03, 0x01, 0x01};
      }
      default -> {
        LZMA2Options o = new LZMA2Options();
        o.setDictSize(1 << 16); // property byte 8: 2^16
        try (var lz2 = o.getOutputStream(new FinishableWrapperOutputStream(packed))) {
          lz2.write(header);
        }
        method = new byte[] {0x21};
        props = new byte[] {8};
      }
    }
    ByteArrayOutputStream info = new ByteArrayOutputStream();
    info.write(0x17); // kEncodedHeader
    info.write(0x06); // kPackInfo
    number(info, streams.length + gapAfterStreams.length);
    number(info, 1);
    info.write(0x09); // kSize
    number(info, packed.size());
    info.write(0x00);
    info.write(0x07); // kUnpackInfo
    info.write(0x0B); // kFolder
    number(info, 1);
    info.write(0x00); // not external
    number(info, 1); // one coder
    info.write(method.length | (props != null ? 0x20 : 0));
    info.write(method);
    if (props != null) {
      number(info, props.length);
      info.write(props);
    }
    info.write(0x0C); // kCodersUnpackSize
    number(info, header.length);
    info.write(0x0A); // kCRC of the unpacked header
    info.write(0x01);
    info.write(le(new byte[4]).putInt(0, (int) crc(header, 0, header.length)).array());
    info.write(0x00); // end of UnpackInfo
    info.write(0x00); // end of StreamsInfo
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(streams);
    body.write(gapAfterStreams);
    body.write(packed.toByteArray());
    return assemble(body.toByteArray(), gapBeforeInfo, info.toByteArray());
  }

  /** An archive of the signature header, {@code body} (its streams) and {@code header} as its end header, as given. */
  public static byte[] withHeader(byte[] body, byte[] header) {
    return assemble(body, new byte[0], header);
  }

  /** A signature header, then {@code body}, {@code gap} and {@code header}, with its offsets and CRCs. */
  private static byte[] assemble(byte[] body, byte[] gap, byte[] header) {
    ByteBuffer b = le(new byte[32 + body.length + gap.length + header.length]);
    b.put(new byte[] {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C, 0, 4});
    b.putInt(0);
    b.putLong(body.length + gap.length);
    b.putLong(header.length);
    b.putInt((int) crc(header, 0, header.length));
    b.put(body).put(gap).put(header);
    byte[] a = b.array();
    b.putInt(8, (int) crc(a, 12, 20));
    return a;
  }

  /** A 7z number ({@code UINT64} in 7zFormat.txt): leading ones in the first byte count the bytes that follow. */
  private static void number(ByteArrayOutputStream out, long value) {
    int first = 0;
    int mask = 0x80;
    int i;
    for (i = 0; i < 8; i++) {
      if (value < 1L << (7 * (i + 1))) {
        first |= (int) (value >>> (8 * i));
        break;
      }
      first |= mask;
      mask >>>= 1;
    }
    out.write(first);
    for (; i > 0; i--) {
      out.write((int) (value & 0xFF));
      value >>>= 8;
    }
  }

  private static long crc(byte[] b, int off, int len) {
    CRC32 c = new CRC32();
    c.update(b, off, len);
    return c.getValue();
  }

  private static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }
}
