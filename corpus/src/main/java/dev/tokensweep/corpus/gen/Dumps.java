package dev.tokensweep.corpus.gen;

import dev.tokensweep.corpus.Capability;
import dev.tokensweep.corpus.SourceType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Crash and heap dumps: a minidump ({@code MDMP}, UTF-16LE environment), an ELF core (ASCII
 * environment and {@code NT_PRPSINFO} arguments), an hprof (UTF-16BE {@code char[]} and Latin-1
 * {@code byte[]}), and an {@code hs_err_pid} log with secrets in {@code JAVA_TOOL_OPTIONS}.
 */
final class Dumps {
  private Dumps() {}

  static List<Leaf> all(Host h, SourceType source) {
    List<Leaf> out = new ArrayList<>();
    out.add(minidump(h, source));
    out.add(core(h, source));
    out.add(hprof(h, source));
    out.add(hsErr(h, source));
    return out;
  }

  static Leaf minidump(Host h, SourceType source) {
    BinaryBuilder b = new BinaryBuilder(h.random);
    b.string("MDMP", StandardCharsets.US_ASCII).le16(0xA793).le16(0x0000).le32(3).le32(32).le32(0).le32(h.epoch()).le64(0x0000_0000_0000_1826L);
    for (int i = 0; i < 3; i++) {
      b.le32(new int[] {3, 4, 5}[i]).le32(4096).le32(32 + 36 + 4096L * i);
    }
    b.noise(8192 + h.random.nextInt(8192));
    b.string("C:\\Program Files\\Acme\\agent.exe\0", StandardCharsets.UTF_16LE).noise(512);
    b.string("ALLUSERSPROFILE=C:\\ProgramData\0APPDATA=C:\\Users\\" + h.user + "\\AppData\\Roaming\0", StandardCharsets.UTF_16LE);
    b.plant("GITHUB_TOKEN=", h.forge.github("ghp_"), "\0", StandardCharsets.UTF_16LE, "minidump environment block (UTF-16LE)", source);
    b.plant("AZURE_DEVOPS_EXT_PAT=x\0SLACK_BOT_TOKEN=", h.forge.slackBot(), "\0", StandardCharsets.UTF_16LE, "minidump environment block (UTF-16LE)", source);
    b.noise(16384 + h.random.nextInt(16384));
    b.plant("GET /v1.0/me HTTP/1.1\r\nHost: graph.microsoft.com\r\nAuthorization: Bearer ", h.forge.msAccessJwt(h.random.nextBoolean(), h.tenant),
        "\r\n\r\n", StandardCharsets.US_ASCII, "minidump heap HTTP request (ASCII)", source);
    b.noise(32768 + h.random.nextInt(32768));
    return b.leaf("crash/agent-" + h.forge.uuid() + ".dmp");
  }

  static Leaf core(Host h, SourceType source) {
    BinaryBuilder b = new BinaryBuilder(h.random);
    b.bytes(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).zeros(8).le16(4).le16(0x3e).le32(1).le64(0).le64(64).le64(0)
        .le32(0).le16(64).le16(56).le16(2).le16(64).le16(0).le16(0);
    b.noise(4096);
    // NT_PRPSINFO: pr_fname[16] then pr_psargs[80]
    b.string("python3\0\0\0\0\0\0\0\0\0", StandardCharsets.US_ASCII);
    Token args = h.forge.github("ghs_");
    String before = "python3 deploy.py --token ";
    b.plant(before, args, "\0".repeat(80 - before.length() - args.value().length()), StandardCharsets.US_ASCII, "ELF core NT_PRPSINFO psargs", source);
    b.noise(16384 + h.random.nextInt(16384));
    b.string("PATH=/usr/local/bin:/usr/bin\0HOME=/home/" + h.user + "\0", StandardCharsets.US_ASCII);
    b.plant("AWS_SESSION_TOKEN=", h.forge.awsSessionToken(), "\0", StandardCharsets.US_ASCII, "ELF core environment", source);
    b.plant("GH_TOKEN=", h.forge.github("gho_"), "\0LANG=C.UTF-8\0", StandardCharsets.US_ASCII, "ELF core environment", source);
    b.noise(8192);
    b.plant("token=", h.forge.github("ghu_"), "\0", StandardCharsets.UTF_16LE, "ELF core .NET string (UTF-16LE)", source);
    b.noise(16384 + h.random.nextInt(16384));
    return b.leaf("core." + (1000 + h.random.nextInt(60000)));
  }

  static Leaf hprof(Host h, SourceType source) {
    BinaryBuilder b = new BinaryBuilder(h.random);
    b.string("JAVA PROFILE 1.0.2\0", StandardCharsets.US_ASCII).be32(8).be64(h.epoch() * 1000L);
    String s = "spring.datasource.url";
    b.u8(0x01).be32(0).be32(8 + s.length()).be64(0x7f00_1000L).string(s, StandardCharsets.US_ASCII);
    b.u8(0x1C).be32(0).be32(0);
    b.noise(8192 + h.random.nextInt(8192));
    Token t = h.forge.github("gho_");
    b.u8(0x23).be64(0x7f00_2000L).be32(1).be32(t.value().length()).u8(5); // char[]
    b.plant("", t, "", StandardCharsets.UTF_16BE, "hprof char[] (UTF-16BE)", source);
    b.noise(8192 + h.random.nextInt(8192));
    Token l = h.forge.githubRefresh();
    b.u8(0x23).be64(0x7f00_3000L).be32(1).be32(l.value().length()).u8(8); // byte[] (compact Latin-1 string)
    b.plant("", l, "", StandardCharsets.US_ASCII, "hprof byte[] Latin-1 string", source);
    b.noise(16384 + h.random.nextInt(8192));
    return b.leaf("java_pid" + (1000 + h.random.nextInt(60000)) + ".hprof");
  }

  static Leaf hsErr(Host h, SourceType source) {
    TextBuilder b = new TextBuilder(source);
    int pid = 1000 + h.random.nextInt(60000);
    b.line("#").line("# A fatal error has been detected by the Java Runtime Environment:").line("#")
        .line("#  SIGSEGV (0xb) at pc=0x00007f3a2c1d9e50, pid=" + pid + ", tid=" + (pid + 17)).line("#")
        .line("# JRE version: OpenJDK Runtime Environment (17.0.15+6) (build 17.0.15+6-Debian-1deb12u1)")
        .line("# Problematic frame:").line("# C  [libzip.so+0x1e50]  newEntry+0x60").line("#")
        .line("---------------  S U M M A R Y ------------").line("")
        .add("Command Line: -Xmx2g -Dspring.datasource.password=").plant(h.forge.password(Capability.PASSWORD_ASSIGNMENT), "hs_err Command Line")
        .line(" -jar /opt/orders/orders.jar").line("")
        .line("---------------  P R O C E S S  ---------------").line("").line("VM Arguments:")
        .add("jvm_args: -Xmx2g -Dspring.datasource.password=").plant(h.forge.password(Capability.PASSWORD_ASSIGNMENT), "hs_err jvm_args").line("")
        .line("java_command: /opt/orders/orders.jar --spring.profiles.active=prod").line("java_class_path (initial): /opt/orders/orders.jar")
        .line("Launcher Type: SUN_STANDARD").line("").line("Environment Variables:")
        .add("JAVA_TOOL_OPTIONS=-Dgithub.token=").plant(h.forge.github("ghp_"), "hs_err JAVA_TOOL_OPTIONS github.token")
        .add(" -Djavax.net.ssl.keyStorePassword=").plant(h.forge.password(Capability.PASSWORD_ASSIGNMENT), "hs_err JAVA_TOOL_OPTIONS keyStorePassword").line("")
        .line("JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64").line("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin")
        .line("SHELL=/bin/bash").line("LANG=C.UTF-8").line("")
        .line("---------------  S Y S T E M  ---------------").line("").line("OS:").line("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"");
    return b.leaf("hs_err_pid" + pid + ".log");
  }
}
