package dev.tokensweep.scanner.expand;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpoolTest {

  @Test
  void channel_randomReads_equalPlainBytes() throws IOException {
    byte[] data = new byte[100_003];
    new Random(1).nextBytes(data);
    try (Spool s = new Spool(1 << 20).fill(new ByteArrayInputStream(data));
         SeekableByteChannel ch = s.channel()) {
      Random rnd = new Random(2);
      for (int i = 0; i < 200; i++) {
        int pos = rnd.nextInt(data.length);
        int len = 1 + rnd.nextInt(5000);
        ByteBuffer b = ByteBuffer.allocate(len);
        ch.position(pos);
        int n = ch.read(b);
        int want = Math.min(len, data.length - pos);
        assertEquals(want, n);
        assertArrayEquals(Arrays.copyOfRange(data, pos, pos + want), Arrays.copyOf(b.array(), n));
      }
      try (InputStream in = s.input()) {
        assertArrayEquals(data, in.readAllBytes());
      }
    }
  }

  @Test
  void file_onDisk_doesNotHoldThePlainBytes() throws IOException {
    byte[] secret = "ghp_SyntheticSpoolMarker1234567890abcdefg".getBytes(StandardCharsets.US_ASCII);
    Path p;
    try (Spool s = new Spool(1 << 20).fill(new ByteArrayInputStream(secret))) {
      p = s.path();
      String onDisk = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
      assertFalse(onDisk.contains("SyntheticSpoolMarker"));
    }
    assertFalse(Files.exists(p), "spool deleted on close");
  }

  @Test
  void fill_pastCap_failsWithTooLarge() throws IOException {
    try (Spool s = new Spool(10)) {
      assertThrows(Spool.TooLargeException.class, () -> s.fill(new ByteArrayInputStream(new byte[11])));
    }
  }
}
