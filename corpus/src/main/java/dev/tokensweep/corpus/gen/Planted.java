package dev.tokensweep.corpus.gen;

import dev.tokensweep.corpus.Capability;
import dev.tokensweep.corpus.Label;
import dev.tokensweep.corpus.SourceType;
import dev.tokensweep.detectors.evidence.Fingerprinter;
import dev.tokensweep.detectors.rule.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A secret planted in a leaf, before the leaf has its final path. {@code suffix} is the part of
 * the location chain below the file it ends up in ({@code ""} for the file itself, {@code "!"} for
 * a gzip stream's content, {@code "!var/log/app.log"} for a tar member). Holds the fingerprint,
 * never the secret.
 */
record Planted(String suffix, Long line, Long column, long offset, Long entry, String encoding, String jsonPath,
    Kind kind, String provider, SourceType source, String fingerprint, int length, String status, Set<String> requires,
    String context) {

  private static final Fingerprinter FP = Fingerprinter.withDefaultKey();

  static Planted of(Token t, SourceType source, Long line, Long column, long offset, Long entry, String encoding,
      String context, Capability... extra) {
    Set<String> req = new LinkedHashSet<>();
    if (t.rule() != null) {
      req.add(t.rule().id()); // a catalogue token needs no capability beyond its container's
    }
    for (Capability c : extra) {
      req.add(c.id());
    }
    return new Planted("", line, column, offset, entry, encoding, null, t.kind(), t.provider(), source,
        FP.fingerprint(t.value().getBytes(StandardCharsets.UTF_8)), t.value().length(), t.status(), req, context);
  }

  /** This secret seen from one level up: inside {@code member} of a container that needs {@code cap}. */
  Planted within(String member, Capability cap, SourceType override) {
    Set<String> req = new LinkedHashSet<>();
    if (cap != null) {
      req.add(cap.id());
    }
    req.addAll(requires);
    return new Planted("!" + member + suffix, line, column, offset, entry, encoding, jsonPath, kind, provider,
        override != null ? override : source, fingerprint, length, status, req, context);
  }

  Label toLabel(String id, String path) {
    List<String> req = new ArrayList<>(requires);
    return new Label(id, path + suffix, line, column, offset, entry, encoding, jsonPath, kind, provider, source,
        fingerprint, length, status, req, context);
  }
}
