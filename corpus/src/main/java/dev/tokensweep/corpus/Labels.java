package dev.tokensweep.corpus;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes labels files: JSON lines, one {@link Label} per line. */
public final class Labels {
  private Labels() {}

  static final ObjectMapper JSON = new ObjectMapper()
      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public static List<Label> read(Path file) throws IOException {
    List<Label> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        try {
          out.add(JSON.readValue(line, Label.class));
        } catch (IOException e) {
          throw new IOException(file + ":" + n + ": not a label (" + e.getClass().getSimpleName() + ")");
        }
      }
    }
    return out;
  }

  public static void write(List<Label> labels, Writer w) throws IOException {
    for (Label l : labels) {
      w.write(JSON.writeValueAsString(l));
      w.write('\n');
    }
  }

  public static void write(List<Label> labels, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(labels, w);
    }
  }
}
