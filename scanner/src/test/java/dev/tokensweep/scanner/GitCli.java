package dev.tokensweep.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Git run by tests that need real repositories and packs: no user or system config, a fixed identity and branch. */
public final class GitCli {
  private GitCli() {}

  public static final Path GIT = Path.of("/usr/bin/git");

  /**
   * Runs git in {@code repo} with {@code home} as its HOME, asserts it succeeded, and returns its
   * output (git's own output names no token: none is passed on a command line).
   */
  public static String run(Path repo, Path home, String... args) throws Exception {
    ProcessBuilder pb = process(repo, home, args).redirectErrorStream(true);
    Process proc = pb.start();
    String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(proc.waitFor(60, TimeUnit.SECONDS), "git " + args[0] + " timed out");
    assertEquals(0, proc.exitValue(), "git " + args[0] + ": " + out);
    return out;
  }

  /** As {@link #run}, reading {@code stdin} and writing git's output, binary (a pack), to {@code stdout}. */
  public static void run(Path repo, Path home, Path stdin, Path stdout, String... args) throws Exception {
    ProcessBuilder pb = process(repo, home, args).redirectInput(stdin.toFile()).redirectOutput(stdout.toFile());
    Process proc = pb.start();
    String err = new String(proc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(proc.waitFor(60, TimeUnit.SECONDS), "git " + args[0] + " timed out");
    assertEquals(0, proc.exitValue(), "git " + args[0] + ": " + err);
  }

  private static ProcessBuilder process(Path repo, Path home, String... args) {
    List<String> cmd = new ArrayList<>(List.of(GIT.toString(), "-c", "user.name=t", "-c", "user.email=t@example.com",
        "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
    pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
    pb.environment().put("HOME", home.toString());
    return pb;
  }
}
