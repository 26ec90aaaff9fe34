package dev.tokensweep.scanner.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.scanner.model.Problem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A scan thread reads one large leaf after another into the same chunk buffer (TextReader's
 * spare): every leaf must still reach its sink exactly as it is, its context bytes included, with
 * nothing of the leaf read before it, and a leaf read from inside another's segment must not take
 * the buffer the outer read is still using.
 */
class ChunkBufferReuseTest {
  private static final int CHUNK = 100_000; // above TextReader.FIRST_BUFFER, so that a leaf grows into the full buffer
  private static final int OVERLAP = 100;

  /** Rebuilds a leaf from its owned ranges and checks each segment's context against the leaf. */
  private static final class Rebuild implements SegmentSink {
    final byte[] leaf;
    final ByteArrayOutputStream owned = new ByteArrayOutputStream();
    int segments;
    Runnable inside;
    boolean contextOk = true;

    Rebuild(byte[] leaf) {
      this.leaf = leaf;
    }

    @Override
    public void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
      long at = locator.locate(ownFrom).offset(); // the leaf offset of buf[ownFrom]
      for (int i = from; i < to; i++) {
        long o = at + (i - ownFrom);
        if (o < 0 || o >= leaf.length || leaf[(int) o] != buf[i]) {
          contextOk = false;
          break;
        }
      }
      owned.write(buf, ownFrom, ownTo - ownFrom);
      segments++;
      if (inside != null && segments == 2) {
        inside.run();
      }
    }

    @Override
    public int overlap() {
      return OVERLAP;
    }

    @Override
    public void problem(Problem problem) {
      throw new AssertionError("no problem expected: " + problem);
    }
  }

  private static byte[] leaf(long seed, int size) {
    Random r = new Random(seed);
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (r.nextInt(10) == 0 ? '\n' : 'a' + r.nextInt(26));
    }
    return b;
  }

  private static Rebuild read(byte[] leaf, Runnable inside) throws IOException {
    Rebuild sink = new Rebuild(leaf);
    sink.inside = inside;
    new TextReader(CHUNK).read(new ByteArrayInputStream(leaf), "leaf", sink);
    return sink;
  }

  private static void assertWhole(Rebuild sink, String what) {
    assertTrue(sink.segments > 1, what + ": read in several chunks");
    assertTrue(sink.contextOk, what + ": every segment's bytes are the leaf's at their offsets");
    assertArrayEquals(sink.leaf, sink.owned.toByteArray(), what + ": the owned ranges make up the leaf");
  }

  @Test
  void leavesReadOneAfterAnother_eachWholeWithNothingOfTheOneBefore() throws IOException {
    // the second and third leaves are shorter than the first: stale bytes past their ends would show
    byte[] a = leaf(1, 500_000);
    byte[] b = leaf(2, 150_000);
    byte[] c = leaf(3, 200_001);
    assertWhole(read(a, null), "first leaf");
    assertWhole(read(b, null), "second leaf");
    assertWhole(read(c, null), "third leaf");
  }

  @Test
  void leafReadInsideAnothersSegment_neitherDisturbsTheOther() throws IOException {
    byte[] outer = leaf(4, 400_000);
    byte[] inner = leaf(5, 300_000);
    read(leaf(6, 300_000), null); // leaves the thread's spare buffer behind
    Rebuild[] in = new Rebuild[1];
    Rebuild out = read(outer, () -> {
      try {
        in[0] = read(inner, null);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    });
    assertWhole(in[0], "inner leaf");
    assertWhole(out, "outer leaf, read on after the inner one");
  }
}
