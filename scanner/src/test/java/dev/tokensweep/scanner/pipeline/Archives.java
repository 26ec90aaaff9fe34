package dev.tokensweep.scanner.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.deflate.DeflateCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorOutputStream;
import org.apache.commons.compress.compressors.snappy.FramedSnappyCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/** Builds archives and compressed streams in memory for tests, Tika style. */
public final class Archives {
  private Archives() {}

  @FunctionalInterface
  interface Wrap {
    OutputStream wrap(OutputStream out) throws IOException;
  }

  public static byte[] compress(Wrap w, byte[] data) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (OutputStream o = w.wrap(bo)) {
      o.write(data);
    }
    return bo.toByteArray();
  }

  public static byte[] gzip(byte[] data) throws IOException {
    return compress(GzipCompressorOutputStream::new, data);
  }

  public static byte[] gzipNamed(byte[] data, String name) throws IOException {
    GzipParameters p = new GzipParameters();
    p.setFileName(name);
    return compress(o -> new GzipCompressorOutputStream(o, p), data);
  }

  /**
   * gzip of {@code data} exactly {@code length} bytes long, its header's file name padding it (a
   * payload of an exact base64 length).
   */
  public static byte[] gzipOfLength(byte[] data, int length) throws IOException {
    int pad = length - gzipNamed(data, "p").length;
    if (pad < 0) {
      throw new IllegalArgumentException("gzip of the data alone is longer than " + length);
    }
    byte[] g = gzipNamed(data, "p".repeat(1 + pad));
    if (g.length != length) {
      throw new IllegalStateException("gzip of " + g.length + " bytes, not " + length);
    }
    return g;
  }

  public static byte[] bzip2(byte[] data) throws IOException {
    return compress(BZip2CompressorOutputStream::new, data);
  }

  public static byte[] xz(byte[] data) throws IOException {
    return compress(XZCompressorOutputStream::new, data);
  }

  /** An lzma (alone) stream that declares no size and ends with an end marker. */
  public static byte[] lzmaUnknownSize(byte[] data) throws IOException {
    return compress(o -> new org.tukaani.xz.LZMAOutputStream(o, new org.tukaani.xz.LZMA2Options(), -1), data);
  }

  public static byte[] lzma(byte[] data) throws IOException {
    return compress(LZMACompressorOutputStream::new, data);
  }

  public static byte[] zstd(byte[] data) throws IOException {
    return compress(ZstdCompressorOutputStream::new, data);
  }

  public static byte[] lz4(byte[] data) throws IOException {
    return compress(FramedLZ4CompressorOutputStream::new, data);
  }

  public static byte[] snappy(byte[] data) throws IOException {
    return compress(FramedSnappyCompressorOutputStream::new, data);
  }

  public static byte[] zlib(byte[] data) throws IOException {
    return compress(DeflateCompressorOutputStream::new, data);
  }

  /**
   * Unix {@code compress} (.Z) output. commons-compress reads .Z but cannot write it, so this
   * writes the simplest valid stream: header {@code 1F 9D 90} (block mode, 16 bits max), then every
   * byte as a 9-bit literal code, packed LSB first. The reader still grows its table by one code
   * per literal, so inputs are kept under 255 bytes, where codes never widen past 9 bits.
   */
  public static byte[] unixCompress(byte[] data) {
    if (data.length >= 255) {
      throw new IllegalArgumentException("literal-only .Z writer is limited to 254 bytes");
    }
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    bo.write(0x1F);
    bo.write(0x9D);
    bo.write(0x90);
    long acc = 0;
    int bits = 0;
    for (byte b : data) {
      acc |= (long) (b & 0xFF) << bits;
      bits += 9;
      while (bits >= 8) {
        bo.write((int) (acc & 0xFF));
        acc >>>= 8;
        bits -= 8;
      }
    }
    if (bits > 0) {
      bo.write((int) (acc & 0xFF));
    }
    return bo.toByteArray();
  }

  public static byte[] tar(Map<String, byte[]> members) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bo)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> m : members.entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(m.getKey());
        e.setSize(m.getValue().length);
        t.putArchiveEntry(e);
        t.write(m.getValue());
        t.closeArchiveEntry();
      }
    }
    return bo.toByteArray();
  }

  public static byte[] zip(Map<String, byte[]> members) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bo)) {
      for (Map.Entry<String, byte[]> m : members.entrySet()) {
        z.putArchiveEntry(new ZipArchiveEntry(m.getKey()));
        z.write(m.getValue());
        z.closeArchiveEntry();
      }
    }
    return bo.toByteArray();
  }

  /** A zip whose members are stored as they are, no compression (as a jar inside a zip often is). */
  public static byte[] storedZip(Map<String, byte[]> members) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bo)) {
      for (Map.Entry<String, byte[]> m : members.entrySet()) {
        ZipArchiveEntry e = new ZipArchiveEntry(m.getKey());
        e.setMethod(ZipArchiveEntry.STORED);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(m.getValue());
        e.setCrc(crc.getValue());
        e.setSize(m.getValue().length);
        z.putArchiveEntry(e);
        z.write(m.getValue());
        z.closeArchiveEntry();
      }
    }
    return bo.toByteArray();
  }

  public static byte[] ar(Map<String, byte[]> members) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ArArchiveOutputStream a = new ArArchiveOutputStream(bo)) {
      for (Map.Entry<String, byte[]> m : members.entrySet()) {
        a.putArchiveEntry(new ArArchiveEntry(m.getKey(), m.getValue().length));
        a.write(m.getValue());
        a.closeArchiveEntry();
      }
    }
    return bo.toByteArray();
  }

  /** Firefox's mozlz4: magic, the content's size (4 bytes, little-endian), one LZ4 block. */
  public static byte[] mozLz4(byte[] content) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    bo.write(new byte[] {'m', 'o', 'z', 'L', 'z', '4', '0', 0});
    for (int i = 0; i < 4; i++) {
      bo.write((content.length >>> (8 * i)) & 0xFF);
    }
    try (org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream lz =
        new org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream(bo)) {
      lz.write(content);
    }
    return bo.toByteArray();
  }

  /**
   * Brotli (RFC 7932) as the build can write it, having no encoder: a window of 64 KiB, the content
   * in uncompressed meta-blocks of up to 64 KiB (section 9.2), then an empty last meta-block.
   * Any decoder reads it; real compressed streams are fixtures made by the brotli tool
   * ({@code src/test/resources/dev/tokensweep/scanner/expand/brotli/PROVENANCE.md}).
   */
  public static byte[] brotli(byte[] content) {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    long bits = 0;      // bits not yet written, the first in the lowest place
    int n = 1;          // WBITS: a single 0 bit, a 64 KiB window
    for (int off = 0; off < content.length; off += 1 << 16) {
      int len = Math.min(1 << 16, content.length - off);
      // ISLAST 0, MNIBBLES 0 (four nibbles), MLEN - 1 in 16 bits, ISUNCOMPRESSED 1
      bits |= ((long) (len - 1) << 3 | 1L << 19) << n;
      n += 20;
      for (; n > 0; n -= 8, bits >>>= 8) {
        bo.write((int) bits & 0xFF); // the rest of the last byte is padding, zeros
      }
      bits = 0;
      n = 0;
      bo.write(content, off, len);
    }
    bits |= 0b11L << n; // ISLAST 1, ISLASTEMPTY 1
    n += 2;
    for (; n > 0; n -= 8, bits >>>= 8) {
      bo.write((int) bits & 0xFF);
    }
    return bo.toByteArray();
  }

  public static byte[] cpio(Map<String, byte[]> members) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (CpioArchiveOutputStream c = new CpioArchiveOutputStream(bo)) {
      for (Map.Entry<String, byte[]> m : members.entrySet()) {
        CpioArchiveEntry e = new CpioArchiveEntry(m.getKey(), m.getValue().length);
        e.setMode(CpioArchiveEntry.C_ISREG | 0644);
        c.putArchiveEntry(e);
        c.write(m.getValue());
        c.closeArchiveEntry();
      }
    }
    return bo.toByteArray();
  }

  public static void sevenZ(Path file, Map<String, byte[]> members) throws IOException {
    sevenZ(file, members, null);
  }

  /** As above, the members' content compressed with {@code method} (null: the writer's default). */
  public static void sevenZ(Path file, Map<String, byte[]> members,
      org.apache.commons.compress.archivers.sevenz.SevenZMethod method) throws IOException {
    try (SevenZOutputFile s = new SevenZOutputFile(file.toFile())) {
      if (method != null) {
        s.setContentCompression(method);
      }
      for (Map.Entry<String, byte[]> m : members.entrySet()) {
        SevenZArchiveEntry e = new SevenZArchiveEntry();
        e.setName(m.getKey());
        e.setSize(m.getValue().length);
        s.putArchiveEntry(e);
        s.write(m.getValue());
        s.closeArchiveEntry();
      }
    }
  }

  public static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
