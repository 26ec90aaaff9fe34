package dev.tokensweep.scanner.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.EOFException;
import org.junit.jupiter.api.Test;

/** Offsets come from hostile files (a LevelDB block handle, a journal's object offset): a read past the end is an EOF, whatever the number. */
class RandomAccessTest {

  @Test
  void readFully_offsetNear2To63_isAnEndOfFileNotAnInternalError() throws Exception {
    // found by the LevelDB fuzz target (seed 4, run 37,283): a block handle's varint gave an offset
    // whose sum with the length wrapped below the file's size, passed the bound, and a long cut to
    // int set a buffer limit past its capacity (IllegalArgumentException: exit 4 for the scan)
    byte[] file = new byte[1206];
    for (int i = 0; i < file.length; i++) {
      file[i] = (byte) i;
    }
    try (RandomAccess ra = RandomAccess.of(file)) {
      byte[] out = new byte[100];
      assertThrows(EOFException.class, () -> ra.readFully(9223372036854710272L, out, 0, out.length));
      assertThrows(EOFException.class, () -> ra.readFully(Long.MAX_VALUE, out, 0, 1));
      assertThrows(EOFException.class, () -> ra.readFully(1107, out, 0, 100));
      ra.readFully(1106, out, 0, 100);
      byte[] want = new byte[100];
      System.arraycopy(file, 1106, want, 0, 100);
      assertArrayEquals(want, out, "the last 100 bytes read as they are");
    }
  }
}
