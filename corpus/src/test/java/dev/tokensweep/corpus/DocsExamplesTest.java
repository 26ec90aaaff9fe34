package dev.tokensweep.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tokensweep.scanner.cli.Main;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every example in the README and in docs/ runs, so none can go stale again (the
 * {@code tokensweep.yaml} example in docs/sweeps.md once exited 2 when pasted). Each fenced block
 * is taken apart: {@code sh} lines, the command of a {@code cron} line, a systemd
 * {@code ExecStart=}, the {@code run:} steps of a GitHub workflow, a {@code tokensweep.yaml} and a
 * custom rules file. Each tokensweep command is parsed against the real command line (an option
 * that no longer exists fails here) and run with the built jar in a sandbox: the paths it names
 * are made there from the samples (a directory, a tar.gz, a HAR, a log, an index made by a scan
 * first, a report made by a scan of the same inputs for {@code revoke --report}), piped commands
 * get a sample on stdin. A scan must exit 0 or 1, never 2 or 4. A command that would reach beyond
 * the sandbox (a provider, an OpenSearch cluster) is parsed but not run, and names the test that
 * runs it against a local stand-in ({@link #PARSED_ONLY}). Simple {@code NAME=value} assignments
 * made earlier in the same document are expanded, so a runbook can say {@code $TS scan}. Commands
 * of other programs must be ones this test knows about, with the place that covers them.
 */
class DocsExamplesTest {

  static final Path REPO = Path.of("").toAbsolutePath().getParent();
  static final Path SAMPLES = REPO.resolve("corpus/samples");
  static final Path JAR = REPO.resolve("scanner/target/tokensweep.jar");

  /** Programs the docs show that this test does not run, and what covers them instead. */
  static final Map<String, String> NOT_RUN = Map.ofEntries(
      Map.entry("mvn", "the build itself"),
      Map.entry("kubectl", "its output is a sample on stdin here"),
      Map.entry("ln", ".ci/dist-check.sh links the launcher onto PATH"),
      Map.entry("tar", ".ci/dist-check.sh unpacks the tarball"),
      Map.entry("sudo", ".ci/dist-check.sh installs the .deb into a scratch root"),
      Map.entry("dpkg", ".ci/dist-check.sh installs the .deb into a scratch root"),
      Map.entry("docker", "not testable on the build machine (no Docker engine)"),
      Map.entry("systemctl", "a system's own service manager"),
      Map.entry("logger", "a system's own syslog"),
      Map.entry("[", "a shell test of the exit code"),
      Map.entry("awk", "part of an Elasticsearch bulk ingest: needs a cluster (EcsReporter's tests check the documents)"),
      Map.entry("curl", "part of an Elasticsearch bulk ingest: needs a cluster (EcsReporter's tests check the documents)"),
      Map.entry("corpus", "CorpusEvaluationTest generates and evaluates a corpus the same way"),
      Map.entry("head", "coreutils making a random fingerprint key; the sandbox writes its own key files"),
      Map.entry("base64", "coreutils making a random fingerprint key; the sandbox writes its own key files"),
      Map.entry("umask", "a shell builtin (the mode of the files written after it): needs no coverage"),
      Map.entry("export", "a shell builtin: a simple value is expanded like an assignment; a fingerprint key read"
          + " by command substitution is not, the sandbox runs every command with the same default key"));

  /**
   * A tokensweep command, or a command with an option, that reaches beyond the sandbox; {@code
   * coveredBy} is the test, in this repository, that runs it against a local stand-in.
   */
  record Elsewhere(String command, String option, String why, String coveredBy) {
    boolean matches(String cmd, CommandLine.ParseResult sub) {
      return (cmd.equals(command) || cmd.startsWith(command + " ")) && (option == null || sub.hasMatchedOption(option));
    }
  }

  /**
   * Parsed against the real command line but not run. The provider endpoints cannot be pointed
   * elsewhere from outside the process (no flag, property or variable can, by design), so the
   * validating and revoking tests run in-process against fake providers instead.
   */
  static final List<Elsewhere> PARSED_ONLY = List.of(
      new Elsewhere("scan", "--validate", "asks each token's provider over the network",
          "scanner/src/test/java/dev/tokensweep/scanner/respond/ValidateCliTest.java"),
      new Elsewhere("revoke", "--yes", "revokes tokens at their providers",
          "scanner/src/test/java/dev/tokensweep/scanner/respond/RevokeCliTest.java"),
      new Elsewhere("scan", "--ship", "sends the sweep to an OpenSearch cluster",
          "scanner/src/test/java/dev/tokensweep/scanner/fleet/FleetIT.java"),
      new Elsewhere("ship", null, "sends to an OpenSearch cluster",
          "scanner/src/test/java/dev/tokensweep/scanner/fleet/FleetIT.java"),
      new Elsewhere("fleet", null, "queries an OpenSearch cluster",
          "scanner/src/test/java/dev/tokensweep/scanner/fleet/FleetIT.java"));

  /** A shell variable name; an assignment's value is simple when no shell expansion is left in it. */
  static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(.*)", Pattern.DOTALL);

  @TempDir
  Path sandbox;

  record Block(Path file, int line, String info, String text) {
    String where() {
      return REPO.relativize(file) + ":" + line;
    }
  }

  static List<Path> docs() throws IOException {
    List<Path> files = new ArrayList<>(List.of(REPO.resolve("README.md")));
    try (Stream<Path> s = Files.list(REPO.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  static List<Block> blocks(Path file) throws IOException {
    List<Block> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.startsWith("```")) {
        String info = l.substring(3).strip();
        StringBuilder b = new StringBuilder();
        int start = i + 1;
        for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
          b.append(lines.get(i)).append('\n');
        }
        out.add(new Block(file, start, info, b.toString()));
      }
    }
    return out;
  }

  /** Shell words of one command, quotes removed; null when the line is not a simple command. */
  static List<String> words(String line) {
    List<String> w = new ArrayList<>();
    StringBuilder cur = null;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          cur.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        cur = cur == null ? new StringBuilder() : cur;
      } else if (c == ' ' || c == '\t') {
        if (cur != null) {
          w.add(cur.toString());
          cur = null;
        }
      } else {
        cur = cur == null ? new StringBuilder() : cur;
        cur.append(c);
      }
    }
    if (cur != null) {
      w.add(cur.toString());
    }
    return w;
  }

  /** A command line cut at | && || ; outside quotes, comments and redirections gone. */
  static List<String> segments(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
        cur.append(c);
      } else if (c == '\'' || c == '"') {
        quote = c;
        cur.append(c);
      } else if (c == '#' && (i == 0 || line.charAt(i - 1) == ' ')) {
        break;
      } else if (c == '|' || c == ';' || (c == '&' && i + 1 < line.length() && line.charAt(i + 1) == '&')) {
        out.add((line.charAt(i) == '|' && i + 1 < line.length() && line.charAt(i + 1) == '|' ? "||" : c == '|' ? "|" : c == '&' ? "&&" : ";") + "\u0000" + cur);
        cur.setLength(0);
        if ((c == '|' || c == '&') && i + 1 < line.length() && line.charAt(i + 1) == c) {
          i++;
        }
      } else {
        cur.append(c);
      }
    }
    out.add("end\u0000" + cur);
    return out;
  }

  static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)}|([A-Za-z_][A-Za-z0-9_]*))");

  /**
   * {@code $NAME} and {@code ${NAME}} outside single quotes replaced by the values of {@code vars},
   * as the shell would before splitting words; variables not set there (the user's {@code $PWD},
   * {@code $?}) stay as they are.
   */
  static String expand(String text, Map<String, String> vars) {
    StringBuilder out = new StringBuilder();
    boolean single = false;
    boolean dbl = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\'' && !dbl) {
        single = !single;
      } else if (c == '"' && !single) {
        dbl = !dbl;
      } else if (c == '$' && !single) {
        Matcher m = VARIABLE.matcher(text).region(i, text.length());
        if (m.lookingAt()) {
          String name = m.group(1) != null ? m.group(1) : m.group(2);
          if (vars.containsKey(name)) {
            out.append(vars.get(name));
            i = m.end() - 1;
            continue;
          }
        }
      }
      out.append(c);
    }
    return out.toString();
  }

  /**
   * Records the assignments of a command's words in {@code vars}: a value with no expansion left
   * in it is kept, any other forgets the name. True when the command is nothing but assignments;
   * {@code export NAME=value} is recorded too, but stays a command (a builtin) to account for.
   */
  static boolean assign(List<String> w, Map<String, String> vars) {
    boolean export = w.get(0).equals("export");
    List<String> a = export ? w.subList(1, w.size()) : w;
    if (a.isEmpty() || !a.stream().allMatch(x -> ASSIGNMENT.matcher(x).matches())) {
      return false;
    }
    for (String x : a) {
      Matcher m = ASSIGNMENT.matcher(x);
      m.matches();
      String value = m.group(2);
      if (value.contains("$") || value.contains("`")) {
        vars.remove(m.group(1));
      } else {
        vars.put(m.group(1), value);
      }
    }
    return !export;
  }

  /** The variables that the {@code sh} blocks before {@code b} in its document set, in order (a runbook is one shell). */
  static Map<String, String> variablesBefore(Block b) throws IOException {
    Map<String, String> vars = new HashMap<>();
    for (Block earlier : blocks(b.file())) {
      if (earlier.line() >= b.line()) {
        break;
      }
      if (!earlier.info().equals("sh")) {
        continue;
      }
      for (String line : commands(earlier)) {
        for (String seg : segments(line)) {
          List<String> w = words(expand(seg.substring(seg.indexOf('\u0000') + 1).strip(), vars));
          if (!w.isEmpty()) {
            assign(w, vars);
          }
        }
      }
    }
    return vars;
  }

  /** The commands of a block, one string each (continuation lines joined). */
  static List<String> commands(Block b) {
    List<String> raw = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String l : b.text().split("\n")) {
      String t = l.strip();
      if (t.endsWith("\\")) {
        cur.append(t, 0, t.length() - 1).append(' ');
        continue;
      }
      cur.append(t);
      raw.add(cur.toString());
      cur.setLength(0);
    }
    List<String> out = new ArrayList<>();
    for (String l : raw) {
      if (l.isBlank() || l.startsWith("#")) {
        continue;
      }
      switch (b.info()) {
        case "sh" -> out.add(l);
        case "cron" -> out.add(l.split("\\s+", 6)[5]);
        case "ini" -> {
          if (l.startsWith("ExecStart=")) {
            out.add(l.substring("ExecStart=".length()));
          }
        }
        case "yaml" -> {
          Matcher m = Pattern.compile("^(?:- )?run: (.*)$").matcher(l);
          if (m.matches()) {
            out.add(m.group(1));
          }
        }
        default -> throw new IllegalArgumentException(b.where() + ": commands in a '" + b.info() + "' block");
      }
    }
    return out;
  }

  /** The tokensweep arguments of a command segment, or null when it runs another program. */
  static List<String> tokensweepArgs(List<String> w) {
    if (w.isEmpty()) {
      return null;
    }
    String first = w.get(0);
    if (first.equals("tokensweep") || first.endsWith("/bin/tokensweep")) {
      return w.subList(1, w.size());
    }
    if (first.equals("java")) {
      int jar = w.indexOf("-jar");
      if (jar > 0 && jar + 1 < w.size() && w.get(jar + 1).endsWith("/tokensweep.jar")) {
        return w.subList(jar + 2, w.size());
      }
    }
    return null;
  }

  static String program(List<String> w) {
    String first = w.get(0);
    if (first.equals("java") && w.contains("-jar") && w.get(w.indexOf("-jar") + 1).startsWith("corpus/")) {
      return "corpus";
    }
    return first;
  }

  // ---- running one tokensweep command in the sandbox ---------------------------------------------

  private final Map<String, Integer> runs = new HashMap<>();
  /** Set while preparing a {@code revoke --report FILE} whose report does not exist yet. */
  private Path reportToMake;

  /** Where a path an example names lives in the sandbox; paths of this repository stay. */
  Path place(String value) {
    if (value.equals(".") || value.equals("./")) {
      return sandbox.resolve("checkout");
    }
    if (!value.startsWith("/") && !value.startsWith("~") && Files.exists(REPO.resolve(value))) {
      return REPO.resolve(value).normalize();
    }
    String v = value.replaceFirst("^~/?", "home/").replaceFirst("^/+", "").replaceFirst("^\\./?", "checkout/");
    return sandbox.resolve(v.isEmpty() ? "checkout" : v).normalize();
  }

  /** Makes an input the example scans or sanitizes: a directory of samples, an archive, a HAR or a log. */
  void makeInput(Path p) throws IOException {
    if (Files.exists(p)) {
      return;
    }
    Files.createDirectories(p.getParent());
    String name = p.getFileName().toString();
    if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
      try (OutputStream o = Files.newOutputStream(p);
          TarArchiveOutputStream t = new TarArchiveOutputStream(new GzipCompressorOutputStream(o))) {
        try (Stream<Path> s = Files.list(SAMPLES)) {
          for (Path f : s.sorted().toList()) {
            TarArchiveEntry e = new TarArchiveEntry("bundle/" + f.getFileName());
            e.setSize(Files.size(f));
            t.putArchiveEntry(e);
            t.write(Files.readAllBytes(f));
            t.closeArchiveEntry();
          }
        }
      }
    } else if (name.endsWith(".har")) {
      String token = sampleToken();
      Files.writeString(p, "{\"log\":{\"entries\":[{\"request\":{\"headers\":[{\"name\":\"Authorization\",\"value\":\"Bearer "
          + token + "\"}]}}]}}\n");
    } else if (name.contains(".")) {
      Files.copy(SAMPLES.resolve("curl-v.log"), p);
    } else {
      Files.createDirectories(p);
      try (Stream<Path> s = Files.list(SAMPLES)) {
        for (Path f : s.toList()) {
          Files.copy(f, p.resolve(f.getFileName()));
        }
      }
    }
  }

  /** A synthetic token from the samples' bash history, for inputs made here. */
  static String sampleToken() throws IOException {
    Matcher m = Pattern.compile("gh[po]_[A-Za-z0-9]{36}").matcher(Files.readString(SAMPLES.resolve("bash_history")));
    assertTrue(m.find(), "the samples hold a GitHub token");
    return m.group();
  }

  record Ran(int exit, String out, String err) {}

  Ran jar(List<String> args, Path stdin) throws IOException, InterruptedException {
    Assumptions.assumeTrue(Files.isRegularFile(JAR), JAR + " is not built (mvn package builds it before this module)");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-jar", JAR.toString()));
    cmd.addAll(args);
    Path cwd = Files.createDirectories(sandbox.resolve("cwd"));
    Path out = Files.createTempFile(sandbox, "out", ".txt");
    Path err = Files.createTempFile(sandbox, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile());
    pb.environment().remove("TOKENSWEEP_FINGERPRINT_KEY");
    if (stdin != null) {
      pb.redirectInput(stdin.toFile());
    } else {
      pb.redirectInput(ProcessBuilder.Redirect.from(Files.createFile(sandbox.resolve("empty-" + System.nanoTime())).toFile()));
    }
    Process p = pb.start();
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), "tokensweep " + args + " did not finish");
    return new Ran(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** Runs one tokensweep command as the docs show it, with its paths in the sandbox. */
  void run(Block b, String line, List<String> args, boolean piped) throws Exception {
    String where = b.where() + ": `" + line + "`";
    CommandLine cl = Main.commandLine();
    CommandLine.ParseResult parsed;
    try {
      parsed = cl.parseArgs(args.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      fail(where + " no longer parses: " + e.getMessage());
      return;
    }
    CommandLine.ParseResult sub = parsed;
    while (sub.hasSubcommand()) {
      sub = sub.subcommand();
    }
    if (sub.isUsageHelpRequested() || sub.isVersionHelpRequested()) {
      Ran r = jar(args, null);
      assertEquals(0, r.exit(), where);
      return;
    }
    CommandSpec spec = sub.commandSpec();
    String command = spec.qualifiedName(" ").replaceFirst("^tokensweep ?", "");
    for (Elsewhere e : PARSED_ONLY) {
      if (e.matches(command, sub)) {
        assertTrue(Files.isRegularFile(REPO.resolve(e.coveredBy())), where + " " + e.why()
            + ", so it is only parsed here; " + e.coveredBy() + ", named as running it, is gone");
        return;
      }
    }
    reportToMake = null;
    List<String> inputs = new ArrayList<>();
    List<String> out = new ArrayList<>();
    int subcommandWords = command.isEmpty() ? 0 : command.split(" ").length;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (i < subcommandWords) {
        out.add(a);
        continue;
      }
      String name = a;
      String inline = null;
      if (a.startsWith("-") && a.contains("=")) {
        name = a.substring(0, a.indexOf('='));
        inline = a.substring(a.indexOf('=') + 1);
      }
      OptionSpec o = a.startsWith("-") && !a.equals("-") ? spec.findOption(name) : null;
      if (o != null && o.arity().max() > 0) {
        String value = inline != null ? inline : args.get(++i);
        String mapped = prepareOption(command, o, value, args);
        out.add(inline != null ? name + "=" + mapped : name);
        if (inline == null) {
          out.add(mapped);
        }
      } else if (o != null || a.equals("-")) {
        out.add(a);
      } else {
        String mapped = preparePositional(command, a, args);
        out.add(mapped);
        inputs.add(mapped);
      }
    }
    Path stdin = null;
    if (piped) {
      stdin = SAMPLES.resolve("az-debug.log");
    }
    if (reportToMake != null) {
      // the report a revoke chooses from, as the scan before it would have written it
      List<String> scan = new ArrayList<>(List.of("scan", "--quiet", "--format", "json", "-o", reportToMake.toString()));
      scan.addAll(inputs);
      Ran made = jar(scan, stdin);
      assertEquals(1, made.exit(), "making the report for " + where + ": " + head(made.err()));
    }
    Ran r = jar(out, stdin);
    Set<Integer> ok = switch (command) {
      case "scan", "sanitize", "search" -> Set.of(0, 1);
      default -> Set.of(0);
    };
    if (command.equals("revoke") && r.exit() == 3 && sub.matchedOptionValue("--query", "").contains("validation:")
        && r.err().contains("revoke: no finding chosen")) {
      // The query chooses by the providers' answers, which only scan --validate records (not run
      // here), so the sandbox's index has none; the query parsed and ran against the index. A
      // validated index answering validation:live is ValidateCliTest's
      // scan_validateWithIndex_reusesRecentAnswers_andTheIndexHoldsNoSecret; revoke choosing by a
      // query is RevokeCliTest's revoke_indexQuery_choosesTheFindings.
      runs.merge(command, 1, Integer::sum);
      return;
    }
    assertTrue(ok.contains(r.exit()), where + " exited " + r.exit() + " (ran as " + out + "):\n" + head(r.err()));
    runs.merge(command, 1, Integer::sum);
  }

  private static String head(String s) {
    return s.lines().limit(8).reduce("", (a, b) -> a + b + "\n");
  }

  String prepareOption(String command, OptionSpec o, String value, List<String> args) throws Exception {
    String label = o.paramLabel();
    boolean path = o.typeInfo().getType() == Path.class || o.typeInfo().getAuxiliaryTypes()[0] == Path.class
        || Set.of("FILE", "DIR", "OUTPUT").contains(label);
    if (!path) {
      return value;
    }
    Path p = place(value);
    Files.createDirectories(p.getParent());
    switch (o.longestName()) {
      case "--index" -> {
        if (!Files.exists(p) && !command.equals("scan")) {
          Ran r = jar(List.of("scan", "--quiet", "--index", p.toString(), "--host", "build-7", SAMPLES.toString()), null);
          assertEquals(1, r.exit(), "making an index for the example: " + r.err());
        }
      }
      case "--output" -> {
        if (command.equals("sanitize")) {
          deleteTree(p);
        }
      }
      case "--baseline" -> {
        if (!Files.exists(p)) {
          jar(List.of("scan", "--quiet", "--format", "json", "-o", p.toString(), SAMPLES.toString()), null);
        }
      }
      case "--report" -> {
        if (command.equals("revoke") && !Files.exists(p)) {
          reportToMake = p;
        }
      }
      case "--credentials-file" -> writeIfMissing(p, "username=docs-example\npassword=not-a-real-password\n");
      case "--rules" -> writeIfMissing(p, rulesExample());
      case "--config" -> writeIfMissing(p, "version: 1\n");
      case "--fingerprint-key-file" -> writeIfMissing(p, "docs-example-key\n");
      case "--ignore-file" -> writeIfMissing(p, "*.bak\n");
      default -> { }
    }
    return p.toString();
  }

  String preparePositional(String command, String value, List<String> args) throws Exception {
    return switch (command) {
      case "scan", "sanitize", "revoke" -> {
        Path p = place(value);
        makeInput(p);
        yield p.toString();
      }
      case "rules check" -> {
        Path p = place(value);
        writeIfMissing(p, rulesExample());
        yield p.toString();
      }
      default -> value;
    };
  }

  private static void writeIfMissing(Path p, String content) throws IOException {
    if (!Files.exists(p)) {
      Files.createDirectories(p.getParent());
      Files.writeString(p, content);
    }
  }

  /** The custom rules file the README shows. */
  static String rulesExample() throws IOException {
    for (Block b : blocks(REPO.resolve("README.md"))) {
      if (b.info().equals("yaml") && b.text().startsWith("- id:")) {
        return b.text();
      }
    }
    throw new AssertionError("the README shows no custom rules file");
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(x);
      }
    }
  }

  // ---- the tests ---------------------------------------------------------------------------------

  @TestFactory
  List<DynamicTest> everyFencedBlock_runs() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path doc : docs()) {
      for (Block b : blocks(doc)) {
        if (b.info().isEmpty()) {
          continue; // diagrams
        }
        tests.add(DynamicTest.dynamicTest(b.where() + " (" + b.info() + ")", () -> runBlock(b)));
      }
    }
    assertTrue(tests.size() > 10, "found only " + tests.size() + " blocks");
    return tests;
  }

  void runBlock(Block b) throws Exception {
    boolean workflow = b.text().contains("runs-on:") || b.text().contains("uses:") || b.text().contains("run:");
    if (b.info().equals("yaml") && !workflow) {
      if (b.text().startsWith("- id:")) {
        Path rules = sandbox.resolve("rules.yml");
        Files.writeString(rules, b.text());
        Ran r = jar(List.of("rules", "check", rules.toString()), null);
        assertEquals(0, r.exit(), b.where() + ": the rules example fails the lint:\n" + r.err() + r.out());
        return;
      }
      if (b.text().contains("rules:") || b.text().startsWith("version:")) {
        // pasted as it is into a scanned directory's tokensweep.yaml
        Path dir = sandbox.resolve("configured");
        makeInput(dir);
        Files.writeString(dir.resolve("tokensweep.yaml"), b.text());
        Ran r = jar(List.of("scan", "--quiet", dir.toString()), null);
        assertTrue(r.exit() == 0 || r.exit() == 1, b.where() + ": the tokensweep.yaml example exits " + r.exit()
            + ":\n" + r.err());
        return;
      }
      fail(b.where() + ": a yaml block this test does not know how to run");
    }
    if (!Set.of("sh", "cron", "ini", "yaml").contains(b.info())) {
      fail(b.where() + ": a '" + b.info() + "' block this test does not know how to run");
    }
    int ran = 0;
    Map<String, String> vars = variablesBefore(b);
    for (String line : commands(b)) {
      boolean piped = false;
      for (String seg : segments(line)) {
        String op = seg.substring(0, seg.indexOf('\u0000'));
        String text = seg.substring(seg.indexOf('\u0000') + 1).replaceAll("\\s[0-9]?>\\s*\\S+", " ").strip();
        List<String> w = words(expand(text, vars));
        if (!w.isEmpty() && !assign(w, vars)) {
          List<String> args = tokensweepArgs(w);
          if (args != null) {
            run(b, line, new ArrayList<>(args), piped);
            ran++;
          } else {
            String prog = program(w);
            assertTrue(NOT_RUN.containsKey(prog), b.where() + ": `" + line + "` runs " + prog
                + ", which this test neither runs nor knows who covers");
          }
        }
        piped = op.equals("|");
      }
    }
    if (b.info().equals("ini") && ran == 0 && b.text().contains("ExecStart")) {
      fail(b.where() + ": a unit whose ExecStart is not tokensweep");
    }
  }

  @Test
  void parsedOnlyCommands_nameTestsThatRunThem() throws IOException {
    for (Elsewhere e : PARSED_ONLY) {
      Path test = REPO.resolve(e.coveredBy());
      assertTrue(Files.isRegularFile(test), e.coveredBy() + " is gone, but covers `" + e.command() + "`");
      String source = Files.readString(test);
      String used = e.option() != null ? e.option() : e.command();
      assertTrue(source.contains("\"" + used + "\""), e.coveredBy() + " never runs " + used);
    }
  }

  @Test
  void expand_replacesOnlyVariablesSetEarlier() {
    Map<String, String> vars = new HashMap<>();
    assertTrue(assign(words("TS=\"java -jar /opt/tokensweep/tokensweep.jar\""), vars));
    assertTrue(assign(words("IDX=/secure/ir-index"), vars));
    List<String> w = words(expand("$TS search --index ${IDX} 'host:$IDX' \"$IDX\" $PWD", vars));
    assertEquals(List.of("java", "-jar", "/opt/tokensweep/tokensweep.jar", "search", "--index", "/secure/ir-index",
        "host:$IDX", "/secure/ir-index", "$PWD"), w);
    assertEquals(List.of("search", "--index", "/secure/ir-index", "host:$IDX", "/secure/ir-index", "$PWD"),
        tokensweepArgs(w));
    // a value the shell would still expand is forgotten, and export stays a command to account for
    assertFalse(assign(words("export IDX=\"$(cat /secure/ir-key)\""), vars));
    assertEquals("$IDX", expand("$IDX", vars));
  }

  @Test
  void actionScanStep_runsLikeARunnerRunsIt() throws Exception {
    Assumptions.assumeTrue(Files.isRegularFile(JAR), JAR + " is not built");
    Path bash = Path.of("/bin/bash");
    Assumptions.assumeTrue(Files.isExecutable(bash), "no bash to run the action's step with");
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode action = yaml.readTree(REPO.resolve("action.yml").toFile());
    Map<String, String> defaults = new LinkedHashMap<>();
    action.get("inputs").fields().forEachRemaining(e -> defaults.put(e.getKey(), e.getValue().path("default").asText()));
    // every ${{ inputs.x }} the action uses is an input it declares
    Matcher used = Pattern.compile("inputs\\.([a-z-]+)").matcher(Files.readString(REPO.resolve("action.yml")));
    while (used.find()) {
      assertTrue(defaults.containsKey(used.group(1)), "action.yml uses an undeclared input " + used.group(1));
    }
    JsonNode scan = null;
    for (JsonNode step : action.path("runs").path("steps")) {
      if ("scan".equals(step.path("id").asText())) {
        scan = step;
      }
    }
    assertTrue(scan != null, "action.yml has no step with id scan");
    Path checkout = sandbox.resolve("workspace");
    makeInput(checkout);
    for (String failOn : List.of("never", "high")) {
      Map<String, String> inputs = new LinkedHashMap<>(defaults);
      inputs.put("fail-on", failOn);
      Path output = sandbox.resolve("github-output-" + failOn);
      ProcessBuilder pb = new ProcessBuilder(bash.toString(), "-e", "-c", scan.get("run").asText())
          .directory(checkout.toFile()).redirectErrorStream(true);
      scan.get("env").fields().forEachRemaining(e -> {
        Matcher m = Pattern.compile("\\$\\{\\{ inputs\\.([a-z-]+) }}").matcher(e.getValue().asText());
        pb.environment().put(e.getKey(), m.matches() ? inputs.get(m.group(1)) : e.getValue().asText());
      });
      pb.environment().put("GITHUB_ACTION_PATH", REPO.toString());
      pb.environment().put("GITHUB_OUTPUT", output.toString());
      Process p = pb.start();
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(3, TimeUnit.MINUTES));
      assertEquals(0, p.exitValue(), "the Scan step failed (fail-on " + failOn + "):\n" + log);
      String out = Files.readString(output);
      assertTrue(out.contains("exit-code=1"), out);
      Path sarif = checkout.resolve(inputs.get("sarif-file"));
      JsonNode doc = new ObjectMapper().readTree(sarif.toFile());
      assertTrue(doc.get("runs").get(0).get("results").size() > 10, "the action's SARIF holds the samples' findings");
      Files.delete(sarif);
    }
  }
}
