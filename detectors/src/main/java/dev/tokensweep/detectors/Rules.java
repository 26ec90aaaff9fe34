package dev.tokensweep.detectors;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Loads rule files: the built-in catalogue from the classpath, or a user's YAML file. */
public final class Rules {
  private Rules() {}

  static final String BUILTIN_DIR = "/dev/tokensweep/rules/";
  /** Built on first use: only user rule files need it; the built-in ones are streamed. */
  private static final class Yaml {
    static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }
  private static volatile List<Rule> builtin;

  /** A rules file that cannot be read as rules; the message names the file and line. */
  public static final class RuleFileException extends RuntimeException {
    public RuleFileException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The built-in catalogue, in the order of {@code index.txt}, then file order. Thread-safe: a
   * caller that comes while another thread reads the catalogue waits for that read instead of
   * repeating it.
   */
  public static List<Rule> builtin() {
    List<Rule> b = builtin;
    if (b == null) {
      synchronized (Rules.class) {
        b = builtin;
        if (b == null) {
          builtin = b = readBuiltin();
        }
      }
    }
    return b;
  }

  /**
   * The built-in files concatenated in index order, written by the build ({@link PrecompiledFilters#main}):
   * one jar lookup instead of one per file (132 lookups cost a cold JVM ~0.1 s). Absent when the
   * classes were not built by Maven; then the files are read one by one.
   */
  static final String PACKED = "catalogue.packed.yml";

  private static List<Rule> readBuiltin() {
    try (InputStream in = Rules.class.getResourceAsStream(BUILTIN_DIR + PACKED)) {
      if (in != null) {
        return List.copyOf(CatalogueReader.read(in, "builtin:" + PACKED));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(readFiles());
  }

  /** The built-in catalogue read file by file, as index.txt lists them. */
  static List<Rule> readFiles() {
    List<Rule> all = new ArrayList<>();
    for (String file : builtinFiles()) {
      try (InputStream in = Rules.class.getResourceAsStream(BUILTIN_DIR + file)) {
        if (in == null) {
          throw new IllegalStateException("built-in rules file missing from the jar: " + file);
        }
        all.addAll(CatalogueReader.read(in, "builtin:" + file));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return all;
  }

  /** The built-in files' text, concatenated in index order: what {@link #PACKED} holds. */
  static byte[] packFiles() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (String file : builtinFiles()) {
      try (InputStream in = Rules.class.getResourceAsStream(BUILTIN_DIR + file)) {
        if (in == null) {
          throw new IllegalStateException("built-in rules file missing from the jar: " + file);
        }
        out.writeBytes(("# " + file + "\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(in.readAllBytes());
        out.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out.toByteArray();
  }

  /** Names of the built-in rule files, one per provider. */
  public static List<String> builtinFiles() {
    List<String> files = new ArrayList<>();
    try (InputStream in = Rules.class.getResourceAsStream(BUILTIN_DIR + "index.txt")) {
      if (in == null) {
        throw new IllegalStateException("built-in rules index missing from the jar");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        line = line.strip();
        if (!line.isEmpty() && !line.startsWith("#")) {
          files.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** Reads a user's rules file. */
  public static List<Rule> load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    }
  }

  /** Parses a YAML list of rules; {@code name} goes into error messages. */
  public static List<Rule> parse(InputStream in, String name) {
    try {
      List<Rule> rules = Yaml.MAPPER.readValue(in, new TypeReference<List<Rule>>() {});
      return rules == null ? List.of() : rules;
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where = loc == null ? name : name + ":" + loc.getLineNr();
      throw new RuleFileException(where + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new RuleFileException(name + ": " + e.getMessage(), e);
    }
  }
}
