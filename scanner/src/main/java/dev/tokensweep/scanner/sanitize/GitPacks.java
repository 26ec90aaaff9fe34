package dev.tokensweep.scanner.sanitize;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The files that go with a git pack ({@code pack-<id>.pack}) in its directory: its index and the
 * other files named after it ({@code .idx .rev .bitmap .keep .mtimes .promisor}), and the
 * multi-pack index, which names every pack there. When sanitize leaves a pack out of a copy,
 * these go too: git warns of an index without its pack ({@code no corresponding .pack}) and
 * counts it as garbage, and a multi-pack index that names a missing pack fails its lookups.
 */
final class GitPacks {
  private static final List<String> COMPANIONS = List.of(".idx", ".rev", ".bitmap", ".keep", ".mtimes", ".promisor");

  private GitPacks() {}

  static boolean isPack(Path f) {
    String n = String.valueOf(f.getFileName());
    return n.startsWith("pack-") && n.endsWith(".pack") && n.length() > ".pack".length() + "pack-".length();
  }

  /** The files of {@code files} that go with {@code pack}: in its directory, named after it or the multi-pack index. */
  static List<Path> companions(Path pack, Set<Path> files) {
    String n = pack.getFileName().toString();
    String stem = n.substring(0, n.length() - ".pack".length());
    Path dir = pack.getParent();
    List<Path> out = new ArrayList<>();
    for (String ext : COMPANIONS) {
      Path c = dir.resolve(stem + ext);
      if (files.contains(c)) {
        out.add(c);
      }
    }
    for (Path f : files) {
      if (dir.equals(f.getParent()) && String.valueOf(f.getFileName()).startsWith("multi-pack-index")) {
        out.add(f);
      }
    }
    return out;
  }

  /** Why {@code companion} is left out with the pack shown as {@code pack} (its name, redacted). */
  static String why(String pack, Path companion) {
    String what = companion.getFileName().toString().startsWith("multi-pack-index")
        ? "it names every pack in its directory, and git fails to look objects up through one that names a missing pack"
        : "git warns of an index without its pack (no corresponding .pack) and counts it as garbage";
    return "sanitize: left out of the copy with the git packfile " + pack + ", which was left out: " + what;
  }
}
