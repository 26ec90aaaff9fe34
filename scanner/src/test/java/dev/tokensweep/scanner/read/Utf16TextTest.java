package dev.tokensweep.scanner.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf16TextTest {

  private static String read(byte[] body, boolean big) throws IOException {
    try (InputStream in = new Utf16Text(new ByteArrayInputStream(body), big)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void read_realUtf16_equalsTheDecodedText() throws IOException {
    StringBuilder b = new StringBuilder();
    Random r = new Random(3);
    for (int i = 0; i < 5000; i++) {
      b.append("ligne ").append(i).append(" é 日本 \uD83D\uDE00 ").append(r.nextInt()).append("\r\n");
    }
    String text = b.toString();
    assertEquals(text, read(text.getBytes(StandardCharsets.UTF_16LE), false));
    assertEquals(text, read(text.getBytes(StandardCharsets.UTF_16BE), true));
  }

  @Test
  void read_randomMixOfUtf16AndAsciiRuns_everyAsciiWordOfFortyCharsSurvives() throws IOException {
    Random r = new Random(11);
    for (int round = 0; round < 200; round++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      List<String> words = new ArrayList<>();
      int parts = 1 + r.nextInt(8);
      for (int p = 0; p < parts; p++) {
        String word = "W" + Long.toString(r.nextLong() & Long.MAX_VALUE, 36) + "x".repeat(20) + p;
        words.add(word);
        String filler = "abc\n".repeat(r.nextInt(5000));
        if (r.nextBoolean()) {
          out.writeBytes((filler + " tok=" + word + " ").getBytes(StandardCharsets.UTF_16LE));
        } else {
          // appended by another writer: keep the UTF-16 parity or not, at random
          if (r.nextBoolean() && out.size() % 2 == 0) {
            out.write('z');
          }
          out.writeBytes((filler + " tok=" + word + "\n").getBytes(StandardCharsets.US_ASCII));
        }
      }
      String text = read(out.toByteArray(), false);
      for (String w : words) {
        assertTrue(text.contains(w), "round " + round + ": a word of " + w.length() + " characters survives");
      }
    }
  }
}
