package dev.tokensweep.scanner.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.model.ScanStats;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Progress counts bytes as they are read. It used to count a file only when its scan ended, so a
 * 4 GB input showed "0 B" for as long as its first file took.
 */
class ProgressBytesTest {

  @TempDir
  Path tmp;

  @Test
  void bytesSoFar_growWhileTheFirstFileIsStillBeingRead() throws Exception {
    Path big = tmp.resolve("big.log");
    byte[] line = "2026-11-02T10:11:12Z INFO nothing to see here, just a long log line\n".getBytes();
    try (var out = Files.newOutputStream(big)) {
      for (int i = 0; i < 64 * 1024; i++) {
        out.write(line);
      }
    }
    long size = Files.size(big);
    CountDownLatch halfway = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    // the file stops after 2 MiB until the test has looked at the counters
    Scanner.Opener opener = file -> new FilterInputStream(Files.newInputStream(file)) {
      long read;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (read >= (2 << 20) && halfway.getCount() > 0) {
          halfway.countDown();
          try {
            resume.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        int n = in.read(b, off, (int) Math.min(len, 64 * 1024));
        read += Math.max(0, n);
        return n;
      }
    };
    Scanner scanner = new Scanner(Detector.of(Rules.builtin()), Fingerprinter.withDefaultKey(),
        Scanner.Options.defaults().withThreads(1), opener);
    AtomicReference<ScanStats> stats = new AtomicReference<>();
    ScanListener listener = new ScanListener() {
      @Override
      public void started(ScanStats s) {
        stats.set(s);
      }
    };
    ExecutorService ex = Executors.newSingleThreadExecutor();
    try {
      Future<ScanResult> result = ex.submit(() -> scanner.scan(List.of(big.toString()), null, listener));
      assertTrue(halfway.await(60, TimeUnit.SECONDS), "the scan never got 2 MiB into the file");
      ScanStats s = stats.get();
      assertEquals(0, s.bytes(), "the file has not ended yet");
      assertTrue(s.bytesSoFar() >= (2 << 20), "progress shows " + s.bytesSoFar() + " bytes after 2 MiB were read");
      assertEquals(big.toString(), s.current());
      resume.countDown();
      ScanResult r = result.get(60, TimeUnit.SECONDS);
      assertEquals(size, r.bytes());
      assertEquals(size, s.bytesSoFar(), "once the file ends, its bytes are counted once");
    } finally {
      resume.countDown();
      ex.shutdownNow();
    }
  }
}
