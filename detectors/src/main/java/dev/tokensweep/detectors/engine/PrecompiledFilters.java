package dev.tokensweep.detectors.engine;

import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The window filters of the built-in catalogue, built when the project is built and kept in the
 * jar, one resource per pattern. Building a rule's DFAs at scan time took the scan thread ~0.4 s
 * over a 1 GB log, and made C2 compile Lucene's determinize (a 2 s compile on a shared core, which
 * held the scanner's own hot loops in the compile queue). A resource is found by a checksum of the
 * pattern and keywords, and holds them in full: a rule that changed, or a user's rule, finds none
 * and gets its filter built as before. {@code main} writes them (exec-maven-plugin, process-classes).
 */
public final class PrecompiledFilters {
  static final String DIR = "dev/tokensweep/rules/filters/";
  private static final int MAGIC = 0x54535746; // "TSWF"
  private static final int VERSION = 4; // 3: anchored and after-keyword DFAs keep counts up to WindowFilter.EXACT_CAP; 4: the states where a match away from $ may end
  /**
   * Buffer for a filter file's small fields; its tables (most of its bytes) are read past the
   * buffer, straight into their arrays. 64 KiB, zeroed for every rule's first hit, was ~3 ms of a
   * small scan's first hits.
   */
  private static final int IO_BUFFER_BYTES = 8 << 10;

  private PrecompiledFilters() {}

  /** The precompiled filter of this pattern and keywords, or null when the jar holds none (or a damaged one). */
  static WindowFilter load(String pattern, List<String> keywords) {
    try (InputStream raw = PrecompiledFilters.class.getResourceAsStream("/" + DIR + name(pattern, keywords))) {
      if (raw == null) {
        return null;
      }
      DataInputStream in = new DataInputStream(new BufferedInputStream(raw, IO_BUFFER_BYTES));
      if (in.readInt() != MAGIC || in.readInt() != VERSION || !in.readUTF().equals(pattern)) {
        return null;
      }
      int n = in.readInt();
      if (n != keywords.size()) {
        return null;
      }
      for (String k : keywords) {
        if (!in.readUTF().equals(k)) {
          return null;
        }
      }
      return WindowFilter.read(in);
    } catch (IOException e) {
      return null; // built at scan time instead, as for a user's rule
    }
  }

  /**
   * The resource name: a CRC-32C of what the filter is built from, and its length. The resource
   * holds pattern and keywords in full and {@link #load} compares them, so a collision only costs
   * a build; a CRC needs no security provider (SHA-256's first use cost a small scan ~18 ms).
   */
  static String name(String pattern, List<String> keywords) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    byte[] p = pattern.getBytes(StandardCharsets.UTF_8);
    crc.update(p);
    long length = p.length;
    for (String k : keywords) {
      byte[] b = k.getBytes(StandardCharsets.UTF_8);
      crc.update(0);
      crc.update(b);
      length += 1 + b.length;
    }
    // the checksum as 8 hex digits, the length in decimal, with a StringBuilder: String.format's
    // first use (its Formatter and format-string parsing) cost a small scan ~6 ms of its first
    // hits, and a `+` concatenation, whose first use links it through invokedynamic, cost more
    String hex = Long.toHexString(crc.getValue());
    StringBuilder name = new StringBuilder(24);
    for (int i = hex.length(); i < 8; i++) {
      name.append('0');
    }
    return name.append(hex).append('-').append(length).append(".wf").toString();
  }

  static void write(OutputStream raw, String pattern, List<String> keywords, WindowFilter f) throws IOException {
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, IO_BUFFER_BYTES));
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeUTF(pattern);
    out.writeInt(keywords.size());
    for (String k : keywords) {
      out.writeUTF(k);
    }
    f.write(out);
    out.flush();
  }

  /** Build step: writes the built-in rules' filters under {@code args[0]} (the classes directory). */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: PrecompiledFilters CLASSES_DIR");
    }
    Path dir = Path.of(args[0]).resolve(DIR);
    Files.createDirectories(dir);
    long t0 = System.nanoTime();
    // the packed catalogue first, from the files as they are now (never from an older packed copy)
    Path packed = Path.of(args[0]).resolve(Rules.BUILTIN_DIR.substring(1) + Rules.PACKED);
    Files.deleteIfExists(packed);
    Files.write(packed, Rules.packFiles());
    long bytes = 0;
    int n = 0;
    for (Rule r : Rules.readFiles()) {
      Path file = dir.resolve(name(r.pattern(), r.keywords()));
      try (OutputStream out = Files.newOutputStream(file)) {
        write(out, r.pattern(), r.keywords(), WindowFilter.orNone(r.pattern(), r.keywords()));
      }
      bytes += Files.size(file);
      n++;
    }
    System.out.printf("tokensweep: %d window filters, %d KB, built in %d ms%n", n, bytes / 1024, (System.nanoTime() - t0) / 1_000_000);
  }
}
