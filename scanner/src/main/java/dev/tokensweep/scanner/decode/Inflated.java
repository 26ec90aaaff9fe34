package dev.tokensweep.scanner.decode;

import dev.tokensweep.scanner.read.ByteScan;
import dev.tokensweep.scanner.read.Locator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * A base64 run that holds gzip or zlib data, inflated: Helm keeps a release (its values, secrets
 * included) as base64 of base64 of gzipped JSON in a Kubernetes Secret, and payloads, cookies and
 * support-bundle fields carry compressed JSON the same way. The text it inflates to (at most
 * {@link #MAX_INFLATED} bytes of it, nine in ten bytes text) is scanned one layer down, named
 * {@code base64+gzip} or {@code base64+zlib}; a zip's entries likewise, as {@code base64+zip}; a finding there is located at the run's first byte,
 * since no byte of compressed data stands for one byte of the text. Runs are told by their first
 * bytes ({@code H4sI} is gzip's magic in base64; a zlib header's check bits), so text runs never
 * come here and binary runs cost a four-byte test.
 */
final class Inflated {
  private Inflated() {}

  /** Inflated text past this is not scanned: a run is at most 1 MiB of base64, and a bomb inflates it a thousandfold. */
  static final int MAX_INFLATED = 4 << 20;

  /** Whether the {@code n} base64 characters at {@code s} start with a gzip member or a zlib stream. */
  static boolean startsCompressed(byte[] buf, int s, int n) {
    if (n < DecodingLayer.MIN_RUN) {
      return false;
    }
    int x = ByteScan.base64Value(buf[s]) << 18 | ByteScan.base64Value(buf[s + 1]) << 12
        | ByteScan.base64Value(buf[s + 2]) << 6 | ByteScan.base64Value(buf[s + 3]);
    int b0 = x >>> 16 & 0xFF;
    int b1 = x >>> 8 & 0xFF;
    int b2 = x & 0xFF;
    if (b0 == 0x1F && b1 == 0x8B && b2 == 8 || b0 == 'P' && b1 == 'K' && b2 == 3) {
      return true; // a gzip member, a zip's first local header
    }
    // zlib: deflate with a window of at most 32 KiB, no preset dictionary, the header's check
    return (b0 & 0x0F) == 8 && (b0 >>> 4) <= 7 && (b1 & 0x20) == 0 && ((b0 << 8) | b1) % 31 == 0;
  }

  /** Decodes the run, inflates it and, when that gives text, scans it through {@code next}. */
  static void pass(byte[] buf, int s, int n, Locator locator, DecodingLayer.Next next) {
    byte[] raw = new byte[n * 3 / 4];
    int o = 0;
    int acc = 0;
    int bits = 0;
    for (int i = s; i < s + n; i++) {
      acc = (acc << 6) | ByteScan.base64Value(buf[i]);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        raw[o++] = (byte) (acc >> bits);
      }
    }
    if (raw[0] == 'P') {
      zip(raw, o, s, locator, next);
      return;
    }
    boolean gzip = (raw[0] & 0xFF) == 0x1F;
    byte[] text = new byte[Math.min(MAX_INFLATED, Math.max(1024, o * 8))];
    int m = 0;
    try (InputStream in = gzip ? new GZIPInputStream(new ByteArrayInputStream(raw, 0, o))
        : new InflaterInputStream(new ByteArrayInputStream(raw, 0, o))) {
      for (int k; m < MAX_INFLATED && (k = in.read(text, m, text.length - m)) > 0; ) {
        m += k;
        if (m == text.length && m < MAX_INFLATED) {
          text = java.util.Arrays.copyOf(text, Math.min(MAX_INFLATED, text.length * 2));
        }
      }
    } catch (IOException | RuntimeException e) {
      // damaged or cut (a run split by the chunk is decoded whole by the next): what came out is scanned
    }
    passText(text, m, gzip ? "base64+gzip" : "base64+zlib", s, locator, next);
  }

  /** Scans {@code text[0, m)} one layer down when nine in ten of its bytes are text, located at {@code at}. */
  private static void passText(byte[] text, int m, String layer, int at, Locator locator, DecodingLayer.Next next) {
    int printable = 0;
    for (int i = 0; i < m; i++) {
      if (DecodingLayer.isText(text[i])) {
        printable++;
      }
    }
    if (m < 8 || printable * 10 < m * 9) {
      return; // compressed binary (a tar, an image): not text a rule reads
    }
    next.pass(text, m, layer, p -> locator.locate(at));
  }

  /** Entries of a zip read from its local headers; more are not read (a bundle's attachment holds a few). */
  static final int MAX_ZIP_ENTRIES = 256;

  /**
   * A zip in base64 (an attachment field of a bundle or an API answer): each entry's name and
   * content, up to {@link #MAX_INFLATED} bytes in all, scanned one layer down as {@code base64+zip}
   * where they are text.
   */
  private static void zip(byte[] raw, int o, int s, Locator locator, DecodingLayer.Next next) {
    int left = MAX_INFLATED;
    try (java.util.zip.ZipInputStream z = new java.util.zip.ZipInputStream(new ByteArrayInputStream(raw, 0, o))) {
      java.util.zip.ZipEntry e;
      for (int k = 0; k < MAX_ZIP_ENTRIES && left > 0 && (e = z.getNextEntry()) != null; k++) {
        byte[] name = (e.getName() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        passText(name, name.length, "base64+zip", s, locator, next);
        byte[] text = z.readNBytes(left);
        left -= text.length;
        passText(text, text.length, "base64+zip", s, locator, next);
      }
    } catch (IOException | RuntimeException e) {
      // damaged, cut or encrypted: the entries before it were scanned
    }
  }
}
