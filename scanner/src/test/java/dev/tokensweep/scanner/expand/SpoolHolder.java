package dev.tokensweep.scanner.expand;

import java.io.OutputStream;

/** Run in a child JVM by {@link SpoolCleanupTest}: holds one spool open until it is killed. */
final class SpoolHolder {
  private SpoolHolder() {}

  public static void main(String[] args) throws Exception {
    Spool s = new Spool(1 << 20);
    try (OutputStream o = s.output()) {
      o.write(new byte[4096]);
    }
    System.out.println(s.path());
    System.out.flush();
    Thread.sleep(120_000);
  }
}
