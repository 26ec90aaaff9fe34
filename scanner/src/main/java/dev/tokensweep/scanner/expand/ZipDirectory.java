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

  private ZipDirectory() {}

  /**
   * The number of central-directory headers {@code ZipFile} would read, counted up to
   * {@code limit + 1} (a return above {@code limit} means "more than limit"); -1 when it would
   * find no end record or fail to position at the directory (the caller then lets
   * {@code ZipFile} report what is wrong).
   */
  public static long count(SeekableByteChannel ch, long limit) throws IOException {
    long size = ch.size();
    if (size < EOCD_MIN) {
      return -1;
    }
    // the end record: the last signature within a comment's reach of the end, as ZipFile takes it
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
    long start;
    ByteBuffer loc = eocdPos > 20 ? read(ch, eocdPos - 20, 20) : null;
    if (loc != null && loc.getInt(0) == ZIP64_LOCATOR_SIG) {
      // zip64: the locator points at the zip64 record, which holds the directory's offset
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
      // the directory's offset, or where its size says it begins if that is later (data in
      // front of the zip shifts every offset)
      long cdSize = tail.getInt(eocd + 12) & 0xFFFFFFFFL;
      long cdOffset = tail.getInt(eocd + 16) & 0xFFFFFFFFL;
      start = Math.max(eocdPos - cdSize, cdOffset);
    }
    if (start < 0 || start > size) {
      return -1;
    }
    long count = 0;
    long pos = start;
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
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
