package dev.tokensweep.scanner.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Writes a report to a path: files are replaced atomically, devices and pipes are written into. */
final class ReportFile {
  private ReportFile() {}

  /** What writes the report's bytes. */
  interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Refuses, before anything is scanned, a report path ({@code option} names it in the message)
   * that would replace one of {@code inputs} (paths as given; {@code -} and missing ones are left
   * out) or a file inside an input directory: the report is moved over what is there, and the
   * input is never modified, whatever the options. With {@code noNewInside}, a new file inside an
   * input directory is refused too ({@code sanitize --report}, whose copy may not go there
   * either); a scan may write a new report into the tree it scans. A directory is refused as well:
   * the report could only fail at the end, after the whole scan.
   */
  static void refuseOverInput(String option, Path target, List<String> inputs, boolean noNewInside) {
    if (Files.isDirectory(target)) {
      throw new Main.UsageException(option + " " + target + " is a directory; name a file for the report");
    }
    Path where = resolved(target);
    if (where == null) {
      return;
    }
    boolean exists = Files.exists(where, LinkOption.NOFOLLOW_LINKS);
    for (String p : inputs) {
      if (p.equals("-")) {
        continue;
      }
      Path in;
      try {
        in = Path.of(p).toRealPath();
      } catch (java.nio.file.InvalidPathException e) {
        continue;
      } catch (IOException e) {
        // not there (yet: sanitize's copy): nothing to replace, but a report there or under it
        // would be written over or into what comes there
        Path later = resolved(Path.of(p));
        if (later != null && where.startsWith(later)) {
          throw new Main.UsageException(option + " " + target + " is " + p + " or inside it; refusing to write there");
        }
        continue;
      }
      if (where.equals(in)) {
        throw new Main.UsageException(option + " " + target + " is an input; refusing to write over it");
      }
      if (Files.isDirectory(in) && where.startsWith(in) && (exists || noNewInside)) {
        throw new Main.UsageException(option + " " + target + (exists ? " is a file" : " would be") + " inside the input "
            + p + "; refusing to write into the input (name a path outside it)");
      }
    }
  }

  /**
   * {@code target} with the links of its directories resolved as far as they exist (not its own
   * name's: the move replaces a link, not what it names), or null when no part of it exists.
   */
  private static Path resolved(Path target) {
    Path abs = target.toAbsolutePath().normalize();
    Path name = abs.getFileName();
    if (name == null) {
      return abs;
    }
    Path rest = name;
    for (Path dir = abs.getParent(); dir != null; dir = dir.getParent()) {
      try {
        return dir.toRealPath().resolve(rest);
      } catch (IOException e) {
        if (dir.getFileName() == null) {
          return null;
        }
        rest = dir.getFileName().resolve(rest);
      }
    }
    return null;
  }

  /**
   * A regular file (or a new one) gets a temp file next to it moved over it, so a reader never sees
   * half a report. Anything else that exists ({@code /dev/null}, {@code /dev/stdout}, a FIFO) is
   * opened and written: moving a file over it would replace the device itself, and as root that
   * turns {@code /dev/null} into a regular file for every other process on the machine. A report
   * that cannot be written (a directory, a full disk, a missing directory, a read-only file) is a
   * usage error naming the path and the reason, not an internal one; an exception from the body's
   * own work (a streamed scan runs inside it) goes on as it was.
   */
  static void write(Path target, Body body) throws IOException {
    if (Files.isDirectory(target)) {
      throw new Main.UsageException("cannot write the report to " + target + ": it is a directory");
    }
    if (Files.exists(target) && !Files.isRegularFile(target)) {
      OutputStream raw;
      try {
        raw = Files.newOutputStream(target);
      } catch (IOException e) {
        throw cannotWrite(target, e);
      }
      writeWatched(target, raw, body);
      return;
    }
    Path tmp;
    try {
      tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".tokensweep-report", ".tmp");
    } catch (IOException e) {
      throw cannotWrite(target, e);
    }
    try {
      writeWatched(target, Files.newOutputStream(tmp), body);
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw cannotWrite(target, e);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The body written into {@code raw} and closed; a failure of the stream itself (thrown, or kept
   * to itself by a writer inside the body) is a usage error about {@code target}, one of the
   * body's own work goes on as it was.
   */
  private static void writeWatched(Path target, OutputStream raw, Body body) throws IOException {
    Watched out = new Watched(raw);
    try (out) {
      body.writeTo(out);
      out.flush();
    } catch (IOException e) {
      if (out.failed != null) {
        throw cannotWrite(target, out.failed);
      }
      throw e;
    }
    if (out.failed != null) {
      throw cannotWrite(target, out.failed); // a writer inside the body kept it to itself
    }
  }

  private static Main.UsageException cannotWrite(Path target, IOException e) {
    return new Main.UsageException("cannot write the report to " + target + ": " + reason(e));
  }

  /** Why a write failed, without the exception's own message (it may name other paths). */
  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
      return ((FileSystemException) e).getReason();
    }
    String m = e.getMessage();
    return m != null && m.length() < 100 && !m.contains("/") ? m : e.getClass().getSimpleName();
  }

  /** The report's stream, remembering a failure of its own (as opposed to one of the body's work). */
  private static final class Watched extends FilterOutputStream {
    IOException failed;

    Watched(OutputStream out) {
      super(out);
    }

    private IOException noted(IOException e) {
      failed = e;
      return e;
    }

    @Override
    public void write(int b) throws IOException {
      try {
        out.write(b);
      } catch (IOException e) {
        throw noted(e);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        throw noted(e);
      }
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (IOException e) {
        throw noted(e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        out.close();
      } catch (IOException e) {
        throw noted(e);
      }
    }
  }
}
