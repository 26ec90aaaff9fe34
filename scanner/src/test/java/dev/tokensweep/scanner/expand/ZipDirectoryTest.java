package dev.tokensweep.scanner.expand;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The central directory is counted as ZipFile would read it, without building entries: zip64,
 * a comment, data in front of the zip, and an end record whose own count lies.
 */
class ZipDirectoryTest {
  @TempDir
  Path dir;

  private static byte[] zip(int entries, String comment) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bo)) {
      for (int i = 0; i < entries; i++) {
        z.putNextEntry(new ZipEntry("d/" + i + (i % 7 == 0 ? "-a-longer-name-with-more-bytes.txt" : ".txt")));
        z.write(i % 3 == 0 ? new byte[] {'x'} : new byte[0]);
        z.closeEntry();
      }
      if (comment != null) {
        z.setComment(comment);
      }
    }
    return bo.toByteArray();
  }

  private long count(byte[] zip, long limit) throws IOException {
    Path p = Files.write(dir.resolve("t" + System.nanoTime() + ".zip"), zip);
    try (SeekableByteChannel ch = Files.newByteChannel(p)) {
      return ZipDirectory.count(ch, limit);
    }
  }

  @Test
  void count_smallAndLargeDirectories_exactUpToTheLimit() throws IOException {
    assertEquals(0, count(zip(0, null), 10));
    assertEquals(5, count(zip(5, "a comment\nwith lines"), 10));
    byte[] thousand = zip(1000, null);
    assertEquals(1000, count(thousand, 1000));
    assertEquals(1000, count(thousand, 999), "one past a limit of 999");
    assertEquals(101, count(thousand, 100), "past the limit: stops at limit + 1");
  }

  @Test
  void count_zip64WithMoreThan65535Entries() throws IOException {
    // java.util.zip writes a zip64 end record when the entries do not fit 16 bits
    assertEquals(70_000, count(zip(70_000, null), 100_000));
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bo)) {
      z.setUseZip64(Zip64Mode.Always);
      for (int i = 0; i < 12; i++) {
        z.putArchiveEntry(new ZipArchiveEntry("e" + i));
        z.write(new byte[] {(byte) i});
        z.closeArchiveEntry();
      }
    }
    assertEquals(12, count(bo.toByteArray(), 100), "zip64 records forced on a small archive");
  }

  @Test
  void count_dataInFront_selfExtractingLayout() throws IOException {
    byte[] z = zip(40, "sfx");
    byte[] stub = new byte[5000];
    java.util.Arrays.fill(stub, (byte) 0x90);
    byte[] sfx = new byte[stub.length + z.length];
    System.arraycopy(stub, 0, sfx, 0, stub.length);
    System.arraycopy(z, 0, sfx, stub.length, z.length);
    assertEquals(40, count(sfx, 100));
  }

  @Test
  void count_commentHoldingTheEndRecordSignature_theRealRecordIsUsed() throws IOException {
    // "PK\5\6" followed by 18 bytes in the comment looks like an end record, later in the file
    // than the real one; its comment length does not reach the end of the file
    String fake = "PK\u0005\u0006" + "\u0000".repeat(18) + "tail";
    assertEquals(25, count(zip(25, fake), 100));
  }

  @Test
  void count_endRecordUnderstatesTheEntries_theDirectoryIsCounted() throws IOException {
    byte[] z = zip(300, null);
    ByteBuffer b = ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN);
    int eocd = z.length - 22;
    assertEquals(0x06054b50, b.getInt(eocd), "end record where expected");
    b.putShort(eocd + 8, (short) 3);
    b.putShort(eocd + 10, (short) 3);
    assertEquals(201, count(z, 200), "a record claiming 3 entries does not hide 300");
  }

  @Test
  void count_notAZip_orCutShort_isUnknown() throws IOException {
    assertEquals(-1, count(new byte[100], 10));
    byte[] z = zip(50, null);
    assertEquals(-1, count(java.util.Arrays.copyOf(z, z.length - 30), 10), "end record cut off");
  }
}
