package dev.tokensweep.scanner.read;

import dev.tokensweep.scanner.model.Problem;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * systemd's journal export format ({@code journalctl -o export}, {@code systemd-journal-remote}):
 * entries separated by an empty line, each field either {@code NAME=value} on one line or, when the
 * value holds a newline or other bytes, {@code NAME}, a newline, the value's length as 64-bit
 * little-endian, the value and a newline. Every field is handed to the detector alone, as
 * {@code NAME=value} with its value decoded, so a match never spans two fields and key-aware rules
 * see the field name; systemd-coredump's {@code COREDUMP_ENVIRON} (the crashed process's
 * environment, one {@code KEY=value} per line) is read like any other field. Findings name the
 * entry (1-based) and its {@code __REALTIME_TIMESTAMP} in seconds; offsets are those in the export
 * stream. A field longer than the chunk is scanned in chunks, so memory stays bounded.
 */
final class JournalExportReader implements Reader {
  static final String FORMAT = "journal-export";
  /** A field name is read up to this many bytes before its '=' or newline: journald's names are at most 64; more is data. */
  private static final int MAX_NAME = 512;
  /** Read buffer over the export stream: its lines are parsed a byte at a time, so reads must be few and large. */
  private static final int READ_BUFFER = 1 << 16;

  private final int chunk;

  JournalExportReader(int chunkBytes) {
    this.chunk = chunkBytes;
  }

  @Override
  public String format() {
    return FORMAT;
  }

  /** Whether a leaf starting with {@code head[0, n)} is a journal export: it starts with its cursor field. */
  static boolean looksLike(byte[] head, int n) {
    return HistoryReader.startsWith(head, 0, n, "__CURSOR=");
  }

  @Override
  public void read(InputStream raw, String path, SegmentSink sink) throws IOException {
    InputStream in = new BufferedInputStream(raw, READ_BUFFER);
    EntryBuffer eb = new EntryBuffer(sink, path, FORMAT, chunk);
    byte[] name = new byte[MAX_NAME];
    long offset = 0; // of the next byte read
    long line = 1;
    long entry = 1;
    Long ts = null;
    boolean inEntry = false;
    while (true) {
      // the field name, up to '=' (text field) or '\n' (binary field, or the end of an entry)
      long fieldStart = offset;
      long fieldLine = line;
      int n = 0;
      int c;
      while ((c = in.read()) >= 0 && c != '=' && c != '\n' && n < MAX_NAME) {
        name[n++] = (byte) c;
      }
      if (c < 0) {
        break;
      }
      offset += n + 1;
      if (c == '\n' && n == 0) {
        line++;
        if (inEntry) {
          entry++;
          ts = null;
          inEntry = false;
        }
        continue;
      }
      inEntry = true;
      eb.begin(entry, ts);
      eb.line(fieldLine, fieldStart);
      for (int i = 0; i < n; i++) {
        eb.put(name[i], fieldStart + i);
      }
      if (c == '=' || n == MAX_NAME) {
        // text field: the value runs to the end of the line (a name too long to be one is text too)
        eb.put((byte) c, fieldStart + n);
        boolean realtime = n == 20 && new String(name, 0, n, java.nio.charset.StandardCharsets.US_ASCII)
            .equals("__REALTIME_TIMESTAMP");
        long value = 0;
        while ((c = in.read()) >= 0 && c != '\n') {
          eb.put((byte) c, offset++);
          value = realtime && c >= '0' && c <= '9' && value < Long.MAX_VALUE / 10 ? value * 10 + (c - '0') : value;
        }
        offset++;
        line++;
        if (realtime) {
          ts = value / 1_000_000;
          eb.timestamp(ts);
        }
        eb.end();
        if (c < 0) {
          break;
        }
        continue;
      }
      // binary field: NAME '\n' <u64 le length> <data> '\n'
      line++;
      eb.put((byte) '=', fieldStart + n);
      long len = 0;
      for (int i = 0; i < 8; i++) {
        int b = in.read();
        if (b < 0) {
          eb.end();
          return;
        }
        len |= (long) b << (8 * i);
      }
      offset += 8;
      for (long i = 0; i < len || len < 0; i++) {
        int b = in.read();
        if (b < 0) {
          eb.end();
          return;
        }
        eb.put((byte) b, offset);
        offset++;
        if (b == '\n') {
          line++;
          eb.line(line, offset);
        }
      }
      eb.end();
      if (in.read() == '\n') { // the newline that ends the field
        offset++;
        line++;
      } else {
        // not the export format any more: say so rather than misread the rest
        sink.problem(new dev.tokensweep.scanner.model.Problem(path, Problem.Type.CORRUPT, "journal export: binary field ending at offset "
            + offset + " is not followed by a newline; the rest was not read"));
        return;
      }
    }
    eb.end();
  }
}
