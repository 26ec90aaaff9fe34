package dev.tokensweep.corpus.gen;

import dev.tokensweep.corpus.SourceType;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A capability probe: one small file and the fingerprints (default key) of the secrets in it that
 * a scanner with the capability must all report from that file.
 */
public record Probe(String name, byte[] bytes, List<String> fingerprints) {
  private static final Fingerprinter FP = Fingerprinter.withDefaultKey();

  public Probe {
    fingerprints = List.copyOf(fingerprints);
  }

  /** A text file: {@code format} with one {@code %s} per token. */
  public static Probe text(String name, String format, Token... tokens) {
    Object[] values = new Object[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      values[i] = tokens[i].value();
    }
    return new Probe(name, String.format(format, values).getBytes(StandardCharsets.UTF_8), fps(tokens));
  }

  public static Probe base64Auth(Token t) {
    String auth = Forge.b64("x-access-token:" + t.value());
    return new Probe("config.json", ("{\"auths\":{\"ghcr.io\":{\"auth\":\"" + auth + "\"}}}\n").getBytes(StandardCharsets.UTF_8),
        fps(t));
  }

  /** A log line with {@code Authorization: Basic} holding {@code deploy:<t>} in base64. */
  /** {@code Authorization: Basic}: the finding is the base64 credential itself, as the scanner reports it. */
  public static Probe basicAuth(Token t) {
    String auth = Forge.b64("deploy:" + t.value());
    Token credential = new Token(auth, dev.tokensweep.detectors.rule.Kind.PASSWORD, "http-basic", null, "unknown");
    return new Probe("probe.log", ("> Authorization: Basic " + auth + "\n").getBytes(StandardCharsets.UTF_8), fps(credential));
  }

  public static Probe gzip(Token t) {
    Leaf l = Archives.gzip(textLeaf("app.log", t), "app.log.2.gz", 2);
    return new Probe(l.name(), l.bytes(), fps(t));
  }

  public static Probe tarGz(Token t) {
    Leaf l = Archives.tarGz("bundle.tar.gz", List.of(textLeaf("var/log/app.log", t)));
    return new Probe(l.name(), l.bytes(), fps(t));
  }

  public static Probe zip(Token t) {
    Leaf l = Archives.zip("bundle.zip", List.of(textLeaf("logs/app.log", t)));
    return new Probe(l.name(), l.bytes(), fps(t));
  }

  public static Probe tarXz(Token t) {
    Leaf l = Archives.tarXz("sosreport.tar.xz", List.of(textLeaf("var/log/messages", t)));
    return new Probe(l.name(), l.bytes(), fps(t));
  }

  /** A minidump-like binary with one token in UTF-16LE and one in UTF-16BE among random bytes. */
  public static Probe utf16(Token le, Token be) {
    BinaryBuilder b = new BinaryBuilder(new Random(7));
    b.bytes("MDMP".getBytes(StandardCharsets.US_ASCII)).le16(0xA793).le16(0).noise(500);
    b.plant("GITHUB_TOKEN=", le, "\0", StandardCharsets.UTF_16LE, "probe", SourceType.DUMP).noise(300);
    b.plant("token=", be, "\0", StandardCharsets.UTF_16BE, "probe", SourceType.DUMP).noise(300);
    Leaf l = b.leaf("probe.dmp");
    return new Probe(l.name(), l.bytes(), fps(le, be));
  }

  private static Leaf textLeaf(String name, Token t) {
    TextBuilder b = new TextBuilder(SourceType.LOG);
    b.line("2026-11-02T10:00:00Z INFO starting");
    b.add("2026-11-02T10:00:01Z DEBUG using GITHUB_TOKEN=").plant(t, "probe").line("");
    return b.leaf(name);
  }

  private static List<String> fps(Token... tokens) {
    List<String> out = new ArrayList<>();
    for (Token t : tokens) {
      out.add(FP.fingerprint(t.value().getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }
}
