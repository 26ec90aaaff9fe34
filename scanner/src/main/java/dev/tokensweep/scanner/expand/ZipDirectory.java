package dev.tokensweep.scanner.expand;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;

/**
 * Counts the entries of a zip's central directory without building them. commons-compress's
 * {@code ZipFile} reads the whole directory into entry objects (a few hundred bytes of heap
 * each) before the first one can be looked at, so a zip of a few million empty members (tens of
 * MB on disk) exhausts a small heap before {@code --max-entries} applies. The directory's
 * headers are walked here, from the end-of-central-directory record (zip64 too), and counted up
 * to a limit; the record's own count is not trusted, since {@code ZipFile} does not stop at it
 * either.
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
   * The number of central-directory headers in the zip, counted up to {@code limit + 1} (a
   * return above {@code limit} means "more than limit"); -1 when no end-of-central-directory
   * record is found or it points outside the file (the caller then lets {@code ZipFile} report
   * what is wrong).
   */
  public static long count(SeekableByteChannel ch, long limit) throws IOException {
    long size = ch.size();
    if (size < EOCD_MIN) {
      return -1;
    }
    int tailLen = (int) Math.min(size, EOCD_MIN + MAX_COMMENT);
    ByteBuffer tail = read(ch, size - tailLen, tailLen);
    // the record whose comment runs to the end of the file: a comment may itself hold the
    // signature's bytes, and the last occurrence is then not the record
    int eocd = -1;
    for (int i = tailLen - EOCD_MIN; i >= 0; i--) {
      if (tail.getInt(i) == EOCD_SIG && i + EOCD_MIN + (tail.getShort(i + 20) & 0xFFFF) == tailLen) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      return -1;
    }
    long eocdPos = size - tailLen + eocd;
    long cdSize = tail.getInt(eocd + 12) & 0xFFFFFFFFL;
    long cdEnd = eocdPos;
    // zip64: the locator sits right before the record and points to the zip64 record, which
    // holds the real directory size (the 32-bit fields then read 0xFFFFFFFF)
    if (eocdPos >= 20 + 56) {
      ByteBuffer loc = read(ch, eocdPos - 20, 20);
      if (loc.getInt(0) == ZIP64_LOCATOR_SIG) {
        long z64 = loc.getLong(8);
        if (z64 >= 0 && z64 + 56 <= eocdPos - 20) {
          ByteBuffer rec = read(ch, z64, 56);
          if (rec.getInt(0) == ZIP64_EOCD_SIG) {
            cdSize = rec.getLong(40);
            cdEnd = z64; // the zip64 record follows the directory
          }
        }
      }
    }
    // the directory ends where the record begins, whatever offset the record claims (a zip
    // with data in front, a self-extracting one, has every offset shifted)
    long cdStart = cdEnd - cdSize;
    if (cdSize < 0 || cdStart < 0) {
      return -1;
    }
    long count = 0;
    long pos = cdStart;
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    long bufPos = pos;
    buf.limit(0);
    while (count <= limit && pos + 46 <= cdEnd) {
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
