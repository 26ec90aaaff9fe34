package dev.tokensweep.scanner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tokensweep.scanner.index.SweepIndex;
import dev.tokensweep.scanner.model.SafeText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tokensweep sweeps --index DIR}: the sweeps an index holds, oldest first. */
@Command(name = "sweeps", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, sortOptions = false,
    description = "List the sweeps recorded in a sweep index, oldest first.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed", "2:usage error (no index there)", "4:internal error"})
final class SweepsCommand implements Callable<Integer> {

  @Mixin
  IndexOptions indexOptions;

  @Option(names = "--host", paramLabel = "NAME", description = "Only this host's sweeps.")
  String host;

  @Mixin
  TextOrJsonOption format;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    boolean json = format.json();
    List<SweepIndex.Sweep> sweeps;
    try {
      sweeps = indexOptions.open().sweeps(host);
    } catch (NoSuchFileException e) {
      throw new Main.UsageException(indexOptions.index + ": no sweep index here (scan --index creates one)");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      List<Map<String, Object>> list = new ArrayList<>();
      for (SweepIndex.Sweep s : sweeps) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", s.seq());
        m.put("sweep", s.id());
        m.put("host", s.host());
        m.put("time", s.time().toString());
        m.put("findings", s.findings());
        m.put("files", s.files());
        m.put("bytes", s.bytes());
        m.put("complete", s.complete());
        list.add(m);
      }
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(list));
    } else {
      out.printf(Locale.ROOT, "%4s  %-26s %-16s %-20s %8s %8s  %s%n", "seq", "sweep", "host", "time", "findings",
          "files", "complete");
      for (SweepIndex.Sweep s : sweeps) {
        out.printf(Locale.ROOT, "%4d  %-26s %-16s %-20s %8d %8d  %s%n", s.seq(), s.id(), SafeText.terminal(s.host()), s.time(),
            s.findings(), s.files(), s.complete() ? "yes" : "no");
      }
    }
    out.flush();
    return 0;
  }
}
