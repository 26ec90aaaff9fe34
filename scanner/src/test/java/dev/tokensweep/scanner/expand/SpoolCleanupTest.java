package dev.tokensweep.scanner.expand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Spools are deleted on every exit path (issue 12 item 14): closed normally, by the shutdown hook
 * on SIGTERM, and by the next run when their process died without running it.
 */
class SpoolCleanupTest {

  @Test
  void spool_livesInTheOwnDirectory_namedWithThePid_deletedOnClose() throws Exception {
    Path p;
    try (Spool s = new Spool(1024)) {
      p = s.path();
      assertEquals(Spool.directory(), p.getParent());
      assertTrue(p.getFileName().toString().startsWith("tokensweep-" + ProcessHandle.current().pid() + "-"));
      assertTrue(Spool.live().contains(p));
    }
    assertFalse(Files.exists(p));
    assertFalse(Spool.live().contains(p));
  }

  @Test
  void removeStale_deletesSpoolsOfDeadProcesses_keepsLiveOnesAndOtherFiles() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    long dead = gone.pid();
    Path d = Spool.directory();
    Path stale = Files.write(d.resolve("tokensweep-" + dead + "-123.spool"), new byte[10]);
    Path staleTmp = Files.write(d.resolve("tokensweep-" + dead + "-456.tmp"), new byte[10]);
    // pid 1 is alive on any Linux machine
    Path alive = Files.write(d.resolve("tokensweep-1-789.spool"), new byte[10]);
    Path other = Files.write(d.resolve("notes-" + dead + ".txt"), new byte[10]);
    try (Spool mine = new Spool(1024)) {
      Spool.removeStale(d);
      assertFalse(Files.exists(stale), "a dead process's spool is removed");
      assertFalse(Files.exists(staleTmp), "a dead process's temp file is removed");
      assertTrue(Files.exists(alive), "a live process's spool is kept");
      assertTrue(Files.exists(other), "files that are not spools are kept");
      assertTrue(Files.exists(mine.path()), "this process's open spool is kept");
    } finally {
      Files.deleteIfExists(alive);
      Files.deleteIfExists(other);
    }
  }

  @Test
  void sigterm_shutdownHookDeletesTheLiveSpools() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        SpoolHolder.class.getName()).redirectErrorStream(true).start();
    try {
      String line;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        line = r.readLine();
        assertTrue(line != null && line.contains("tokensweep-" + child.pid() + "-"), String.valueOf(line));
        Path spool = Path.of(line);
        assertTrue(Files.exists(spool), "the child's spool is on disk while it runs");
        child.destroy(); // SIGTERM
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child ends on SIGTERM");
        assertFalse(Files.exists(spool), "the shutdown hook deleted the spool");
      }
    } finally {
      child.destroyForcibly();
    }
  }
}
