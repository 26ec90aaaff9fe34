package dev.tokensweep.scanner.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Decompression bombs of the kinds that per-member limits alone do not stop, built in memory:
 * a 42.zip-style nest, an overlapping zip (every directory entry decodes one kernel) and a tar
 * whose sparse members declare huge holes. {@link #main} writes them at full size for measuring.
 */
public final class Bombs {
  private Bombs() {}

  /**
   * A nest of zips, 42.zip style: {@code levels} levels of {@code fanout} zips each, every leaf zip
   * holding {@code leafZeros} bytes of zeros, deflated; {@code extra} members are added to the
   * outermost zip beside the nest.
   */
  public static byte[] nestedZip(int levels, int fanout, long leafZeros, Map<String, byte[]> extra) throws IOException {
    byte[] level = zeroZip(leafZeros);
    for (int l = 1; l < levels; l++) {
      ByteArrayOutputStream bo = new ByteArrayOutputStream();
      try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bo)) {
        z.setLevel(Deflater.BEST_COMPRESSION);
        for (int i = 0; i < fanout; i++) {
          z.putArchiveEntry(new ZipArchiveEntry("lib" + l + "_" + Integer.toHexString(i) + ".zip"));
          z.write(level);
          z.closeArchiveEntry();
        }
        if (l == levels - 1) {
          for (Map.Entry<String, byte[]> e : extra.entrySet()) {
            z.putArchiveEntry(new ZipArchiveEntry(e.getKey()));
            z.write(e.getValue());
            z.closeArchiveEntry();
          }
        }
      }
      level = bo.toByteArray();
    }
    return level;
  }

  private static byte[] zeroZip(long zeros) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bo)) {
      z.setLevel(Deflater.BEST_COMPRESSION);
      z.putArchiveEntry(new ZipArchiveEntry("0.dat"));
      byte[] block = new byte[1 << 20];
      for (long left = zeros; left > 0; left -= block.length) {
        z.write(block, 0, (int) Math.min(block.length, left));
      }
      z.closeArchiveEntry();
    }
    return bo.toByteArray();
  }

  /**
   * An overlapping zip: one local header and one deflated kernel of {@code kernelZeros} zeros at
   * offset 0, and {@code entries} central-directory entries of different names that all point at
   * it, so that a reader that trusts the directory decodes the kernel once per entry.
   */
  public static byte[] overlappingZip(int entries, long kernelZeros) throws IOException {
    ByteArrayOutputStream kernel = new ByteArrayOutputStream();
    CRC32 crc = new CRC32();
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    try (DeflaterOutputStream out = new DeflaterOutputStream(kernel, d)) {
      byte[] block = new byte[1 << 20];
      for (long left = kernelZeros; left > 0; left -= block.length) {
        int n = (int) Math.min(block.length, left);
        crc.update(block, 0, n);
        out.write(block, 0, n);
      }
    }
    d.end();
    byte[] data = kernel.toByteArray();
    ByteBuffer b = ByteBuffer.allocate(64 + data.length + entries * 64 + 64).order(ByteOrder.LITTLE_ENDIAN);
    byte[] first = name(0);
    localHeader(b, first, crc.getValue(), data.length, kernelZeros);
    b.put(data);
    int cdStart = b.position();
    for (int i = 0; i < entries; i++) {
      byte[] n = name(i);
      b.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 8)
          .putShort((short) 0).putShort((short) 0x21).putInt((int) crc.getValue()).putInt(data.length)
          .putInt((int) kernelZeros).putShort((short) n.length).putShort((short) 0).putShort((short) 0)
          .putShort((short) 0).putShort((short) 0).putInt(0).putInt(0).put(n);
    }
    int cdEnd = b.position();
    b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries).putShort((short) entries)
        .putInt(cdEnd - cdStart).putInt(cdStart).putShort((short) 0);
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  private static byte[] name(int i) {
    return String.format("f%05d.dat", i).getBytes(StandardCharsets.US_ASCII);
  }

  private static void localHeader(ByteBuffer b, byte[] name, long crc, long csize, long usize) {
    b.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 8).putShort((short) 0)
        .putShort((short) 0x21).putInt((int) crc).putInt((int) csize).putInt((int) usize).putShort((short) name.length)
        .putShort((short) 0).put(name);
  }

  /**
   * A POSIX tar of {@code members} sparse members (GNU sparse format 1.0 in PAX headers, as
   * {@code tar --sparse --format=posix} writes them), each a hole of {@code holeBytes} followed
   * by {@code tail}: a few hundred bytes on disk per member, {@code holeBytes} each when read.
   */
  public static byte[] sparseTar(int members, long holeBytes, byte[] tail) throws IOException {
    // written block by block: commons-compress interprets GNU.sparse.* PAX keys instead of writing them
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    for (int i = 0; i < members; i++) {
      String name = "hole" + i + ".bin";
      StringBuilder pax = new StringBuilder();
      for (String[] kv : new String[][] {{"GNU.sparse.major", "1"}, {"GNU.sparse.minor", "0"},
          {"GNU.sparse.name", name}, {"GNU.sparse.realsize", Long.toString(holeBytes + tail.length)}}) {
        pax.append(paxRecord(kv[0], kv[1]));
      }
      byte[] records = pax.toString().getBytes(StandardCharsets.UTF_8);
      bo.write(tarHeader("./PaxHeaders/" + name, records.length, 'x'));
      bo.write(padded(records));
      byte[] map = new byte[512];
      byte[] m = ("1\n" + holeBytes + "\n" + tail.length + "\n").getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(m, 0, map, 0, m.length);
      bo.write(tarHeader("./GNUSparseFile.0/" + name, map.length + tail.length, '0'));
      bo.write(map);
      bo.write(padded(tail));
    }
    bo.write(new byte[1024]);
    return bo.toByteArray();
  }

  /**
   * A tar of one member {@code name} holding {@code data}, preceded by a PAX extended header with
   * {@code pax} records as they are written, whatever they say (a test can make them lie).
   */
  public static byte[] paxTar(Map<String, String> pax, String name, byte[] data) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    StringBuilder records = new StringBuilder();
    pax.forEach((k, v) -> records.append(paxRecord(k, v)));
    byte[] r = records.toString().getBytes(StandardCharsets.UTF_8);
    bo.write(tarHeader("./PaxHeaders/x", r.length, 'x'));
    bo.write(padded(r));
    bo.write(tarHeader(name, data.length, '0'));
    bo.write(padded(data));
    bo.write(new byte[1024]);
    return bo.toByteArray();
  }

  private static String paxRecord(String key, String value) {
    String body = " " + key + "=" + value + "\n";
    int len = body.length() + 1;
    while (Integer.toString(len).length() + body.length() != len) {
      len++;
    }
    return len + body;
  }

  private static byte[] padded(byte[] data) {
    return java.util.Arrays.copyOf(data, (data.length + 511) / 512 * 512);
  }

  private static byte[] tarHeader(String name, long size, char type) {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(n, 0, h, 0, n.length);
    octal(h, 100, 8, 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, 1_700_000_000L);
    h[156] = (byte) type;
    System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
    java.util.Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte x : h) {
      sum += x & 0xFF;
    }
    octal(h, 148, 7, sum);
    h[155] = ' ';
    return h;
  }

  private static void octal(byte[] h, int at, int width, long value) {
    String s = String.format("%0" + (width - 1) + "o", value);
    System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, at, width - 1);
    h[at + width - 1] = 0;
  }

  /** Writes the full-size bombs into a directory, for measuring: {@code Bombs DIR}. */
  public static void main(String[] args) throws IOException {
    Path dir = Files.createDirectories(Path.of(args[0]));
    byte[] secret = ("export GITHUB_TOKEN=" + new dev.tokensweep.detectors.rule.TokenForge(new java.util.Random(9))
        .base62Crc32("ghp_") + "\n").getBytes(StandardCharsets.US_ASCII);
    Files.write(dir.resolve("42.zip"), nestedZip(5, 16, 1L << 30, Map.of("secrets.txt", secret)));
    Files.write(dir.resolve("secrets.txt"), secret);
    Files.write(dir.resolve("overlap.zip"), overlappingZip(2000, 16L << 20));
    Files.write(dir.resolve("sparse.tar"), sparseTar(10, 2L << 30, secret));
  }

}
