package dev.tokensweep.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layout DESIGN.md asks for, checked on the sources so that a change that breaks it fails the
 * build: the model imports nothing of the pipeline, the readers know nothing of the decoding
 * layers built on them, and every package says its role.
 */
class PackageLayoutTest {
  private static final Path MAIN = Path.of("src/main/java/dev/tokensweep/scanner");
  private static final Pattern SCANNER_PACKAGE = Pattern.compile("dev\\.tokensweep\\.scanner\\.([a-z]+)\\b");

  /** The scanner packages each source file of {@code pkg} names (imports and qualified names alike), but its own. */
  private static List<String> referencesOutside(String pkg) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(MAIN.resolve(pkg))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        Matcher m = SCANNER_PACKAGE.matcher(Files.readString(f));
        while (m.find()) {
          if (!m.group(1).equals(pkg)) {
            found.add(f.getFileName() + " -> " + m.group(1));
          }
        }
      }
    }
    return found;
  }

  @Test
  void model_importsNothingOfThePipeline() throws IOException {
    assertEquals(List.of(), referencesOutside("model"));
  }

  @Test
  void read_knowsNothingOfTheDecodingLayers() throws IOException {
    assertEquals(List.of(), referencesOutside("read").stream().filter(r -> r.endsWith("-> decode")).toList());
  }

  @Test
  void everyPackage_hasAPackageInfoThatSaysItsRole() throws IOException {
    List<String> missing = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(MAIN)) {
      for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
        Path info = d.resolve("package-info.java");
        if (!Files.exists(info)) {
          missing.add(d.getFileName() + ": no package-info.java");
          continue;
        }
        String text = Files.readString(info);
        int doc = text.indexOf("/**");
        int pkg = text.indexOf("package dev.tokensweep.scanner." + d.getFileName() + ";");
        if (doc < 0 || pkg < doc || text.substring(doc + 3, pkg).replaceAll("[\\s*/]", "").length() < 40) {
          missing.add(d.getFileName() + ": no Javadoc saying the package's role");
        }
      }
    }
    assertEquals(List.of(), missing);
    assertTrue(Files.exists(MAIN.resolve("decode/package-info.java")), "the decoding layers have their package");
  }
}
