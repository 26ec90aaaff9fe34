package dev.tokensweep.scanner.expand;

import java.util.Locale;

/**
 * How members are named in location chains. A chain joins levels with {@code !}:
 * {@code bundle.tar.gz!bundle.tar!logs/app.zip!app/trace.log}.
 *
 * <p>Archive members keep their stored name, with control characters shown as {@code \xNN} so a
 * name cannot forge report lines. A compressed single stream holds one member named, in order of
 * preference: the file name in its gzip header (its last path element only), else the outer name
 * minus the compression extension ({@code app.log.gz} to {@code app.log}, {@code x.tgz} to
 * {@code x.tar}), else the outer name unchanged ({@code app.log.2} that is gzip holds
 * {@code app.log.2}). Only the outer name's last path element is used, so
 * {@code b.tar!var/log/app.log.1.gz} holds {@code b.tar!var/log/app.log.1.gz!app.log.1}. When the
 * compressed stream holds an archive, that level is not named: users think of
 * {@code bundle.tar.gz} as one archive, so its members are {@code bundle.tar.gz!logs/app.zip}.
 *
 * <p>Bytes of a container that no member holds are named after what they are, in angle brackets:
 * {@code <after FORMAT end>} for data after a container's end ({@code bundle.tar!<after tar end>},
 * {@code app.log.gz!<after gzip end>}, {@code x.zip!<after zip end>}; the format says which end
 * when one name holds two levels, as {@code x.tar.gz} does), {@code <zip comment>} for a zip's
 * comment, and for a 7z's bytes that no packed stream holds {@code <before 7z header>} (those that
 * end where its end header starts) or {@code <7z gap at OFFSET>} (others, by the offset of their
 * first byte that is not zero). A member may be stored under such a name too; the format in it
 * and the problem reported with such data tell them apart.
 *
 * <p>Names are never used as file system paths; a name that would escape an extraction root
 * ({@code ..} segments, a leading {@code /} or {@code \}, a drive letter) is reported as
 * {@code unsafe-name}, and the member is still scanned because reading it writes nothing.
 */
public final class Names {
  private Names() {}

  private static final String[][] SUFFIXES = {
      {".tgz", ".tar"}, {".taz", ".tar"}, {".tbz2", ".tar"}, {".tbz", ".tar"}, {".txz", ".tar"},
      {".tlz", ".tar"}, {".tzst", ".tar"}, {".gz", ""}, {".gzip", ""}, {".bz2", ""}, {".bzip2", ""},
      {".xz", ""}, {".lzma", ""}, {".zst", ""}, {".zstd", ""}, {".lz4", ""}, {".sz", ""}, {".snappy", ""},
      {".zz", ""}, {".zlib", ""}, {".deflate", ""}, {".z", ""}, {".br", ""}};

  /** A stored member name as shown in a chain: control characters escaped. */
  public static String display(String name) {
    return dev.tokensweep.scanner.model.SafeText.controls(name);
  }

  /** The last element of a chain, then its last path element: the leaf's own file name. */
  public static String baseName(String chain) {
    String leaf = leafPath(chain);
    int cut = Math.max(leaf.lastIndexOf('/'), leaf.lastIndexOf('\\'));
    return leaf.substring(cut + 1);
  }

  /**
   * The path of the leaf at the end of {@code chain}, inside its innermost archive. A chain that
   * ends in {@code !} names the content of a compressed stream (DESIGN.md: {@code app.log.1.gz!}):
   * its leaf is the compressed file's name less the compression suffix ({@code app.log.1}), so
   * readers that choose by name still see {@code .bash_history} in {@code .bash_history.gz!}.
   */
  public static String leafPath(String chain) {
    String c = chain;
    while (c.endsWith("!")) {
      String outer = c.substring(0, c.length() - 1);
      int cut = outer.lastIndexOf('!');
      String member = outer.substring(cut + 1);
      int slash = Math.max(member.lastIndexOf('/'), member.lastIndexOf('\\'));
      String dir = member.substring(0, slash + 1);
      return dir + stripCompressionSuffix(member.substring(slash + 1));
    }
    return c.substring(c.lastIndexOf('!') + 1);
  }

  /** {@code name} less its compression suffix ({@code app.log.2.gz} is {@code app.log.2}, {@code x.tgz} is {@code x.tar}). */
  static String stripCompressionSuffix(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (String[] s : SUFFIXES) {
      if (lower.endsWith(s[0]) && lower.length() > s[0].length()) {
        return name.substring(0, name.length() - s[0].length()) + s[1];
      }
    }
    return name;
  }

  /** Whether a stored name would escape an extraction root. */
  public static boolean unsafe(String name) {
    String n = name.replace('\\', '/');
    if (n.startsWith("/") || (n.length() >= 2 && n.charAt(1) == ':' && Character.isLetter(n.charAt(0)))) {
      return true;
    }
    for (String seg : n.split("/", -1)) {
      if (seg.equals("..")) {
        return true;
      }
    }
    return false;
  }
}
