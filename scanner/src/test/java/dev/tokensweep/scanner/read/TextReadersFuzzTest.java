package dev.tokensweep.scanner.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tokensweep.detectors.rule.TokenForge;
import dev.tokensweep.scanner.FuzzLoop;
import dev.tokensweep.scanner.pipeline.Archives;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the JSON, history, text and mail readers (each also behind the decoding
 * layer that undoes base64, URL and rsyslog encodings): no throwable escapes, every location lies
 * in the input and names it, every problem names it and quotes no secret, the heap stays bounded.
 * Small chunks, so chunk borders fall everywhere.
 */
class TextReadersFuzzTest {
  private static final int CHUNK = 512;
  private static final String TOKEN = new TokenForge(new Random(77)).base62Crc32("ghp_");

  private static void fuzz(String name, List<byte[]> seeds, Supplier<Reader> readers, long seedNo) throws Exception {
    fuzz(name, seeds, readers, seedNo, b -> b);
  }

  /** As above, each mutated input first made into what the reader reads by {@code wrap}. */
  private static void fuzz(String name, List<byte[]> seeds, Supplier<Reader> readers, long seedNo,
      java.util.function.UnaryOperator<byte[]> wrap) throws Exception {
    String path = "fuzz/" + name;
    String secretPart = TOKEN.substring(4, 30);
    FuzzLoop.run(name, seeds, seedNo, 2_500, 512L << 20, 40, (mutated, run) -> {
      byte[] input = wrap.apply(mutated);
      List<Problem> problems = new ArrayList<>();
      SegmentSink sink = new SegmentSink() {
        @Override
        public void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
          if (from < 0 || to > buf.length || ownFrom < from || ownTo > to) {
            fail(name + " run " + run + ": segment bounds outside its buffer");
          }
          for (int p = ownFrom; p < ownTo; p += Math.max(1, (ownTo - ownFrom) / 4)) {
            Location l = locator.locate(p);
            if (l == null) {
              continue; // a copy of a JSON key in its value's context: the key was scanned where it stands
            }
            // a UTF-16 file's offsets are those of its UTF-8 transcoding (TextReader), at most 3
            // bytes for each 2 it reads
            long max = l.encoding() != null && l.encoding().startsWith("utf-16") ? input.length * 3L / 2 + 4 : input.length;
            if (l.offset() < 0 || l.offset() > max || !path.equals(l.path())) {
              fail(name + " run " + run + ": location outside the input: " + l.offset() + " of " + input.length + " (part " + l.part() + ", " + l.jsonPath() + ")");
            }
          }
        }

        @Override
        public int overlap() {
          return 128;
        }

        @Override
        public void problem(Problem p) {
          problems.add(p);
        }

        @Override
        public dev.tokensweep.detectors.engine.Detector detector() {
          return ReaderFixture.DETECTOR; // so the JSON-lines reader's skip (KeywordStems) sees mutated lines too
        }
      };
      try (InputStream in = new ByteArrayInputStream(input)) {
        readers.get().read(in, path, null, sink);
      }
      for (Problem p : problems) {
        assertEquals(path, p.location(), "every problem names the input");
        assertTrue(!p.message().contains(secretPart), name + " run " + run + ": a problem quotes the secret");
      }
    });
  }

  private static byte[] gzip(byte[] b) throws java.io.IOException {
    java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(bo)) {
      g.write(b);
    }
    return bo.toByteArray();
  }

  private static byte[] zip(byte[] b) throws java.io.IOException {
    java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(bo)) {
      z.putNextEntry(new java.util.zip.ZipEntry("app.log"));
      z.write(b);
      z.closeEntry();
    }
    return bo.toByteArray();
  }

  private static byte[] zlib(byte[] b) throws java.io.IOException {
    java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
    try (java.util.zip.DeflaterOutputStream d = new java.util.zip.DeflaterOutputStream(bo)) {
      d.write(b);
    }
    return bo.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void jsonReader_mutatedDocumentsAndLines() throws Exception {
    String b64 = Base64.getEncoder().encodeToString(ascii("{\"token\":\"" + TOKEN + "\"}"));
    List<byte[]> seeds = List.of(
        ascii("{\"a\":{\"token\":\"" + TOKEN + "\",\"list\":[1,2.5e10,true,null,\"x\\u00e9\\n\"]},\"b\":\"" + b64 + "\"}"),
        ascii("[{\"k\":\"v\"},{\"nested\":{\"deeper\":[[[[{\"t\":\"" + TOKEN + "\"}]]]]}}]"),
        ascii("{\"msg\":\"Authorization: Bearer " + TOKEN + "\"}\n{\"n\":1}\n{\"broken\":\n{\"ok\":\"yes\"}\n"));
    fuzz("doc.json", seeds, () -> new JsonReader("json", JsonReader.Mode.DOCUMENT, CHUNK), 21);
    fuzz("lines.jsonl", seeds, () -> new JsonReader("jsonl", JsonReader.Mode.LINES, CHUNK), 22);
    fuzz("decoded.json", seeds, () -> new dev.tokensweep.scanner.decode.DecodingReader(new JsonReader("json", JsonReader.Mode.DOCUMENT, CHUNK)), 23);
  }

  @Test
  void historyReader_mutatedBashZshAndFishHistories() throws Exception {
    List<byte[]> bash = List.of(ascii("#1700000000\nexport GITHUB_TOKEN=" + TOKEN + "\n#1700000001\nls -la \\\n  /tmp\n"));
    List<byte[]> zsh = List.of(ascii(": 1700000000:0;export GITHUB_TOKEN=" + TOKEN + "\n: 1700000001:3;echo a \\\nb\n"),
        new byte[] {':', ' ', '1', ':', '0', ';', 'e', (byte) 0x83, (byte) 0xA0, '\n'});
    List<byte[]> fish = List.of(ascii("- cmd: export GITHUB_TOKEN=" + TOKEN + "\n  when: 1700000000\n- cmd: ls\n  when: 1\n"
        + "  paths:\n    - /tmp\n"));
    fuzz(".bash_history", bash, () -> new HistoryReader(HistoryReader.Dialect.BASH, CHUNK), 31);
    fuzz(".zsh_history", zsh, () -> new HistoryReader(HistoryReader.Dialect.ZSH, CHUNK), 32);
    fuzz("fish_history", fish, () -> new HistoryReader(HistoryReader.Dialect.FISH, CHUNK), 33);
  }

  @Test
  void textReader_mutatedLogsWithEncodings() throws Exception {
    String b64 = Base64.getEncoder().encodeToString(ascii("Authorization: Bearer " + TOKEN));
    List<byte[]> seeds = List.of(
        ascii("2026-11-22T10:00:00Z INFO Authorization: Bearer " + TOKEN + "\r\nline two\n"),
        ascii("payload=" + b64 + "&next=" + java.net.URLEncoder.encode("token=" + TOKEN + "&x=%", StandardCharsets.UTF_8)
            + "\n"),
        ascii("<13>Nov 22 10:00:00 host app: msg#012Authorization: Bearer " + TOKEN + "#011tab\n"),
        ascii("x".repeat(3000) + TOKEN + "\n"),
        ascii("release=" + Base64.getEncoder().encodeToString(gzip(ascii("{\"token\":\"" + TOKEN + "\"}")))
            + " state=" + Base64.getEncoder().encodeToString(zlib(ascii("Authorization: Bearer " + TOKEN))) + "\n"),
        ascii("attachment=" + Base64.getEncoder().encodeToString(zip(ascii("GH_TOKEN=" + TOKEN + "\n"))) + "\n"),
        ascii(String.join("\n", archivesInBase64()) + "\n"));
    fuzz("app.log", seeds, () -> new TextReader(CHUNK), 41);
    fuzz("decoded.log", seeds, () -> new dev.tokensweep.scanner.decode.DecodingReader(new TextReader(CHUNK)), 42);
  }

  /** Archives and compressed data, each holding the token, as the decoding layer unpacks them from base64. */
  private static List<byte[]> archives() throws java.io.IOException {
    byte[] text = ascii("x ".repeat(40) + "GH_TOKEN=" + TOKEN + "\n");
    java.util.Map<String, byte[]> one = new java.util.LinkedHashMap<>();
    one.put("var/log/app.log", text);
    one.put("var/log/app.log.1.gz", Archives.gzip(text));
    byte[] tar = Archives.tar(one);
    org.apache.commons.compress.utils.SeekableInMemoryByteChannel ch = new org.apache.commons.compress.utils.SeekableInMemoryByteChannel();
    try (org.apache.commons.compress.archivers.sevenz.SevenZOutputFile z = new org.apache.commons.compress.archivers.sevenz.SevenZOutputFile(ch)) {
      org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry e = new org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry();
      e.setName("notes.txt");
      e.setSize(text.length);
      z.putArchiveEntry(e);
      z.write(text);
      z.closeArchiveEntry();
    }
    byte[] sevenZ = java.util.Arrays.copyOf(ch.array(), (int) ch.size());
    return List.of(tar, Archives.gzip(tar), Archives.bzip2(text), Archives.xz(tar), Archives.zstd(text), sevenZ,
        Archives.zip(one));
  }

  private static List<String> archivesInBase64() throws java.io.IOException {
    List<String> lines = new ArrayList<>();
    for (byte[] a : archives()) {
      lines.add("payload=" + Base64.getEncoder().encodeToString(a));
    }
    return lines;
  }

  @Test
  void decodingReader_mutatedArchivesInBase64() throws Exception {
    // the archive's bytes mutated, then encoded: the decoders see damage the base64 mutations never make
    fuzz("archives.log", archives(), () -> new dev.tokensweep.scanner.decode.DecodingReader(new TextReader(CHUNK)), 43,
        b -> ascii("{\"bundle\":\"" + Base64.getEncoder().encodeToString(b) + "\"}\n"));
  }

  /**
   * Payloads at or past the decoding layer's caps, or that it cannot read: a bomb, four gzip steps,
   * an encrypted zip entry, an xz block asking for a 64 MiB dictionary, damaged gzip after its
   * start. Each gives a problem, which must name the input and quote no secret however mutated.
   */
  private static List<byte[]> payloadsPastTheCaps() throws java.io.IOException {
    byte[] text = ascii("x ".repeat(40) + "GH_TOKEN=" + TOKEN + "\n");
    java.util.Map<String, byte[]> two = new java.util.LinkedHashMap<>();
    two.put("plain.log", text);
    two.put("vault/" + TOKEN + ".txt", text);
    byte[] zip = Archives.zip(two);
    int second = 0;
    for (int i = 1, seen = 0; i + 4 <= zip.length; i++) {
      if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 3 && zip[i + 3] == 4 && seen++ == 0) {
        second = i;
      }
    }
    zip[second + 6] |= 1; // the second entry's local header says it is encrypted
    byte[] xz = Archives.xz(text);
    xz[16] = 28; // the LZMA2 dictionary byte: 64 MiB (the header's CRC32 made good below)
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    int size = ((xz[12] & 0xFF) + 1) * 4;
    crc.update(xz, 12, size - 4);
    for (int i = 0; i < 4; i++) {
      xz[12 + size - 4 + i] = (byte) (crc.getValue() >>> (8 * i));
    }
    byte[] damaged = gzip(ascii(("2026-12-05 INFO GH_TOKEN=" + TOKEN + " served\n").repeat(400)));
    damaged[damaged.length / 2] ^= 0x55;
    return List.of(gzip(new byte[5 << 20]), gzip(gzip(gzip(gzip(text)))), zip, xz, damaged);
  }

  @Test
  void decodingReader_mutatedPayloadsPastTheCaps() throws Exception {
    fuzz("capped.log", payloadsPastTheCaps(), () -> new dev.tokensweep.scanner.decode.DecodingReader(new TextReader(CHUNK)), 44,
        b -> ascii("state=" + Base64.getEncoder().encodeToString(b) + "\n"));
  }

  @Test
  void mailReader_mutatedMessagesAndMboxes() throws Exception {
    String b64 = Base64.getMimeEncoder().encodeToString(ascii("Authorization: Bearer " + TOKEN + "\n"));
    String cut = TOKEN.substring(0, 12) + "=\r\n" + TOKEN.substring(12);
    List<byte[]> seeds = List.of(
        ascii("Return-Path: <a@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n"
            + "Content-Transfer-Encoding: quoted-printable\r\n\r\ntoken=3D" + cut + "\r\n=C3=A9 =\r\nend\r\n"),
        ascii("From: a@example.com\nMIME-Version: 1.0\nContent-Type: multipart/mixed;\n boundary=\"o\"\n\npre\n"
            + "--o\nContent-Type: multipart/alternative; boundary=i\n\n--i\nContent-Transfer-Encoding: 7bit\n\nx=41\n"
            + "--i\nContent-Transfer-Encoding: quoted-printable\n\n<p>" + cut.replace("\r", "") + "=3D</p>\n--i--\n"
            + "--o\nContent-Type: message/rfc822\n\nSubject: in\nContent-Transfer-Encoding: quoted-printable\n\na=\nb\n"
            + "--o\nContent-Transfer-Encoding: base64\n\n" + b64 + "\n--o--\n"),
        ascii("From a Mon Jan  1 00:00:00 2026\nFrom: a\nMIME-Version: 1.0\n\nplain=\n\n"
            + "From b Mon Jan  1 00:00:01 2026\nContent-Transfer-Encoding: quoted-printable\n\nt: " + cut + "\n"));
    fuzz("msg.eml", seeds, () -> new TextReader(CHUNK, TextReader.MAIL), 51);
    fuzz("decoded.eml", seeds, () -> new dev.tokensweep.scanner.decode.DecodingReader(new TextReader(CHUNK, TextReader.MAIL)), 52);
  }
}
