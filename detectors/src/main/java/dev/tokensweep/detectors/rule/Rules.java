package dev.tokensweep.detectors.rule;

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

/**
 * Loads rule files: the built-in catalogue from the classpath, or a user's YAML file. Every path
 * goes through the one {@link RuleReader}, so the catalogue and a user's file obey one schema with
 * one set of errors.
 */
public final class Rules {
  private Rules() {}

  /** Where the built-in rule files live on the classpath; public for the build step (engine PrecompiledFilters). */
  public static final String BUILTIN_DIR = "/dev/tokensweep/rules/";
  private static volatile List<Rule> builtin;
  /** The rules {@link #builtin} returned, by identity (empty until it is read). */
  private static volatile java.util.Set<Rule> builtinSet = java.util.Set.of();

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
          b = readBuiltin();
          java.util.Set<Rule> set = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
          set.addAll(b);
          builtinSet = java.util.Collections.unmodifiableSet(set);
          builtin = b;
        }
      }
    }
    return b;
  }

  /**
   * Whether {@code rule} is one of the rules {@link #builtin} returned (the same object, not an
   * equal one from a rules file): the build has parsed and tested every one of those, so a
   * detector may leave the parsing of their patterns to their first hit.
   */
  public static boolean isBuiltin(Rule rule) {
    return builtinSet.contains(rule);
  }

  /**
   * The built-in catalogue as one JSON resource, written by the build (engine
   * {@code PrecompiledFilters.main}) from the files as {@link RuleReader} reads them: one jar lookup
   * instead of one per file (132 lookups cost a cold JVM ~0.1 s) and no YAML scanner at start-up.
   * Absent when the classes were not built by Maven; then the files are read one by one.
   */
  public static final String PACKED = "catalogue.packed.json";

  private static List<Rule> readBuiltin() {
    try (InputStream in = Rules.class.getResourceAsStream(BUILTIN_DIR + PACKED)) {
      if (in != null) {
        return List.copyOf(RuleReader.json(in.readAllBytes(), "builtin:" + PACKED));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(readFiles());
  }

  /** The built-in catalogue read file by file, as index.txt lists them. */
  public static List<Rule> readFiles() {
    List<Rule> all = new ArrayList<>();
    for (String file : builtinFiles()) {
      try (InputStream in = Rules.class.getResourceAsStream(BUILTIN_DIR + file)) {
        if (in == null) {
          throw new IllegalStateException("built-in rules file missing from the jar: " + file);
        }
        all.addAll(RuleReader.yaml(in.readAllBytes(), "builtin:" + file));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return all;
  }

  /** The built-in catalogue, read file by file, as the JSON {@link #PACKED} holds. */
  public static byte[] packFiles() {
    return RuleReader.writeJson(readFiles());
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

  /** Rules files larger than this are refused: a rules file is written by hand. */
  public static final int MAX_FILE_BYTES = 8 << 20;

  /** Reads a user's rules file (a regular file of at most {@link #MAX_FILE_BYTES}). */
  public static List<Rule> load(Path file) throws IOException {
    return parse(read(file), file.toString());
  }

  /** The text of a user's rules file: a regular file of at most {@link #MAX_FILE_BYTES}. */
  public static String read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new RuleFileException(file + ": not a regular file", null);
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new RuleFileException(file + ": larger than " + (MAX_FILE_BYTES >> 20) + " MiB; not a rules file", null);
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Parses a YAML list of rules; {@code name} goes into error messages. */
  public static List<Rule> parse(InputStream in, String name) {
    try {
      return RuleReader.yaml(in.readAllBytes(), name);
    } catch (IOException e) {
      throw new RuleFileException(name + ": unreadable (" + e.getClass().getSimpleName() + ")", null);
    }
  }

  /**
   * Parses a YAML list of rules; errors name {@code name}, the line and the key, never a value
   * (a pattern or an example may be the very secret the rule is for).
   */
  public static List<Rule> parse(String yaml, String name) {
    return RuleReader.yaml(yaml.getBytes(StandardCharsets.UTF_8), name);
  }

  /**
   * The rules of the list that {@code p} stands at (a configuration file's {@code rules:}), read by
   * the same reader and with the same errors as a rules file; leaves {@code p} at the list's end.
   */
  public static List<Rule> readList(com.fasterxml.jackson.core.JsonParser p, String name) throws IOException {
    return RuleReader.list(p, name, "YAML");
  }
}
