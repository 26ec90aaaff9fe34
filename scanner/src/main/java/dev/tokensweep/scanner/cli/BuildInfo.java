package dev.tokensweep.scanner.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * What {@code tokensweep --version} says: the version, the commit the jar was built from, and the
 * Java runtime that runs it, so a bug report or an incident note pins down the exact build. The
 * build runs {@link #main} to write {@code build.properties} into the classes; a source tree
 * without git (or without a {@code git} command) builds as commit {@code unknown}.
 */
public final class BuildInfo implements CommandLine.IVersionProvider {

  static final String RESOURCE = "dev/tokensweep/scanner/build.properties";
  private static final Properties PROPS = load();

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // a jar without the file still runs; the version then says so
    }
    return p;
  }

  /** The project version, like {@code 0.1.0}. */
  public static String version() {
    return PROPS.getProperty("version", "unknown");
  }

  /** The abbreviated commit, with {@code -dirty} when the tree had uncommitted changes; {@code unknown} without git. */
  public static String commit() {
    return PROPS.getProperty("commit", "unknown");
  }

  @Override
  public String[] getVersion() {
    String time = PROPS.getProperty("commit.time", "");
    return new String[] {
        "tokensweep " + version() + " (commit " + commit() + (time.isEmpty() ? "" : ", " + time) + ")",
        "Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor") + ") at "
            + System.getProperty("java.home")};
  }

  /** Build time: {@code BuildInfo CLASSES_DIR VERSION SOURCE_DIR} writes {@code build.properties}. */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[2]);
    String commit = git(dir, "rev-parse", "--short=12", "HEAD");
    String time = git(dir, "show", "-s", "--format=%cI", "HEAD");
    String dirty = git(dir, "status", "--porcelain", "--untracked-files=no");
    Properties p = new Properties();
    p.setProperty("version", args[1]);
    p.setProperty("commit", commit == null ? "unknown" : commit + (dirty != null && !dirty.isEmpty() ? "-dirty" : ""));
    if (time != null) {
      p.setProperty("commit.time", time);
    }
    Path out = Path.of(args[0]).resolve(RESOURCE);
    Files.createDirectories(out.getParent());
    try (OutputStream o = Files.newOutputStream(out)) {
      p.store(o, null);
    }
  }

  /** The trimmed output of a git command in {@code dir}, or null when git is missing or fails. */
  private static String git(Path dir, String... args) {
    try {
      List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
      cmd.addAll(List.of(args));
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return null;
      }
      return new String(out, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
