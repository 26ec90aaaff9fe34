package dev.tokensweep.scanner.expand;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokensweep.scanner.FuzzLoop;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** Seeded mutation fuzzing of {@link Sniffer}: any head, any length, any name: nothing escapes, the same answer twice. */
class SnifferFuzzTest {

  @Test
  void sniff_mutatedHeads_noExceptionAndStable() throws Exception {
    List<byte[]> seeds = new ArrayList<>();
    byte[] text = "GET /api HTTP/1.1\nAuthorization: Bearer abc\n".repeat(40).getBytes(StandardCharsets.US_ASCII);
    seeds.add(text);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
      g.write(text);
    }
    seeds.add(gz.toByteArray());
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(zip)) {
      z.putNextEntry(new ZipEntry("a.log"));
      z.write(text);
    }
    seeds.add(zip.toByteArray());
    byte[] tar = new byte[1024];
    System.arraycopy("a.log".getBytes(StandardCharsets.US_ASCII), 0, tar, 0, 5);
    System.arraycopy("0000644\0".getBytes(StandardCharsets.US_ASCII), 0, tar, 100, 8);
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, tar, 257, 6);
    seeds.add(tar);
    seeds.add(new byte[] {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C, 0, 4});
    seeds.add(new byte[] {'B', 'Z', 'h', '9', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59});
    seeds.add(new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0});
    seeds.add(new byte[] {0x5D, 0, 0, (byte) 0x80, 0, -1, -1, -1, -1, -1, -1, -1, -1, 0});
    seeds.add(new byte[] {0x78, (byte) 0x9C, 0x03, 0});
    seeds.add("070701000000".getBytes(StandardCharsets.US_ASCII));
    seeds.add("{\"access_token\":\"x\"}".getBytes(StandardCharsets.US_ASCII));
    seeds.add(dev.tokensweep.scanner.pipeline.Archives.brotli(text)); // no magic: only a .br name tries it
    String[] names = {"a.log", "a.gz", "x.zip", "x.tar", "x.7z", "x.bz2", "x.xz", "x.lzma", "x.zz", "x.cpio", "x.json",
        "", "noext", "a.log.2", "x.Z", "x.zst", "x.lz4", "x.sz", "x.br"};
    FuzzLoop.run("sniffer", seeds, 5, 2_000, 512L << 20, 200, (bytes, run) -> {
      byte[] head = bytes.length > Sniffer.HEAD ? java.util.Arrays.copyOf(bytes, Sniffer.HEAD) : bytes;
      // the length given may be shorter than the array, as a short read leaves it
      int len = run % 3 == 0 ? head.length / 2 : head.length;
      String name = names[run % names.length];
      // null is a leaf; whatever it says, it says it again for the same bytes
      assertEquals(Sniffer.sniff(name, head, len), Sniffer.sniff(name, head.clone(), len), "run " + run);
    });
  }
}
