package dev.tokensweep.corpus.gen;

import dev.tokensweep.corpus.SourceType;
import java.util.ArrayList;
import java.util.List;

/**
 * Support bundles: a tar.gz with logs, a rotated gzip log, a home directory and a zip that holds
 * a tar.gz (archive in archive in archive); a zip of telemetry and dumps; a tar.xz in the
 * sosreport layout. Every leaf is fresh, so each secret sits in one place.
 */
final class Bundles {
  private Bundles() {}

  static List<Leaf> all(Host h) {
    List<Leaf> out = new ArrayList<>();
    out.add(support(h));
    out.add(diagZip(h));
    out.add(sosreport(h));
    return out;
  }

  private static Leaf rename(Leaf l, String name) {
    return new Leaf(name, l.bytes(), l.planted());
  }

  static Leaf support(Host h) {
    List<Leaf> m = new ArrayList<>();
    m.add(rename(ToolLogs.appLog(h, SourceType.LOG, "x", 240), "var/log/orders/app.log"));
    m.add(rename(Archives.gzip(ToolLogs.appLog(h, SourceType.LOG, "x", 240), "x", 1), "var/log/orders/app.log.2.gz"));
    m.add(rename(Homes.bash(h), "home/" + h.user + "/.bash_history"));
    m.add(rename(ToolLogs.ghDeviceFlow(h, SourceType.LOG), "home/" + h.user + "/gh-debug.log"));
    Leaf innermost = Archives.tarGz("inner/k8s-state.tar.gz", List.of(
        rename(ToolLogs.kubectl(h, SourceType.LOG, false), "k8s/kubectl-v9.log"),
        rename(Homes.kubeconfig(h), "k8s/kubeconfig")));
    Leaf middle = Archives.zip("diag/collect.zip", List.of(innermost, rename(ToolLogs.curl(h, SourceType.LOG), "curl/trace.log")));
    m.add(middle);
    return Archives.tarGz("support-" + h.shortHost() + ".tar.gz", m);
  }

  static Leaf diagZip(Host h) {
    List<Leaf> m = new ArrayList<>();
    m.add(rename(Telemetry.har(h, SourceType.HAR, "x"), "network/session.har"));
    m.add(rename(Telemetry.otlp(h, SourceType.TELEMETRY), "telemetry/traces.json"));
    m.add(rename(Dumps.hsErr(h, SourceType.DUMP), "crash/hs_err_pid4242.log"));
    m.add(rename(Dumps.minidump(h, SourceType.DUMP), "crash/agent.dmp"));
    m.add(rename(ToolLogs.az(h, SourceType.LOG), "logs/az-debug.log"));
    return Archives.zip(h.shortHost() + "-diagnostics.zip", m);
  }

  static Leaf sosreport(Host h) {
    String root = "sosreport-" + h.shortHost() + "-2026-11-02-" + h.forge.random("abcdefghijklmnopqrstuvwxyz", 6) + "/";
    List<Leaf> m = new ArrayList<>();
    m.add(text(root + "hostname", h.hostname + "\n"));
    m.add(text(root + "uname", "Linux " + h.shortHost() + " 6.1.0-26-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 x86_64 GNU/Linux\n"));
    m.add(text(root + "sos_reports/manifest.json", "{\"version\": \"4.7.0\", \"cmdline\": \"sos report --batch\", \"start_time\": \"2026-11-02 10:11:12\", \"policy\": \"debian\"}\n"));
    m.add(text(root + "sos_logs/sos.log", "2026-11-02 10:11:12,345 INFO: [plugin:kubernetes] collecting\n2026-11-02 10:11:13,001 INFO: [plugin:logs] collecting\n"));
    TextBuilder env = new TextBuilder(SourceType.LOG);
    env.line("PATH=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin\"").add("GITHUB_TOKEN=").plant(h.forge.github("ghp_"), "sosreport etc/environment").line("");
    m.add(env.leaf(root + "etc/environment"));
    m.add(rename(ToolLogs.syslog(h, SourceType.LOG, "x"), root + "var/log/messages"));
    m.add(rename(ToolLogs.aws(h, SourceType.LOG), root + "sos_commands/aws/aws_--debug_sts_get-caller-identity"));
    m.add(rename(ToolLogs.kubectl(h, SourceType.LOG, true), root + "sos_commands/kubernetes/kubectl_-v9_get_pods"));
    return Archives.tarXz(root.substring(0, root.length() - 1) + ".tar.xz", m);
  }

  static Leaf text(String name, String content) {
    TextBuilder b = new TextBuilder(SourceType.LOG);
    b.add(content);
    return b.leaf(name);
  }
}
