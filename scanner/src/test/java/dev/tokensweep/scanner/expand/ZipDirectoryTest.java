package dev.tokensweep.scanner.expand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;

/**
 * The central directory is counted as commons-compress's ZipFile reads it, without building
 * entries: for every zip ZipFile opens, the count up to a limit is the number of entries it
 * builds, also when the end record's sizes or counts lie, with zip64, a comment, or data in
 * front of the zip. (When ZipFile cannot open a zip, the scan reads its local headers, which
 * stops at the limit by itself.)
 */
class ZipDirectoryTest {

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

  private static long count(byte[] zip, long limit) throws IOException {
    return ZipDirectory.count(new SeekableInMemoryByteChannel(zip), limit);
  }

  /** The entries ZipFile builds from {@code zip}, or -1 when it cannot open it. */
  private static int zipFileEntries(byte[] zip) {
    try (ZipFile f = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(zip)).get()) {
      return Collections.list(f.getEntries()).size();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The count agrees with ZipFile for limits below, at and above its entry count. */
  private static void assertCountsAsZipFile(byte[] zip, String what) throws IOException {
    int n = zipFileEntries(zip);
    assertTrue(n >= 0, what + ": ZipFile opens it");
    for (long limit : new long[] {0, n / 2, Math.max(0, n - 1), n, n + 1, 10L * n + 10}) {
      assertEquals(Math.min(n, limit + 1), count(zip, limit), what + ", limit " + limit + ", ZipFile builds " + n);
    }
  }

  private static int eocd(byte[] z) {
    ByteBuffer b = ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = z.length - 22; i >= 0; i--) {
      if (b.getInt(i) == 0x06054b50) {
        return i;
      }
    }
    throw new AssertionError("no end record");
  }

  @Test
  void count_ordinaryZips_asZipFileReadsThem() throws IOException {
    assertEquals(0, count(zip(0, null), 10));
    assertCountsAsZipFile(zip(5, "a comment\nwith lines"), "comment");
    assertCountsAsZipFile(zip(1000, null), "1000 entries");
    // java.util.zip writes a zip64 end record when the entries do not fit 16 bits
    assertCountsAsZipFile(zip(70_000, null), "zip64, 70,000 entries");
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bo)) {
      z.setUseZip64(Zip64Mode.Always);
      for (int i = 0; i < 12; i++) {
        z.putArchiveEntry(new ZipArchiveEntry("e" + i));
        z.write(new byte[] {(byte) i});
        z.closeArchiveEntry();
      }
    }
    assertCountsAsZipFile(bo.toByteArray(), "zip64 records forced on a small archive");
  }

  @Test
  void count_dataInFront_selfExtractingLayout() throws IOException {
    byte[] z = zip(40, "sfx");
    byte[] sfx = new byte[5000 + z.length];
    java.util.Arrays.fill(sfx, 0, 5000, (byte) 0x90);
    System.arraycopy(z, 0, sfx, 5000, z.length);
    assertCountsAsZipFile(sfx, "5000 bytes in front");
  }

  @Test
  void count_endRecordLies_theHeadersZipFileReadsAreCounted() throws IOException {
    byte[] z = zip(3000, null);
    int e = eocd(z);
    byte[] fewer = z.clone();
    ByteBuffer.wrap(fewer).order(ByteOrder.LITTLE_ENDIAN).putShort(e + 8, (short) 3).putShort(e + 10, (short) 3);
    assertCountsAsZipFile(fewer, "a record claiming 3 entries");
    byte[] longer = z.clone();
    ByteBuffer.wrap(longer).order(ByteOrder.LITTLE_ENDIAN).putInt(e + 12, e); // the size: the whole file
    assertCountsAsZipFile(longer, "a directory size reaching back to the file's start");
    // a zip64 record whose directory size is 0, pointing at the real directory
    ByteBuffer b = ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN);
    int cdOffset = b.getInt(e + 16);
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(z, 0, e);
    ByteBuffer tail = ByteBuffer.allocate(56 + 20 + 22).order(ByteOrder.LITTLE_ENDIAN);
    tail.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
        .putLong(3000).putLong(3000).putLong(0).putLong(cdOffset);
    tail.putInt(0x07064b50).putInt(0).putLong(e).putInt(1);
    tail.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) -1).putShort((short) -1)
        .putInt(-1).putInt(-1).putShort((short) 0);
    o.write(tail.array());
    assertCountsAsZipFile(o.toByteArray(), "zip64 record with directory size 0");
  }

  @Test
  void count_commentHoldingAnEndRecord_countsWhatZipFileWouldFollow() throws IOException {
    // "PK\5\6" and 18 more bytes in the comment: ZipFile takes that later record as the end
    // record and finds no directory there; so does the count (the scan then reads the local
    // headers: ArchiveScanTest)
    byte[] z = zip(25, "PK\u0005\u0006" + "\u0000".repeat(18) + "tail");
    assertEquals(0, zipFileEntries(z), "ZipFile follows the record in the comment");
    assertCountsAsZipFile(z, "an end record in the comment");
  }

  @Test
  void count_notAZip_orCutShort_isUnknown() throws IOException {
    assertEquals(-1, count(new byte[100], 10));
    byte[] z = zip(50, null);
    assertEquals(-1, count(java.util.Arrays.copyOf(z, z.length - 30), 10), "end record cut off");
  }

  private static byte[] concat(byte[]... parts) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      bo.write(p);
    }
    return bo.toByteArray();
  }

  /** Where the last end-record signature in {@code b} starts, or -1. */
  private static int lastEnd(byte[] b) {
    for (int i = b.length - 4; i >= 0; i--) {
      if (b[i] == 'P' && b[i + 1] == 'K' && b[i + 2] == 5 && b[i + 3] == 6) {
        return i;
      }
    }
    return -1;
  }

  private static ZipDirectory.Embedded embedded(byte[] file, long at) throws IOException {
    return ZipDirectory.embedded(new SeekableInMemoryByteChannel(file), at);
  }

  @Test
  void embedded_zipBehindALauncherWithOrWithoutACommentOrDataAfterIt_found() throws IOException {
    byte[] launcher = "#!/bin/sh\nunzip \"$0\"; exit 0\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] after = new byte[70_000]; // more than a comment's reach: a signed executable's certificate table, say
    after[0] = 0x30;
    for (String comment : new String[] {null, "x", "installer 1.2", "c".repeat(0xFFFF)}) {
      String what = comment == null ? "no comment" : comment.length() + "-byte comment";
      byte[] z = zip(3, comment);
      int at = launcher.length + lastEnd(z);
      assertEquals(new ZipDirectory.Embedded(launcher.length, launcher.length, launcher.length + z.length, null),
          embedded(concat(launcher, z), at), what);
      assertEquals(new ZipDirectory.Embedded(launcher.length, launcher.length, launcher.length + z.length, null),
          embedded(concat(launcher, z, after), at), what + ", data after it");
      assertEquals(new ZipDirectory.Embedded(0, 0, z.length, null), embedded(z, lastEnd(z)), what + ", no launcher");
    }
  }

  @Test
  void embedded_noZipThere_null() throws IOException {
    byte[] launcher = "#!/bin/sh\nexit 0\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] empty = zip(0, "a comment");
    assertEquals(null, embedded(concat(launcher, empty), launcher.length + lastEnd(empty)), "a zip with no member");
    byte[] cut = zip(3, "a longer comment");
    assertEquals(null, embedded(concat(launcher, java.util.Arrays.copyOf(cut, cut.length - 3)), launcher.length + lastEnd(cut)),
        "its comment cut short");
    assertEquals(null, embedded(new byte[100], 10), "no end record");
    // a directory and end record without the members, as a Java process holds each open jar's
    // (a heap dump is full of them): nothing to read, and no damage either
    byte[] z = zip(5, null);
    int cd = lastEnd(z) - (int) ByteBuffer.wrap(z, lastEnd(z) + 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    byte[] heap = concat(new byte[5000], java.util.Arrays.copyOfRange(z, cd, z.length), new byte[100]);
    assertEquals(null, embedded(heap, 5000 + lastEnd(z) - cd));
  }

  @Test
  void embedded_directoryDamaged_saysWhere() throws IOException {
    byte[] launcher = new byte[1000];
    byte[] z = zip(5, null);
    int end = lastEnd(z);
    int cd = end - (int) ByteBuffer.wrap(z, end + 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    byte[] noHeader = z.clone();
    noHeader[cd] = 'X';
    ZipDirectory.Embedded e = embedded(concat(launcher, noHeader), 1000 + end);
    assertEquals(1000, e.firstMember());
    assertEquals("no directory header at offset " + (1000 + cd) + " where its end record (at offset " + (1000 + end)
        + ") puts one", e.damage());
    byte[] third = z.clone();
    int h = cd;
    for (int i = 0; i < 2; i++) {
      ByteBuffer hb = ByteBuffer.wrap(third).order(ByteOrder.LITTLE_ENDIAN);
      h += 46 + (hb.getShort(h + 28) & 0xFFFF) + (hb.getShort(h + 30) & 0xFFFF) + (hb.getShort(h + 32) & 0xFFFF);
    }
    third[h + 1] = 'X';
    assertEquals("its directory (offset " + (1000 + cd) + ") holds 2 whole headers up to offset " + (1000 + h)
        + ", its end record (at offset " + (1000 + end) + ") says 5 up to offset " + (1000 + end),
        embedded(concat(launcher, third), 1000 + end).damage());
  }
}
