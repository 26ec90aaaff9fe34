package dev.tokensweep.scanner.sanitize;

import dev.tokensweep.scanner.expand.Spool;
import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.source.FileWalker;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Sanitizes a file into a new file, or a directory into a new directory. Never writes to the input:
 * the copy is built in a temp file or directory beside the output and renamed into place at the end,
 * so a failure leaves no partial output; an output equal to or inside the input is refused.
 * Permissions are copied from the input (never wider), and modification times are kept.
 */
public final class PathSanitizer {

  /**
   * The whole outcome: one report per leaf, plus problems that kept something out of the copy;
   * {@code written} is false when nothing could be written at all (the output does not exist).
   */
  public record Result(List<Sanitizer.LeafReport> leaves, List<Problem> problems, boolean written) {
    public Result(List<Sanitizer.LeafReport> leaves, List<Problem> problems) {
      this(leaves, problems, true);
    }
  }

  /** A request that cannot be carried out (output inside input, output exists, ...). */
  public static final class RefusedException extends IOException {
    public RefusedException(String message) {
      super(message);
    }
  }

  private final Sanitizer sanitizer;
  private final dev.tokensweep.scanner.model.ScanLimits limits;

  public PathSanitizer(Sanitizer sanitizer, dev.tokensweep.scanner.model.ScanLimits limits) {
    this.sanitizer = sanitizer;
    this.limits = limits;
  }

  /** Writes the sanitized copy of one regular file; {@link ArchiveRewriter#DROPPED} when nothing could be. */
  private long rewrite(Path file, String shown, OutputStream os, List<Sanitizer.LeafReport> reports,
      List<Problem> problems) throws IOException {
    return ArchiveRewriter.rewrite(sanitizer, limits, file, shown, os, reports, problems);
  }

  public Result sanitize(Path input, Path output, boolean overwrite) throws IOException {
    Path in = input.toAbsolutePath().normalize();
    Path out = output.toAbsolutePath().normalize();
    if (!Files.exists(in, LinkOption.NOFOLLOW_LINKS)) {
      throw new RefusedException(input + ": no such file or directory");
    }
    Path realIn = in.toRealPath();
    Path outParent = out.getParent();
    if (outParent == null || !Files.isDirectory(outParent)) {
      throw new RefusedException("output directory " + outParent + " does not exist");
    }
    Path realOut = outParent.toRealPath().resolve(out.getFileName());
    refuseUnsafeOutput(output, realIn, realOut, Files.isDirectory(realIn), overwrite);
    List<Sanitizer.LeafReport> reports = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    if (Files.isDirectory(in)) {
      Path tmp = Files.createTempDirectory(outParent, "." + out.getFileName() + ".tokensweep-");
      Spool.building(tmp); // deleted if the run is stopped (SIGTERM) before it is in place
      try {
        copyTree(realIn, tmp, input.toString(), reports, problems);
        copyAttributes(realIn, tmp);
        replace(tmp, out, outParent);
      } catch (IOException | RuntimeException e) {
        deleteTree(tmp);
        throw e;
      } finally {
        Spool.built(tmp);
      }
    } else {
      // as the scan refuses them: a device, FIFO or socket is never opened (/dev/zero never ends,
      // a FIFO blocks), and nothing is created for it
      List<Path> regular = new ArrayList<>();
      new FileWalker(false).walk(realIn, regular::add, p -> problems.add(new Problem(input.toString(), p.type(),
          p.message())));
      if (regular.isEmpty()) {
        return new Result(reports, problems, false);
      }
      Path tmp = Files.createTempFile(outParent, "." + out.getFileName() + ".", ".tokensweep");
      Spool.building(tmp);
      try {
        long n;
        try (OutputStream os = Files.newOutputStream(tmp)) {
          n = rewrite(realIn, input.toString(), os, reports, problems);
        }
        if (n == ArchiveRewriter.DROPPED) {
          if (problems.isEmpty()) {
            problems.add(new Problem(input.toString(), Problem.Type.UNSUPPORTED, "binary file dropped by --binary drop;"
                + " nothing written"));
          }
          Files.deleteIfExists(tmp);
          return new Result(reports, problems, false);
        }
        copyAttributes(realIn, tmp);
        move(tmp, out);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(tmp);
        throw e;
      } finally {
        Spool.built(tmp);
      }
    }
    return new Result(reports, problems, true);
  }

  /**
   * Refuses every output that could destroy input or unrelated data: the input itself or a path
   * inside it, a directory that holds the input (replacing it with {@code --force} would delete
   * the input), the working directory or one of its parents, a file system root, and with
   * {@code --force} anything that is not of the input's own type (a directory replaced by a file's
   * copy or the other way round is never a previous output). Checked on real paths, so symlinks
   * to or above the input are refused too.
   */
  public static void refuseUnsafeOutput(Path shown, Path realIn, Path realOut, boolean inputIsDir, boolean overwrite)
      throws IOException {
    if (realOut.equals(realIn) || realOut.startsWith(realIn)) {
      throw new RefusedException("output " + shown + " is the input or inside it; refusing to write into the input");
    }
    if (realIn.startsWith(realOut)) {
      throw new RefusedException("output " + shown + " holds the input; refusing to replace it");
    }
    Path cwd = Path.of("").toAbsolutePath().normalize();
    try {
      cwd = cwd.toRealPath();
    } catch (IOException e) {
      // a working directory that is gone cannot be replaced either
    }
    if (cwd.startsWith(realOut)) {
      throw new RefusedException("output " + shown + " is the working directory or one of its parents; refusing to replace it");
    }
    if (realOut.getParent() == null) {
      throw new RefusedException("output " + shown + " is a file system root; refusing to replace it");
    }
    if (!Files.exists(realOut, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!overwrite) {
      throw new RefusedException("output " + shown + " exists (use --force to replace it)");
    }
    if (Files.isSymbolicLink(realOut)) {
      // --force replaces the link itself, never what it points to; still refuse a link to or above the input
      Path target;
      try {
        target = realOut.toRealPath();
      } catch (IOException e) {
        return; // a dangling link: replacing it touches nothing else
      }
      if (target.equals(realIn) || target.startsWith(realIn) || realIn.startsWith(target)) {
        throw new RefusedException("output " + shown + " is a link to the input or to a directory holding it;"
            + " refusing to replace it");
      }
      return;
    }
    boolean outIsDir = Files.isDirectory(realOut, LinkOption.NOFOLLOW_LINKS);
    if (outIsDir != inputIsDir) {
      throw new RefusedException("output " + shown + " is a " + (outIsDir ? "directory" : "file") + " and the input a "
          + (inputIsDir ? "directory" : "file") + "; --force only replaces an earlier copy of the same kind");
    }
  }

  /** Puts {@code tmp} in place of {@code out}, which may exist: the old one is moved aside first and deleted last. */
  private static void replace(Path tmp, Path out, Path outParent) throws IOException {
    if (!Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
      move(tmp, out);
      return;
    }
    Path aside = Files.createTempDirectory(outParent, "." + out.getFileName() + ".old-");
    Path old = aside.resolve("old");
    Files.move(out, old, StandardCopyOption.ATOMIC_MOVE);
    try {
      move(tmp, out);
    } catch (IOException | RuntimeException e) {
      Files.move(old, out, StandardCopyOption.ATOMIC_MOVE); // put the earlier copy back
      Files.deleteIfExists(aside);
      throw e;
    }
    deleteTree(aside);
  }

  private void copyTree(Path root, Path dest, String shownRoot, List<Sanitizer.LeafReport> reports,
      List<Problem> problems) throws IOException {
    List<Path> files = new ArrayList<>();
    new FileWalker(false).walk(root, files::add, problems::add);
    List<Path> droppedPacks = new ArrayList<>();
    java.util.Map<Path, String> names = new java.util.HashMap<>();
    // directories first, so empty ones and their modes are kept too
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Files.createDirectories(dest.resolve(clean(root.relativize(dir), shownRoot, names, reports)));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException exc) {
        return FileVisitResult.CONTINUE; // the walker above already reported it
      }
    });
    for (Path f : files) {
      String rel = root.relativize(f).toString();
      Path target = dest.resolve(clean(root.relativize(f), shownRoot, names, reports));
      String shown = sanitizer.redactText(Path.of(shownRoot).resolve(rel).toString());
      boolean keep;
      try (OutputStream os = Files.newOutputStream(target)) {
        keep = rewrite(f, shown, os, reports, problems) != ArchiveRewriter.DROPPED;
      } catch (IOException e) {
        problems.add(new Problem(shown, Problem.Type.UNREADABLE, FileWalker.describe(e) + "; left out of the copy"));
        Files.deleteIfExists(target);
        continue;
      }
      if (!keep) {
        Files.deleteIfExists(target);
        if (GitPacks.isPack(f)) {
          droppedPacks.add(f);
        }
        continue;
      }
      copyAttributes(f, target);
    }
    // a pack left out takes the files that name it along: an index without its pack is garbage to git
    java.util.Set<Path> gone = new java.util.HashSet<>();
    java.util.Set<Path> all = new java.util.HashSet<>(files);
    for (Path pack : droppedPacks) {
      for (Path c : GitPacks.companions(pack, all)) {
        if (!gone.add(c)) {
          continue;
        }
        Files.deleteIfExists(dest.resolve(clean(root.relativize(c), shownRoot, names, reports)));
        String shown = sanitizer.redactText(Path.of(shownRoot).resolve(root.relativize(c).toString()).toString());
        problems.add(new Problem(shown, Problem.Type.UNSUPPORTED,
            GitPacks.why(sanitizer.redactText(pack.getFileName().toString()), c)));
        reports.replaceAll(r -> r.path().equals(shown) && !r.name()
            ? new Sanitizer.LeafReport(r.path(), r.binary(), true, 0, r.fingerprintsByRule(), r.problems()) : r);
      }
    }
    // directory times last: writing files into them changed their mtimes
    try (Stream<Path> dirs = Files.walk(root)) {
      for (Path d : dirs.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
        Path t = dest.resolve(clean(root.relativize(d), shownRoot, names, reports));
        if (Files.isDirectory(t)) {
          copyAttributes(d, t);
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      // times of unreadable directories cannot be copied; their problem is already reported
    }
  }

  /**
   * {@code rel} as it is named in the copy: each file or directory name with the secrets in it
   * masked as content is (issue 12 item 2), the rest of the name kept; a rename is reported once.
   */
  private String clean(Path rel, String shownRoot, java.util.Map<Path, String> names,
      List<Sanitizer.LeafReport> reports) throws IOException {
    if (rel.toString().isEmpty()) {
      return "";
    }
    String known = names.get(rel);
    if (known != null) {
      return known;
    }
    Path parent = rel.getParent();
    String head = parent == null ? "" : clean(parent, shownRoot, names, reports);
    String name = rel.getFileName().toString();
    Sanitizer.RedactedName r = sanitizer.redactName(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    if (r != null) {
      String renamed = new String(r.name(), java.nio.charset.StandardCharsets.UTF_8).replace('/', '_');
      if (renamed.equals(".") || renamed.equals("..")) {
        renamed = "REDACTED";
      }
      reports.add(new Sanitizer.LeafReport(Path.of(shownRoot).resolve(head.isEmpty() ? renamed : head + "/" + renamed)
          .toString(), false, false, r.replacements(), r.fingerprintsByRule(), List.of(), true));
      name = renamed;
    }
    String out = head.isEmpty() ? name : head + "/" + name;
    names.put(rel, out);
    return out;
  }

  /** Modification time and POSIX permissions, never wider than the source's. */
  static void copyAttributes(Path from, Path to) throws IOException {
    PosixFileAttributeView src = Files.getFileAttributeView(from, PosixFileAttributeView.class);
    PosixFileAttributeView dst = Files.getFileAttributeView(to, PosixFileAttributeView.class);
    if (src != null && dst != null) {
      Set<PosixFilePermission> perms = src.readAttributes().permissions();
      dst.setPermissions(perms);
    }
    FileTime mtime = Files.getLastModifiedTime(from);
    Files.setLastModifiedTime(to, mtime);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(p)) {
      for (Path x : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
