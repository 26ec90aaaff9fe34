package dev.tokensweep.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Builds the installable forms of tokensweep in the normal build ({@code package}), from the
 * scanner's jar: an install image ({@code dist/target/tokensweep/}: {@code bin/} launchers,
 * {@code lib/tokensweep.jar}, a {@code jlink}ed {@code runtime/}), the same image as a
 * {@code .tar.gz} that runs on a host with no Java, and through {@code jpackage} a {@code .deb}.
 *
 * <p>Each step that needs what the machine may lack is skipped with one line that says why and
 * what to install, so the README's build works on any machine with a JDK and Maven: no runtime
 * without {@code jlink} and the JDK's {@code jmods}, no {@code .deb} without {@code jpackage},
 * {@code dpkg-deb} and {@code fakeroot}. {@code -Dtokensweep.deb.skip} skips the {@code .deb}.
 * The runtime is cached under {@code target/jlink/}, keyed by JDK and modules, since
 * {@code jlink} is the slow step.
 */
public final class Packager {

  /**
   * What the jar needs of the JDK: jdeps ({@code --print-module-deps}: java.sql, java.net.http for
   * --validate, revoke and the fleet commands), Lucene's reflective uses of jdk.unsupported and
   * jdk.management, and jdk.crypto.ec, which no class names but TLS needs for the ECDHE key
   * exchange and EC certificates of provider and cluster hosts.
   */
  static final List<String> MODULES = List.of("java.base", "java.sql", "java.net.http", "java.management",
      "jdk.management", "jdk.unsupported", "jdk.crypto.ec");
  static final List<String> JLINK_OPTIONS = List.of("--strip-debug", "--no-man-pages", "--no-header-files",
      "--compress=2", "--generate-cds-archive");
  static final String MAIN_CLASS = "dev.tokensweep.scanner.cli.Main";
  /**
   * The JVM options of jpackage's launcher in the .deb (/opt/tokensweep/bin/tokensweep); those of
   * the POSIX launcher, which the .deb puts on PATH, are in bin/tokensweep. Not the huge pages and
   * vector size that script chooses from the machine: a fixed option the kernel or CPU cannot
   * honour would print a JVM warning on every run.
   */
  static final List<String> DEB_JAVA_OPTIONS = List.of("-Xmx1g", "-XX:+UseSerialGC", "-XX:MaxTenuringThreshold=0",
      "-XX:Tier4InvocationThreshold=50000", "-XX:Tier4MinInvocationThreshold=6000", "-XX:Tier4CompileThreshold=150000",
      "-XX:Tier4BackEdgeThreshold=400000", "-XX:CompileCommandFile=$APPDIR/tokensweep.compile", "-Dfile.encoding=UTF-8", "-XX:-UsePerfData", "-Xshare:auto",
      "-XX:SharedArchiveFile=$APPDIR/tokensweep.jsa", "-Xlog:disable", "-Xlog:all=warning:stderr",
      "-Xlog:cds*=off:stderr");

  private final Path jar;
  private final Path source;
  private final Path repo;
  private final Path target;
  private final String version;
  private final boolean skipDeb;

  Packager(Path jar, Path source, Path repo, Path target, String version, boolean skipDeb) {
    this.jar = jar;
    this.source = source;
    this.repo = repo;
    this.target = target;
    this.version = version;
    this.skipDeb = skipDeb;
  }

  /** {@code Packager JAR DIST_SRC REPO TARGET VERSION SKIP_DEB}. */
  public static void main(String[] args) throws Exception {
    new Packager(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), args[4],
        Boolean.parseBoolean(args[5])).run();
  }

  /**
   * {@code file}, once every method its lines name is found in the classes this
   * build made: the JVM ignores a command whose class or method does not exist, so a renamed class
   * would otherwise undo the setting without a word.
   */
  static Path checkedCompileCommands(Path file) throws IOException {
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#") || l.equals("quiet")) {
        continue;
      }
      String[] cmd = l.split("\\s+");
      boolean known = cmd.length == 2 && cmd[0].equals("dontinline")
          || cmd.length == 3 && cmd[0].equals("CompileThresholdScaling") && cmd[2].matches("[0-9]*\\.?[0-9]+")
          || cmd.length == 3 && cmd[0].equals("BackgroundCompilation") && cmd[2].matches("true|false");
      int sep = known ? cmd[1].indexOf("::") : -1;
      if (sep < 0) {
        throw new IllegalStateException(file + ": only 'quiet', 'dontinline Class::method', 'CompileThresholdScaling"
            + " Class::method N' and 'BackgroundCompilation Class::method false' are expected: " + l);
      }
      String cls = cmd[1].substring(0, sep);
      String method = cmd[1].substring(sep + 2);
      Class<?> c;
      try {
        c = Class.forName(cls, false, Packager.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(file + ": no class " + cls + " (renamed?)", e);
      }
      boolean found;
      try {
        found = method.equals("*") && c.getDeclaredMethods().length > 0;
        for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
          found |= m.getName().equals(method);
        }
      } catch (NoClassDefFoundError e) {
        // a class whose methods need a module this JVM did not resolve (decode/VectorPass and
        // jdk.incubator.vector): the method's name among its class file's constants will do
        found = method.equals("*") || namedInClassFile(c, method);
      }
      if (!found) {
        throw new IllegalStateException(file + ": " + cls + " has no method " + method + " (renamed?)");
      }
    }
    return file;
  }

  /** Whether {@code name} is one of the strings in {@code c}'s class file (a method's name is). */
  private static boolean namedInClassFile(Class<?> c, String name) throws IOException {
    String resource = c.getName().replace('.', '/') + ".class";
    try (java.io.InputStream in = c.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return false;
      }
      byte[] bytes = in.readAllBytes();
      byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
      // a CONSTANT_Utf8 entry: tag 1, a two-byte length, the bytes
      for (int i = 0; i + 3 + utf8.length <= bytes.length; i++) {
        if (bytes[i] == 1 && bytes[i + 1] == (byte) (utf8.length >>> 8) && bytes[i + 2] == (byte) utf8.length
            && java.util.Arrays.equals(bytes, i + 3, i + 3 + utf8.length, utf8, 0, utf8.length)) {
          return true;
        }
      }
      return false;
    }
  }

  private static void say(String s) {
    System.out.println("[tokensweep dist] " + s);
  }

  void run() throws Exception {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build the scanner module first");
    }
    long t0 = System.nanoTime();
    Path image = target.resolve("tokensweep");
    deleteTree(image);
    Files.createDirectories(image.resolve("bin"));
    Files.createDirectories(image.resolve("lib"));
    for (String launcher : List.of("tokensweep", "tokensweep.cmd")) {
      Path to = image.resolve("bin").resolve(launcher);
      Files.copy(source.resolve("bin").resolve(launcher), to, StandardCopyOption.REPLACE_EXISTING);
      executable(to);
    }
    Files.copy(jar, image.resolve("lib/tokensweep.jar"), StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(checkedCompileCommands(source.resolve("lib/tokensweep.compile")), image.resolve("lib/tokensweep.compile"));
    Files.copy(repo.resolve("LICENSE"), image.resolve("LICENSE"));
    Files.copy(repo.resolve("README.md"), image.resolve("README.md"));

    Path runtime = runtime();
    if (runtime != null) {
      copyTree(runtime, image.resolve("runtime"));
      check(image);
    }
    Path tar = target.resolve("tokensweep-" + version + "-" + platform() + ".tar.gz");
    tarGz(image, "tokensweep-" + version, tar);
    say("tarball " + tar + " (" + mib(Files.size(tar)) + (runtime == null ? ", no bundled runtime" : "") + ")");
    Path deb = runtime == null ? null : deb(runtime);
    if (deb != null) {
      say(".deb " + deb + " (" + mib(Files.size(deb)) + ")");
    }
    say(String.format(Locale.ROOT, "done in %.1f s; run %s", (System.nanoTime() - t0) / 1e9,
        image.resolve("bin/tokensweep")));
  }

  /** The jlinked runtime, from the cache when this JDK made it with these modules before; null when jlink cannot. */
  private Path runtime() throws IOException, InterruptedException {
    Path javaHome = Path.of(System.getProperty("java.home"));
    Path jlink = javaHome.resolve("bin").resolve(exe("jlink"));
    if (!Files.isExecutable(jlink) || !Files.isDirectory(javaHome.resolve("jmods"))) {
      say("no bundled runtime: " + javaHome + " has no jlink or no jmods (install the full JDK, e.g. openjdk-17-jdk); "
          + "the image then runs on the Java it finds");
      return null;
    }
    String key = sha256(System.getProperty("java.runtime.version") + "\n" + javaHome + "\n" + MODULES + "\n"
        + JLINK_OPTIONS).substring(0, 16);
    Path cached = target.resolve("jlink").resolve(key);
    if (Files.isRegularFile(cached.resolve("release"))) {
      return cached;
    }
    deleteTree(cached);
    Files.createDirectories(cached.getParent());
    List<String> cmd = new ArrayList<>(List.of(jlink.toString(), "--add-modules", String.join(",", MODULES)));
    cmd.addAll(JLINK_OPTIONS);
    cmd.addAll(List.of("--output", cached.toString()));
    long t0 = System.nanoTime();
    exec(cmd, Map.of());
    say(String.format(Locale.ROOT, "jlink: runtime of %s in %.1f s", String.join(",", MODULES),
        (System.nanoTime() - t0) / 1e9));
    return cached;
  }

  /** The image's runtime runs the jar: a missing module would show here, not on a user's host. */
  private void check(Path image) throws IOException, InterruptedException {
    Path java = image.resolve("runtime/bin").resolve(exe("java"));
    String out = exec(List.of(java.toString(), "-jar", image.resolve("lib/tokensweep.jar").toString(), "rules", "list"),
        Map.of());
    if (!out.contains(" rules")) {
      throw new IllegalStateException("the bundled runtime does not run the jar: " + out);
    }
  }

  private Path deb(Path runtime) throws IOException, InterruptedException {
    if (skipDeb) {
      say(".deb skipped: -Dtokensweep.deb.skip");
      return null;
    }
    if (!System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")) {
      say(".deb skipped: only built on Linux");
      return null;
    }
    Path jpackage = Path.of(System.getProperty("java.home"), "bin", "jpackage");
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(jpackage)) {
      missing.add("jpackage (a full JDK 17+)");
    }
    for (String tool : List.of("dpkg-deb", "fakeroot")) {
      if (onPath(tool) == null) {
        missing.add(tool);
      }
    }
    if (!missing.isEmpty()) {
      say(".deb skipped: jpackage needs " + String.join(" and ", missing)
          + " (on Debian or Ubuntu: apt-get install fakeroot)");
      return null;
    }
    Path input = target.resolve("jpackage-input");
    deleteTree(input);
    Files.createDirectories(input);
    Files.copy(jar, input.resolve("tokensweep.jar"), StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(source.resolve("lib/tokensweep.compile"), input.resolve("tokensweep.compile"));
    // the POSIX launcher too, which postinst puts on PATH: jpackage's own launcher in bin/ runs
    // with the fixed options below and no others (TOKENSWEEP_JAVA_OPTS, the -Xmx that the
    // out-of-memory message advises, did nothing there), where this one reads the environment and
    // asks for huge pages and vector sizes as the machine allows, as the tarball does
    Path launcher = input.resolve("bin/tokensweep");
    Files.createDirectories(launcher.getParent());
    Files.copy(source.resolve("bin/tokensweep"), launcher);
    launcher.toFile().setExecutable(true, false);
    Path out = target.resolve("jpackage");
    deleteTree(out);
    String appVersion = version.replaceAll("[^0-9.].*$", "");
    List<String> cmd = new ArrayList<>(List.of(jpackage.toString(), "--type", "deb", "--name", "tokensweep",
        "--app-version", appVersion, "--vendor", "tokensweep",
        "--description", "Finds leaked OAuth device codes, bearer tokens and API keys, and reports them redacted",
        "--copyright", "Apache License 2.0", "--license-file", repo.resolve("LICENSE").toString(),
        "--input", input.toString(), "--main-jar", "tokensweep.jar", "--main-class", MAIN_CLASS,
        "--runtime-image", runtime.toString(), "--install-dir", "/opt",
        "--resource-dir", source.resolve("deb").toString(),
        "--linux-package-name", "tokensweep", "--linux-app-category", "utils",
        "--linux-deb-maintainer", "noreply@tokensweep.dev",
        "--dest", out.toString()));
    for (String o : DEB_JAVA_OPTIONS) {
      cmd.add("--java-options");
      cmd.add(o);
    }
    long t0 = System.nanoTime();
    // xz at its default level takes most of the time for little gain on a runtime that jlink compressed
    exec(cmd, Map.of("DPKG_DEB_COMPRESSOR_TYPE", "gzip"));
    say(String.format(Locale.ROOT, "jpackage: .deb in %.1f s", (System.nanoTime() - t0) / 1e9));
    try (var files = Files.list(out)) {
      Path deb = files.filter(f -> f.toString().endsWith(".deb")).findFirst()
          .orElseThrow(() -> new IllegalStateException("jpackage made no .deb in " + out));
      Path moved = target.resolve(deb.getFileName());
      Files.move(deb, moved, StandardCopyOption.REPLACE_EXISTING);
      return moved;
    }
  }

  /** {@code image} as a gzipped tar with one top directory, file modes kept (launchers and the runtime's bin/ executable). */
  static void tarGz(Path image, String top, Path tar) throws IOException {
    Map<String, Path> entries = new TreeMap<>();
    Files.walkFileTree(image, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        entries.put(name(image, dir, top) + "/", dir);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        entries.put(name(image, file, top), file);
        return FileVisitResult.CONTINUE;
      }
    });
    Path tmp = tar.resolveSibling(tar.getFileName() + ".tmp");
    try (OutputStream fo = Files.newOutputStream(tmp);
        GzipCompressorOutputStream gz = new GzipCompressorOutputStream(new java.io.BufferedOutputStream(fo, 1 << 16));
        TarArchiveOutputStream t = new TarArchiveOutputStream(gz)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (Map.Entry<String, Path> e : entries.entrySet()) {
        Path p = e.getValue();
        // built by hand, not from the File: that adds creation-time headers GNU tar warns about
        TarArchiveEntry te = new TarArchiveEntry(e.getKey());
        te.setMode(mode(p));
        te.setModTime(Files.getLastModifiedTime(p).toMillis());
        if (Files.isRegularFile(p)) {
          te.setSize(Files.size(p));
        }
        te.setUserId(0);
        te.setGroupId(0);
        te.setUserName("root");
        te.setGroupName("root");
        t.putArchiveEntry(te);
        if (Files.isRegularFile(p)) {
          try (InputStream in = Files.newInputStream(p)) {
            in.transferTo(t);
          }
        }
        t.closeArchiveEntry();
      }
    }
    Files.move(tmp, tar, StandardCopyOption.REPLACE_EXISTING);
  }

  private static String name(Path image, Path p, String top) {
    StringBuilder b = new StringBuilder(top);
    for (Path part : image.relativize(p)) {
      if (!part.toString().isEmpty()) {
        b.append('/').append(part);
      }
    }
    return b.toString();
  }

  private static int mode(Path p) throws IOException {
    boolean dir = Files.isDirectory(p);
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
      int m = 0;
      for (PosixFilePermission x : perms) {
        m |= 1 << (8 - x.ordinal());
      }
      return (dir ? 040000 : 0100000) | m;
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: launchers and the runtime's programs are executable, the rest is not
      boolean exec = dir || p.getParent().getFileName().toString().equals("bin");
      return (dir ? 040000 : 0100000) | (exec ? 0755 : 0644);
    }
  }

  private static void executable(Path p) throws IOException {
    try {
      Set<PosixFilePermission> perms = new java.util.HashSet<>(Files.getPosixFilePermissions(p));
      perms.addAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_EXECUTE));
      Files.setPosixFilePermissions(p, perms);
    } catch (UnsupportedOperationException e) {
      // Windows: nothing to set
    }
  }

  private static String exec(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(20, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(cmd.get(0) + " did not finish");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n" + text);
    }
    return text;
  }

  private static Path onPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir, tool);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  static String platform() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String o = os.contains("linux") ? "linux" : os.contains("mac") ? "macos" : os.contains("win") ? "windows" : os;
    String a = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch.equals("aarch64") ? "aarch64" : arch;
    return o + "-" + a;
  }

  private static String exe(String name) {
    return System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("win") ? name + ".exe" : name;
  }

  private static String mib(long n) {
    return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Files.createDirectories(to.resolve(from.relativize(dir).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Path dest = to.resolve(from.relativize(file).toString());
        if (Files.isSymbolicLink(file)) {
          Files.copy(file.toRealPath(), dest, StandardCopyOption.COPY_ATTRIBUTES);
        } else {
          Files.copy(file, dest, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
