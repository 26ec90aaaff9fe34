package dev.tokensweep.scanner.expand;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;

/**
 * Counts the entries of a zip's central directory without building them. commons-compress's
 * {@code ZipFile} reads the whole directory into entry objects (a few hundred bytes of heap
 * each) before the first one can be looked at, so a zip of a few million empty members (tens of
 * MB on disk) exhausts a small heap before {@code --max-entries} applies. This finds the
 * directory exactly where {@code ZipFile} (1.28) looks for it and walks its headers as far as it
 * would (while they carry the header signature), counting up to a limit: what is counted is
 * what {@code ZipFile} would build, whatever the end record's sizes and counts claim.
 */
public final class ZipDirectory {
  private static final int EOCD_SIG = 0x06054b50;
  private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
  private static final int ZIP64_EOCD_SIG = 0x06064b50;
  private static final int CFH_SIG = 0x02014b50;
  private static final int EOCD_MIN = 22;
  private static final int MAX_COMMENT = 0xFFFF;
  /** Bytes of the central directory read at a time while counting its headers: few reads for a large directory. */
  private static final int READ_BUFFER = 1 << 16;

  private ZipDirectory() {}

  /**
   * The number of central-directory headers {@code ZipFile} would read, counted up to
   * {@code limit + 1} (a return above {@code limit} means "more than limit"); -1 when it would
   * find no end record or fail to position at the directory (the caller then lets
   * {@code ZipFile} report what is wrong).
   */
  public static long count(SeekableByteChannel ch, long limit) throws IOException {
    // the end record: the last signature within a comment's reach of the end, as ZipFile takes
    // it; then the directory's offset, or where its size says it begins if that is later (data
    // in front of the zip shifts every offset), or the zip64 record's offset
    long start = directoryStart(ch);
    if (start < 0) {
      return -1;
    }
    return headers(ch, start, limit).count();
  }

  /** A run of central-directory headers: how many, and where the last one ends. */
  private record Headers(long count, long end) {}

  /**
   * The central-directory headers that follow one another from {@code start}, counted up to
   * {@code limit + 1}.
   */
  private static Headers headers(SeekableByteChannel ch, long start, long limit) throws IOException {
    long size = ch.size();
    long count = 0;
    long pos = start;
    ByteBuffer buf = ByteBuffer.allocate(READ_BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    long bufPos = pos;
    buf.limit(0);
    while (count <= limit && pos + 46 <= size) {
      if (pos + 46 > bufPos + buf.limit()) {
        buf.clear();
        ch.position(pos);
        bufPos = pos;
        while (buf.hasRemaining() && ch.read(buf) > 0) {
          // fill
        }
        buf.flip();
        if (buf.limit() < 46) {
          break;
        }
      }
      int at = (int) (pos - bufPos);
      if (buf.getInt(at) != CFH_SIG) {
        break;
      }
      int nameLen = buf.getShort(at + 28) & 0xFFFF;
      int extraLen = buf.getShort(at + 30) & 0xFFFF;
      int commentLen = buf.getShort(at + 32) & 0xFFFF;
      pos += 46L + nameLen + extraLen + commentLen;
      count++;
    }
    return new Headers(count, pos);
  }

  /**
   * Whether the zip begins with a local file header, as any zip with members does (unless data
   * is in front of it): with a count of 0, its directory hides members that are there.
   */
  public static boolean startsWithLocalHeader(SeekableByteChannel ch) throws IOException {
    return ch.size() >= 4 && read(ch, 0, 4).getInt(0) == 0x04034b50;
  }

  private static final int LFH_SIG = 0x04034b50;
  private static final int DESCRIPTOR_SIG = 0x08074b50;
  /** Unlisted bytes fewer than this between members are not reported: no local header fits in them. */
  static final int MIN_REPORTED_GAP = 30;

  /**
   * What the central directory and the local headers say about where members are.
   *
   * @param overlapping members whose bytes begin inside an earlier member's (an overlapping zip
   *     bomb decodes one kernel through thousands of directory entries); read them once, as the
   *     member they overlap
   * @param disagreement the first place where directory and local headers disagree (a member the
   *     directory leaves out, a size that differs, bytes no member covers), with its offset; null
   *     when they agree
   */
  public record Layout(java.util.Set<org.apache.commons.compress.archivers.zip.ZipArchiveEntry> overlapping,
      String disagreement) {}

  /**
   * Compares the directory's {@code entries} with the local headers they point at and the bytes
   * between them, up to where the directory starts.
   */
  public static Layout layout(SeekableByteChannel ch,
      java.util.List<org.apache.commons.compress.archivers.zip.ZipArchiveEntry> entries) throws IOException {
    java.util.List<org.apache.commons.compress.archivers.zip.ZipArchiveEntry> byOffset = new java.util.ArrayList<>(entries);
    byOffset.sort(java.util.Comparator.comparingLong(
        org.apache.commons.compress.archivers.zip.ZipArchiveEntry::getLocalHeaderOffset));
    java.util.Set<org.apache.commons.compress.archivers.zip.ZipArchiveEntry> overlapping =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    String disagreement = null;
    long size = ch.size();
    long end = -1; // where the members read so far end
    for (org.apache.commons.compress.archivers.zip.ZipArchiveEntry e : byOffset) {
      long at = e.getLocalHeaderOffset();
      if (end >= 0 && at < end) {
        overlapping.add(e);
        continue;
      }
      if (end >= 0 && disagreement == null) {
        disagreement = gap(ch, end, at);
      }
      if (at < 0 || at + 30 > size) {
        disagreement = disagreement != null ? disagreement : "member at offset " + at + " lies outside the file";
        continue;
      }
      ByteBuffer h = read(ch, at, 30);
      if (h.getInt(0) != LFH_SIG) {
        disagreement = disagreement != null ? disagreement : "no local header at offset " + at + " where the directory puts a member";
        continue;
      }
      int flags = h.getShort(6) & 0xFFFF;
      long localSize = h.getInt(18) & 0xFFFFFFFFL;
      long data = at + 30 + (h.getShort(26) & 0xFFFF) + (h.getShort(28) & 0xFFFF);
      long csize = e.getCompressedSize();
      boolean descriptor = (flags & 8) != 0;
      if (!descriptor && localSize != 0xFFFFFFFFL && csize >= 0 && localSize != csize && disagreement == null) {
        disagreement = "member at offset " + at + ": local header says " + localSize + " stored bytes, the directory "
            + csize;
      }
      end = data + Math.max(0, csize);
      if (descriptor && end + 4 <= size) {
        boolean signed = read(ch, end, 4).getInt(0) == DESCRIPTOR_SIG;
        boolean zip64 = csize >= 0xFFFFFFFFL || e.getSize() >= 0xFFFFFFFFL;
        end += (signed ? 4 : 0) + (zip64 ? 20 : 12);
      }
    }
    long cd = directoryStart(ch);
    if (disagreement == null && end >= 0 && cd > end) {
      disagreement = gap(ch, end, cd);
    }
    if (disagreement == null && byOffset.isEmpty() && cd > 0 && startsWithLocalHeader(ch)) {
      disagreement = "the directory lists no member but a local header is at offset 0";
    }
    return new Layout(overlapping, disagreement);
  }

  /** What lies in {@code [from, to)} between two members, or null when it can hide nothing. */
  private static String gap(SeekableByteChannel ch, long from, long to) throws IOException {
    if (to - from < 4) {
      return null;
    }
    if (read(ch, from, 4).getInt(0) == LFH_SIG) {
      return "a member at offset " + from + " is not in the central directory";
    }
    return to - from >= MIN_REPORTED_GAP ? (to - from) + " bytes at offset " + from + " belong to no listed member" : null;
  }

  /**
   * Where the end record {@code ZipFile} takes ends: its comment, then data after the zip's end,
   * lie in the file's last bytes.
   *
   * @param comment where the zip's comment starts; it ends at {@code end}, or at the file's end
   *     when the file is shorter than the record says
   * @param end where the record with its comment ends; bytes from here to the file's end are no
   *     part of the zip
   */
  public record End(long comment, long end) {}

  /** The end record's bounds ({@link End}), or null when {@code ZipFile} would find none. */
  static End end(SeekableByteChannel ch) throws IOException {
    long eocdPos = endRecord(ch);
    if (eocdPos < 0) {
      return null;
    }
    int commentLen = read(ch, eocdPos + 20, 2).getShort(0) & 0xFFFF;
    return new End(eocdPos + EOCD_MIN, eocdPos + EOCD_MIN + commentLen);
  }

  /**
   * A zip found by an end record inside other bytes ({@link #embedded}).
   *
   * @param start where the zip's offsets count from: its first byte, or the file's when the
   *     offsets were made to count from there (a self-extractor made with {@code zip -A})
   * @param firstMember where its first local header is
   * @param end where its end record, with its comment, ends
   * @param damage null when its directory is whole (every header the end record counts, one after
   *     another up to it); else what is wrong with it, and the members are to be read from their
   *     local headers, from {@code firstMember}
   */
  public record Embedded(long start, long firstMember, long end, String damage) {}

  /**
   * The zip whose end record starts at {@code at}, or null when there is none to read there. A
   * plausible record (one disk, as many entries on it as in all, at least one, a directory of
   * at least 46 bytes each that fits before the record, with the zip's start and the comment
   * inside the file; a zip64 record just before its locator when the record says so) makes a zip
   * when a local header is where its directory's first header puts it, or, the directory damaged,
   * where the zip starts. With neither, the record and directory are a copy without the members,
   * left alone: a Java process holds each open jar's directory and end record in its heap, and a
   * heap dump holds them all. Reads the record, the directory's first header, a local header or two, and
   * the directory only when those are there: a few small reads for a record that makes no zip.
   */
  public static Embedded embedded(SeekableByteChannel ch, long at) throws IOException {
    long size = ch.size();
    if (at < 0 || at + EOCD_MIN > size) {
      return null;
    }
    ByteBuffer r = read(ch, at, EOCD_MIN);
    if (r.getInt(0) != EOCD_SIG) {
      return null;
    }
    long disk = r.getShort(4) & 0xFFFF;
    long directoryDisk = r.getShort(6) & 0xFFFF;
    long onDisk = r.getShort(8) & 0xFFFF;
    long entries = r.getShort(10) & 0xFFFF;
    long cdSize = r.getInt(12) & 0xFFFFFFFFL;
    long cdOffset = r.getInt(16) & 0xFFFFFFFFL;
    long end = at + EOCD_MIN + (r.getShort(20) & 0xFFFF);
    long cdEnd = at;
    if ((entries == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) && at >= 20 + 56
        && read(ch, at - 20, 4).getInt(0) == ZIP64_LOCATOR_SIG && read(ch, at - 76, 4).getInt(0) == ZIP64_EOCD_SIG) {
      ByteBuffer z = read(ch, at - 76, 56);
      disk = z.getInt(16) & 0xFFFFFFFFL;
      directoryDisk = z.getInt(20) & 0xFFFFFFFFL;
      onDisk = z.getLong(24);
      entries = z.getLong(32);
      cdSize = z.getLong(40);
      cdOffset = z.getLong(48);
      cdEnd = at - 76;
    }
    if (end > size || disk != 0 || directoryDisk != 0 || onDisk != entries || entries < 1
        || cdSize < 0 || cdSize > cdEnd || entries > cdSize / 46 || cdOffset < 0 || cdOffset > cdEnd - cdSize) {
      return null;
    }
    long cdStart = cdEnd - cdSize;
    long start = cdStart - cdOffset;
    ByteBuffer first = read(ch, cdStart, 46);
    long firstLocal = first.getInt(0) == CFH_SIG ? start + (first.getInt(42) & 0xFFFFFFFFL) : -1;
    if (firstLocal < 0 || firstLocal + 30 > cdStart || read(ch, firstLocal, 4).getInt(0) != LFH_SIG) {
      // no member where the directory says: a damaged directory when one starts the zip
      return read(ch, start, 4).getInt(0) == LFH_SIG ? new Embedded(start, start, end, first.getInt(0) != CFH_SIG
          ? "no directory header at offset " + cdStart + " where its end record (at offset " + at + ") puts one"
          : "no local header at offset " + firstLocal + " where its directory's first header puts one") : null;
    }
    Headers h = headers(ch, cdStart, entries);
    if (h.end() != cdEnd || h.count() != entries) {
      return new Embedded(start, firstLocal, end, "its directory (offset " + cdStart + ") holds " + h.count()
          + " whole headers up to offset " + h.end() + ", its end record (at offset " + at + ") says " + entries
          + " up to offset " + cdEnd);
    }
    return new Embedded(start, firstLocal, end, null);
  }

  /**
   * Where the end record {@code ZipFile} takes starts: the last signature within a comment's reach
   * of the end; -1 when none.
   */
  private static long endRecord(SeekableByteChannel ch) throws IOException {
    long size = ch.size();
    if (size < EOCD_MIN) {
      return -1;
    }
    int tailLen = (int) Math.min(size, EOCD_MIN + MAX_COMMENT);
    ByteBuffer tail = read(ch, size - tailLen, tailLen);
    for (int i = tailLen - EOCD_MIN; i >= 0; i--) {
      if (tail.getInt(i) == EOCD_SIG) {
        return size - tailLen + i;
      }
    }
    return -1;
  }

  /** Where {@code ZipFile} reads the directory from, or -1 when it finds none (see {@link #count}). */
  static long directoryStart(SeekableByteChannel ch) throws IOException {
    long size = ch.size();
    if (size < EOCD_MIN) {
      return -1;
    }
    int tailLen = (int) Math.min(size, EOCD_MIN + MAX_COMMENT);
    ByteBuffer tail = read(ch, size - tailLen, tailLen);
    int eocd = -1;
    for (int i = tailLen - EOCD_MIN; i >= 0; i--) {
      if (tail.getInt(i) == EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      return -1;
    }
    long eocdPos = size - tailLen + eocd;
    ByteBuffer loc = eocdPos > 20 ? read(ch, eocdPos - 20, 20) : null;
    long start;
    if (loc != null && loc.getInt(0) == ZIP64_LOCATOR_SIG) {
      long z64 = loc.getLong(8);
      if (z64 < 0 || z64 > size - 56) {
        return -1;
      }
      ByteBuffer rec = read(ch, z64, 56);
      if (rec.getInt(0) != ZIP64_EOCD_SIG) {
        return -1;
      }
      start = rec.getLong(48);
    } else {
      long cdSize = tail.getInt(eocd + 12) & 0xFFFFFFFFL;
      long cdOffset = tail.getInt(eocd + 16) & 0xFFFFFFFFL;
      start = Math.max(eocdPos - cdSize, cdOffset);
    }
    return start < 0 || start > size ? -1 : start;
  }

  private static ByteBuffer read(SeekableByteChannel ch, long at, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    ch.position(at);
    while (b.hasRemaining() && ch.read(b) > 0) {
      // fill
    }
    b.flip();
    if (b.limit() < n) {
      throw new IOException("zip shorter than its directory says");
    }
    return b;
  }
}
