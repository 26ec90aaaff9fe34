package dev.tokensweep.corpus.gen;

import dev.tokensweep.corpus.SourceType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Benchmark inputs made in process by the same generator classes as {@code generate}, from a
 * fixed seed, so the JMH benchmarks and the whole-process script scan the same kind of bytes.
 */
public final class BenchInputs {
  private BenchInputs() {}

  /** Bulk application log (plain or JSON lines) of about {@code bytes}, one secret per {@code tokenEvery} bytes (0: none). */
  public static byte[] logs(long seed, int bytes, boolean json, long tokenEvery) {
    try {
      Path tmp = Files.createTempFile("tokensweep-bench", json ? ".jsonl" : ".log");
      try {
        NoiseWriter.write(tmp, bytes, seed, json, tokenEvery, SourceType.LOG);
        return Files.readAllBytes(tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Gateway request log of about {@code bytes}, as {@code generate --profile logs --requests}
   * writes it (token, auth, session, refresh and scope on most lines), one leaking line per
   * {@code tokenEvery} bytes (0: none), drawn from {@code tokenPool} fixed ones when that is
   * above 0 (a gateway log that carries the same tokens again and again), else fresh each time.
   */
  public static byte[] requests(long seed, int bytes, long tokenEvery, int tokenPool) {
    try {
      Path tmp = Files.createTempFile("tokensweep-bench", ".log");
      try {
        NoiseWriter.write(tmp, bytes, seed, false, tokenEvery, SourceType.LOG, true, tokenPool);
        return Files.readAllBytes(tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Binary dumps (minidump, ELF core, hprof), concatenated until about {@code bytes}. */
  public static byte[] dumps(long seed, int bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes + (1 << 20));
    for (int i = 0; out.size() < bytes; i++) {
      Host h = new Host(seed + i, i);
      out.writeBytes(Dumps.minidump(h, SourceType.DUMP).bytes());
      out.writeBytes(Dumps.core(h, SourceType.DUMP).bytes());
      out.writeBytes(Dumps.hprof(h, SourceType.DUMP).bytes());
    }
    return out.toByteArray();
  }
}
