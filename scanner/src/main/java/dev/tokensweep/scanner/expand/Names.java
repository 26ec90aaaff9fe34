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
      {".zz", ""}, {".zlib", ""}, {".deflate", ""}, {".z", ""}};

  /** A stored member name as shown in a chain: control characters escaped. */
  public static String display(String name) {
    StringBuilder b = null;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        if (b == null) {
          b = new StringBuilder(name.length() + 8).append(name, 0, i);
        }
        b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? name : b.toString();
  }

  /** The last element of a chain, then its last path element: the leaf's own file name. */
  public static String baseName(String chain) {
    int cut = Math.max(chain.lastIndexOf('!'), Math.max(chain.lastIndexOf('/'), chain.lastIndexOf('\\')));
    return chain.substring(cut + 1);
  }

  /** The member name of a compressed stream at {@code outerChain}; {@code headerName} may be null. */
  public static String compressedMember(String outerChain, String headerName) {
    if (headerName != null) {
      String h = baseName(headerName.replace('!', '_'));
      if (!h.isEmpty() && !h.equals(".") && !h.equals("..")) {
        return display(h);
      }
    }
    String outer = baseName(outerChain);
    String lower = outer.toLowerCase(Locale.ROOT);
    for (String[] s : SUFFIXES) {
      if (lower.endsWith(s[0]) && lower.length() > s[0].length()) {
        return outer.substring(0, outer.length() - s[0].length()) + s[1];
      }
    }
    return outer.isEmpty() ? "-" : outer;
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
