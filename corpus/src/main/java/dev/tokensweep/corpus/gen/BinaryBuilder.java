package dev.tokensweep.corpus.gen;

import dev.tokensweep.corpus.Capability;
import dev.tokensweep.corpus.SourceType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Writes a binary leaf (dumps): raw structures, random memory, and strings in ASCII or UTF-16. */
final class BinaryBuilder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
  private final List<Planted> planted = new ArrayList<>();
  private final Random random;

  BinaryBuilder(Random random) {
    this.random = random;
  }

  BinaryBuilder bytes(byte[] b) {
    out.write(b, 0, b.length);
    return this;
  }

  BinaryBuilder u8(int v) {
    out.write(v);
    return this;
  }

  BinaryBuilder le16(int v) {
    return u8(v & 0xFF).u8((v >>> 8) & 0xFF);
  }

  BinaryBuilder le32(long v) {
    return le16((int) v & 0xFFFF).le16((int) (v >>> 16) & 0xFFFF);
  }

  BinaryBuilder le64(long v) {
    return le32(v & 0xFFFFFFFFL).le32(v >>> 32);
  }

  BinaryBuilder be16(int v) {
    return u8((v >>> 8) & 0xFF).u8(v & 0xFF);
  }

  BinaryBuilder be32(long v) {
    return be16((int) (v >>> 16) & 0xFFFF).be16((int) v & 0xFFFF);
  }

  BinaryBuilder be64(long v) {
    return be32(v >>> 32).be32(v & 0xFFFFFFFFL);
  }

  /** Random bytes, as uninitialised or compressed memory looks. */
  BinaryBuilder noise(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return bytes(b);
  }

  BinaryBuilder zeros(int n) {
    return bytes(new byte[n]);
  }

  BinaryBuilder string(String s, Charset cs) {
    return bytes(s.getBytes(cs));
  }

  /**
   * Writes {@code before + secret + after} in {@code cs} and labels the secret at its byte offset.
   * {@code encoding} is what the label calls the charset (ascii, utf-16le, utf-16be).
   */
  BinaryBuilder plant(String before, Token t, String after, Charset cs, String context, SourceType source) {
    string(before, cs);
    long offset = out.size();
    Capability[] extra = cs == StandardCharsets.US_ASCII ? new Capability[0] : new Capability[] {Capability.UTF16};
    String enc = cs == StandardCharsets.US_ASCII ? "ascii" : cs == StandardCharsets.UTF_16LE ? "utf-16le" : "utf-16be";
    planted.add(Planted.of(t, source, null, null, offset, null, enc, context, extra));
    string(t.value(), cs);
    return string(after, cs);
  }

  int size() {
    return out.size();
  }

  Leaf leaf(String name) {
    return new Leaf(name, out.toByteArray(), planted);
  }
}
