package dev.tokensweep.scanner.expand;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The read-ahead stream gives the reader its source's bytes, then its source's failure, and stops cleanly when closed early. */
class ReadAheadTest {
  private final ExecutorService pool = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** Returns {@code data} in random-sized reads, then fails with "damaged" if {@code fail}; counts reads after close. */
  private static final class Source extends InputStream {
    final byte[] data;
    final boolean fail;
    final Random rnd;
    int pos;
    final AtomicBoolean closed = new AtomicBoolean();
    final AtomicInteger readsAfterClose = new AtomicInteger();

    Source(byte[] data, boolean fail, long seed) {
      this.data = data;
      this.fail = fail;
      this.rnd = new Random(seed);
    }

    @Override
    public int read() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (closed.get()) {
        readsAfterClose.incrementAndGet();
      }
      if (pos == data.length) {
        if (fail) {
          throw new java.util.zip.ZipException("damaged");
        }
        return -1;
      }
      int n = Math.min(data.length - pos, 1 + rnd.nextInt(Math.min(len, 20_000)));
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  private static byte[] readAll(InputStream in, Random rnd) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[70_000];
    for (int n; (n = in.read(buf, 0, 1 + rnd.nextInt(buf.length))) >= 0; ) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  @Test
  void wholeSource_sameBytesThenEnd() throws IOException {
    Random rnd = new Random(71);
    for (int size : new int[] {0, 1, ReadAhead.CHUNK - 1, ReadAhead.CHUNK, 3 * ReadAhead.CHUNK + 12345}) {
      byte[] data = new byte[size];
      rnd.nextBytes(data);
      Source src = new Source(data, false, size);
      try (ReadAhead in = new ReadAhead(src, pool)) {
        assertArrayEquals(data, readAll(in, rnd), "size " + size);
        assertEquals(-1, in.read());
      }
      assertTrue(src.closed.get(), "the source is closed with the stream");
    }
  }

  @Test
  void failingSource_everyByteBeforeTheFailureThenTheSameException() throws IOException {
    Random rnd = new Random(72);
    byte[] data = new byte[2 * ReadAhead.CHUNK + 777];
    rnd.nextBytes(data);
    try (ReadAhead in = new ReadAhead(new Source(data, true, 3), pool)) {
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      IOException e = assertThrows(IOException.class, () -> {
        for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) {
          got.write(buf, 0, n);
        }
      });
      assertEquals("damaged", e.getMessage());
      assertTrue(e instanceof java.util.zip.ZipException, e.getClass().getName());
      assertArrayEquals(data, got.toByteArray());
      assertEquals(-1, in.read(), "after the failure the stream has ended");
    }
  }

  @Test
  void closedEarly_fillingStopsBeforeTheSourceIsClosed() throws IOException {
    byte[] data = new byte[20 * ReadAhead.CHUNK];
    Source src = new Source(data, false, 4);
    ReadAhead in = new ReadAhead(src, pool);
    byte[] first = new byte[1000];
    assertEquals(1000, in.readNBytes(first, 0, 1000));
    in.close();
    assertTrue(src.closed.get());
    assertEquals(0, src.readsAfterClose.get(), "no read of the source once it was closed");
    assertTrue(src.pos < data.length, "stopped reading ahead: " + src.pos + " of " + data.length);
    assertTrue(Arrays.equals(new byte[1000], first));
  }
}
