package dev.tokensweep.scanner.expand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SnifferTest {

  private static Format sniff(String name, byte[] b) {
    return Sniffer.sniff(name, b, b.length);
  }

  @Test
  void sniff_oldStyleTarHeader_byChecksumAlone() {
    byte[] h = new byte[512];
    byte[] name = "etc/passwd".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, h, 0, name.length);
    System.arraycopy("0000644\0".getBytes(StandardCharsets.US_ASCII), 0, h, 100, 8);
    System.arraycopy("00000000012\0".getBytes(StandardCharsets.US_ASCII), 0, h, 124, 12);
    Arrays.fill(h, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xFF;
    }
    byte[] chk = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(chk, 0, h, 148, 8);
    assertEquals(Format.TAR, sniff("x", h));
    h[0] = 'E'; // any changed byte breaks the checksum
    assertNull(sniff("x.tar", h));
  }

  @Test
  void sniff_namesNeverOverrideMagic() {
    byte[] text = "just text\n".repeat(100).getBytes(StandardCharsets.US_ASCII);
    for (String n : new String[] {"a.gz", "a.zip", "a.tar", "a.7z", "a.lzma", "a.zz", "a.bz2", "a.Z", "a.cpio"}) {
      assertNull(sniff(n, text), n);
    }
  }

  @Test
  void sniff_brotli_onlyNamedBrAndOnlyWhenItDecodes() throws java.io.IOException {
    byte[] text = "2026-12-05 INFO request path=/api/v1/items status=200\n".repeat(300).getBytes(StandardCharsets.US_ASCII);
    byte[] stream = dev.tokensweep.scanner.pipeline.Archives.brotli(text);
    byte[] real;
    try (java.io.InputStream in = SnifferTest.class.getResourceAsStream("brotli/app.log.br")) {
      real = in.readAllBytes();
    }
    byte[] head = Arrays.copyOf(stream, Sniffer.HEAD);
    assertEquals(Format.BROTLI, sniff("app.log.br", real));
    assertEquals(Format.BROTLI, sniff("APP.LOG.BR", stream.length < Sniffer.HEAD ? stream : head));
    assertEquals(Format.BROTLI, sniff("a.br", Arrays.copyOf(real, 2000)), "cut short: a damaged brotli, opened to be reported");
    assertNull(sniff("app.log", real), "no magic: only the name says brotli");
    assertNull(sniff("x.br", text), "text");
    assertNull(sniff("x.br", Arrays.copyOf(text, 100)), "short text");
    assertNull(sniff("x.br", "=====\nnotes\n".repeat(1000).getBytes(StandardCharsets.US_ASCII)),
        "text making a complete, empty stream");
    assertNull(sniff("x.br", dev.tokensweep.scanner.pipeline.Archives.brotli(new byte[0])), "an empty stream: nothing to open");
  }

  @Test
  void sniff_randomBytes_neverAnArchive() {
    Random r = new Random(42);
    byte[] b = new byte[Sniffer.HEAD];
    int archives = 0;
    for (int i = 0; i < 2000; i++) {
      r.nextBytes(b);
      // random data may start with a magic number by chance; skip those rare cases
      if ((b[0] == 0x1F) || b[0] == 'P' || b[0] == 0x78 || b[0] == 0x5D || b[0] == (byte) 0xFD || b[0] == 0x28
          || b[0] == 0x04 || b[0] == (byte) 0xFF || b[0] == 0x37 || b[0] == (byte) 0xC7 || b[0] == 0x71) {
        continue;
      }
      archives += sniff("x", b) == null ? 0 : 1;
    }
    assertEquals(0, archives);
  }

  @Test
  void names_compressedMemberAndUnsafe() {
    assertEquals("var/log/app.log", Names.leafPath("b.tar!var/log/app.log.gz!"));
    assertEquals("app.log", Names.baseName("b.tar!var/log/app.log.gz!"));
    assertEquals(".bash_history", Names.baseName("/home/u/.bash_history.gz!"));
    assertEquals("x.tar", Names.baseName("/tmp/x.tgz!"));
    assertEquals("app.log.2", Names.baseName("/var/log/app.log.2!"));
    assertEquals("trace.log", Names.baseName("b.tar!logs/trace.log"));
    assertEquals(true, Names.unsafe("../x"));
    assertEquals(true, Names.unsafe("a/../../x"));
    assertEquals(true, Names.unsafe("C:\\Windows\\x"));
    assertEquals(true, Names.unsafe("\\\\server\\share"));
    assertEquals(false, Names.unsafe("a/..b/c.."));
  }
}
