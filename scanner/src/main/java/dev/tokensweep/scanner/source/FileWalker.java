package dev.tokensweep.scanner.source;

import dev.tokensweep.scanner.model.Problem;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;
import java.util.function.UnaryOperator;

/**
 * Walks the paths given on the command line. Regular files go to {@code files}; special files
 * (devices, FIFOs, sockets), unreadable files and directories, symlink loops and missing paths go
 * to {@code problems}. Symlinks are not followed unless {@code followLinks}; a walk never stops
 * because one entry failed.
 */
public final class FileWalker {
  private final boolean followLinks;

  public FileWalker(boolean followLinks) {
    this.followLinks = followLinks;
  }

  public void walk(Path root, Consumer<Path> files, Consumer<Problem> problems) {
    walk(root, dir -> { }, files, problems);
  }

  /**
   * As above, and every directory under {@code root} (not {@code root} itself) goes to
   * {@code directories} once, before anything inside it, readable or not: its name is input too.
   */
  public void walk(Path root, Consumer<Path> directories, Consumer<Path> files, Consumer<Problem> problems) {
    walkSized(root, directories, (file, size) -> files.accept(file), problems);
  }

  /**
   * As above, each file with its size in bytes as the walk read it (-1 where it did not: a file
   * named as the root), so that a caller deciding by size needs no second {@code stat}.
   */
  public void walkSized(Path root, Consumer<Path> directories, ObjLongConsumer<Path> files, Consumer<Problem> problems) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      problems.accept(new Problem(root.toString(), Problem.Type.NOT_FOUND, "no such file or directory"));
      return;
    }
    if (Files.isSymbolicLink(root) && !Files.exists(root)) {
      problems.accept(new Problem(root.toString(), Problem.Type.UNREADABLE, "broken symbolic link"));
      return;
    }
    // a path named on the command line is followed even when it is a link, as find -H does
    if (!Files.isDirectory(root)) {
      visitFile(root, files, problems);
      return;
    }
    if (Files.isSymbolicLink(root)) {
      // walkFileTree reads the start's own attributes without following it and would visit the
      // link as a file (skipped: not followed), so a linked directory named on the command line
      // was scanned as nothing. "link/." goes through the link; the paths reported keep its name.
      Path through = root.resolve(".");
      String prefix = through.toString() + root.getFileSystem().getSeparator();
      walkTree(through, p -> {
        String s = p.toString();
        return s.startsWith(prefix) ? root.resolve(s.substring(prefix.length())) : p.equals(through) ? root : p;
      }, directories, files, problems);
    } else {
      walkTree(root, UnaryOperator.identity(), directories, files, problems);
    }
  }

  /** The walk of the directory {@code start}, every path it reports given as {@code named} says. */
  private void walkTree(Path start, UnaryOperator<Path> named, Consumer<Path> directories, ObjLongConsumer<Path> files,
      Consumer<Problem> problems) {
    Set<FileVisitOption> opts = followLinks ? EnumSet.of(FileVisitOption.FOLLOW_LINKS) : EnumSet.noneOf(FileVisitOption.class);
    try {
      Files.walkFileTree(start, opts, Integer.MAX_VALUE, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          if (!dir.equals(start)) {
            directories.accept(named.apply(dir));
          }
          if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
            problems.accept(new Problem(named.apply(dir).toString(), Problem.Type.UNREADABLE, "directory cannot be read (permission denied)"));
            return FileVisitResult.SKIP_SUBTREE;
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isSymbolicLink()) {
            return FileVisitResult.CONTINUE; // not followed: the target is scanned where it lives, if under a root
          }
          if (!attrs.isRegularFile()) {
            problems.accept(new Problem(named.apply(file).toString(), Problem.Type.SPECIAL_FILE, "not a regular file (device, FIFO or socket); skipped"));
            return FileVisitResult.CONTINUE;
          }
          readable(named.apply(file), attrs.size(), files, problems); // a regular file: the walk's attributes say so, no stat again
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          if (e instanceof FileSystemLoopException) {
            problems.accept(new Problem(named.apply(file).toString(), Problem.Type.SYMLINK_LOOP, "symbolic link loop; not followed again"));
          } else if (e instanceof NoSuchFileException) {
            problems.accept(new Problem(named.apply(file).toString(), Problem.Type.UNREADABLE, "vanished or broken link during the walk"));
          } else {
            problems.accept(new Problem(named.apply(file).toString(), Problem.Type.UNREADABLE, describe(e)));
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
          if (e != null) {
            problems.accept(new Problem(named.apply(dir).toString(), Problem.Type.UNREADABLE, describe(e)));
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      problems.accept(new Problem(named.apply(start).toString(), Problem.Type.UNREADABLE, describe(e)));
    }
  }

  private void visitFile(Path file, ObjLongConsumer<Path> files, Consumer<Problem> problems) {
    if (!Files.isRegularFile(file)) {
      problems.accept(new Problem(file.toString(), Problem.Type.SPECIAL_FILE, "not a regular file (device, FIFO or socket); skipped"));
    } else {
      readable(file, -1, files, problems);
    }
  }

  private static void readable(Path file, long size, ObjLongConsumer<Path> files, Consumer<Problem> problems) {
    if (!Files.isReadable(file)) {
      problems.accept(new Problem(file.toString(), Problem.Type.UNREADABLE, "permission denied"));
    } else {
      files.accept(file, size);
    }
  }

  /** An I/O error as a message that names no file content. */
  public static String describe(IOException e) {
    String m = e.getMessage();
    String kind = e.getClass().getSimpleName();
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return m == null ? kind : kind + ": " + m;
  }
}
