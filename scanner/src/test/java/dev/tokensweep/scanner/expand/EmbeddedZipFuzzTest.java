package dev.tokensweep.scanner.expand;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.scanner.FuzzLoop;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the look for zips inside a file: {@link ZipEnds} notes every end
 * record, in order, however the reads are cut and reset, and {@link ZipDirectory#embedded},
 * which reads a hostile end record and directory, judges each without an exception, the same way
 * twice, and a zip it claims lies inside the file.
 */
class EmbeddedZipFuzzTest {

  private static byte[] zip(boolean zip64, String comment) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    bo.write("MZ launcher, then the zip\n".getBytes(StandardCharsets.US_ASCII));
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zo = new ZipArchiveOutputStream(z)) {
      zo.setUseZip64(zip64 ? Zip64Mode.Always : Zip64Mode.AsNeeded);
      if (comment != null) {
        zo.setComment(comment);
      }
      for (String name : List.of("a.log", "dir/b.json", "c.txt")) {
        zo.putArchiveEntry(new ZipArchiveEntry(name));
        zo.write(("content of " + name + "\n").repeat(5).getBytes(StandardCharsets.US_ASCII));
        zo.closeArchiveEntry();
      }
    }
    bo.write(z.toByteArray());
    bo.write(new byte[] {0x30, (byte) 0x82, 1, 2, 3});
    return bo.toByteArray();
  }

  /** The offsets of every end-record signature in {@code b}: what {@link ZipEnds} must note. */
  private static long[] ends(byte[] b) {
    return java.util.stream.LongStream.range(0, Math.max(0, b.length - 3))
        .filter(i -> b[(int) i] == 'P' && b[(int) i + 1] == 'K' && b[(int) i + 2] == 5 && b[(int) i + 3] == 6).toArray();
  }

  /** Reads {@code b} through a {@link ZipEnds} in random pieces, with random marks, resets, skips and single bytes. */
  private static long[] spotted(byte[] b, Random rnd) throws IOException {
    ZipEnds z = new ZipEnds(new java.io.BufferedInputStream(new ByteArrayInputStream(b), 64));
    byte[] buf = new byte[64];
    boolean marked = false;
    int n;
    do {
      switch (rnd.nextInt(6)) {
        case 0 -> {
          z.mark(b.length); // the buffer holds all that is read after the mark
          marked = true;
        }
        case 1 -> {
          if (marked) {
            z.reset();
          }
        }
        case 2 -> z.skip(rnd.nextInt(20));
        case 3 -> z.read();
        default -> { }
      }
      n = z.read(buf, rnd.nextInt(8), 1 + rnd.nextInt(56));
    } while (n >= 0);
    return z.ends();
  }

  @Test
  void ends_anyCutOfTheReads_everyEndRecordOnceInOrder() throws IOException {
    Random rnd = new Random(5);
    for (int run = 0; run < 300; run++) {
      byte[] b = new byte[rnd.nextInt(2000)];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) "PK\5\6\0x".charAt(rnd.nextInt(6)); // dense in signatures and their parts
      }
      assertArrayEquals(ends(b), spotted(b, new Random(run)), "run " + run);
    }
    assertArrayEquals(ends(zip(false, "PK\u0005\u0006 in the comment")), spotted(zip(false, "PK\u0005\u0006 in the comment"), rnd));
  }

  @Test
  void embedded_mutatedZips_noExceptionStableAndInsideTheFile() throws Exception {
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(zip(false, null));
    seeds.add(zip(false, "an installer's comment"));
    seeds.add(zip(true, null));
    int runs = FuzzLoop.run("embedded zip", seeds, 91, 3_000, 512L << 20, 200, (bytes, run) -> {
      for (long at : ends(bytes)) {
        ZipDirectory.Embedded e = ZipDirectory.embedded(new SeekableInMemoryByteChannel(bytes), at);
        assertEquals(e, ZipDirectory.embedded(new SeekableInMemoryByteChannel(bytes.clone()), at), "run " + run);
        if (e != null) {
          assertTrue(e.start() >= 0 && e.start() <= e.firstMember() && e.firstMember() < at && at < e.end()
              && e.end() <= bytes.length, () -> "run " + run + ": " + e + " outside the file, " + bytes.length + " bytes");
        }
      }
    });
    assertTrue(runs >= 200);
  }
}
