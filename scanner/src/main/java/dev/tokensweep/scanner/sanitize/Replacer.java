package dev.tokensweep.scanner.sanitize;

import dev.tokensweep.detectors.engine.Prefilter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rewrites a stream, replacing every occurrence of a set of byte strings with their
 * replacements; all other bytes pass through unchanged. Streams in chunks with an overlap of the
 * longest pattern, so memory is bounded whatever the input. Where occurrences overlap, the
 * leftmost wins, then the longest.
 */
final class Replacer {

  /** One byte string to find and what to write instead. */
  record Form(byte[] find, byte[] replace) {}

  private final List<Form> forms;
  private final Prefilter prefilter;
  private final int longest;
  private final int chunk;

  Replacer(List<Form> forms, int chunkBytes) {
    this.forms = List.copyOf(forms);
    List<String> keys = new ArrayList<>();
    int max = 1;
    for (Form f : forms) {
      keys.add(new String(f.find(), java.nio.charset.StandardCharsets.ISO_8859_1));
      max = Math.max(max, f.find().length);
    }
    this.prefilter = forms.isEmpty() ? null : new Prefilter(keys);
    this.longest = max;
    this.chunk = Math.max(chunkBytes, 4 * max);
  }

  /** Copies {@code in} to {@code out} with replacements; returns how many occurrences were replaced. */
  long copy(InputStream in, OutputStream out) throws IOException {
    if (prefilter == null) {
      in.transferTo(out);
      return 0;
    }
    byte[] buf = new byte[chunk + longest];
    int len = 0;
    long replaced = 0;
    boolean eof = false;
    while (!eof || len > 0) {
      while (!eof && len < buf.length) {
        int r = in.read(buf, len, buf.length - len);
        if (r < 0) {
          eof = true;
        } else {
          len += r;
        }
      }
      // occurrences that start before `safe` are complete in the buffer
      int safe = eof ? len : len - (longest - 1);
      List<int[]> hits = new ArrayList<>();
      final byte[] b = buf;
      final int n = len;
      prefilter.scan(buf, 0, len, (k, start) -> {
        byte[] f = forms.get(k).find();
        if (start + f.length <= n && Arrays.equals(b, start, start + f.length, f, 0, f.length)) {
          hits.add(new int[] {start, k});
        }
      });
      hits.sort((x, y) -> x[0] != y[0] ? Integer.compare(x[0], y[0])
          : Integer.compare(forms.get(y[1]).find().length, forms.get(x[1]).find().length));
      int written = 0;
      for (int[] h : hits) {
        int start = h[0];
        if (start < written || start >= safe) {
          continue;
        }
        Form f = forms.get(h[1]);
        out.write(buf, written, start - written);
        out.write(f.replace());
        written = start + f.find().length;
        replaced++;
      }
      int upTo = Math.max(written, safe);
      out.write(buf, written, upTo - written);
      System.arraycopy(buf, upTo, buf, 0, len - upTo);
      len -= upTo;
      if (eof && len == 0) {
        break;
      }
    }
    return replaced;
  }
}
