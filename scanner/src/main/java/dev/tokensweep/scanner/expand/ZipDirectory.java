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
    long size = ch.size();
    // the end record: the last signature within a comment's reach of the end, as ZipFile takes
    // it; then the directory's offset, or where its size says it begins if that is later (data
    // in front of the zip shifts every offset), or the zip64 record's offset
    long start = directoryStart(ch);
    if (start < 0) {
      return -1;
    }
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
    return count;
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
   * Whether the file ends in a zip: its end record, with the comment that record declares, takes
   * the file's last bytes, and its directory lists at least one member. So a zip behind a launcher
   * (a self-extracting archive: a script or an executable, then the zip) is found, with or
   * without a comment. The record is where zip readers look for it ({@link #end}): within a
   * comment's reach of the end (65,535 + 22 bytes); a zip without a comment costs one 22-byte
   * read, a file with no zip one read of that reach, a zip one more of the directory's first header.
   */
  public static boolean endsInZip(SeekableByteChannel ch) throws IOException {
    long size = ch.size();
    if (size < EOCD_MIN + 46) {
      return false;
    }
    ByteBuffer last = read(ch, size - EOCD_MIN, EOCD_MIN);
    boolean ends;
    if (last.getInt(0) == EOCD_SIG && last.getShort(20) == 0) {
      ends = true;
    } else {
      End end = end(ch);
      ends = end != null && end.end() == size;
    }
    return ends && count(ch, 1) > 0;
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
