package dev.tokensweep.corpus;

import dev.tokensweep.corpus.gen.Forge;
import dev.tokensweep.corpus.gen.Probe;
import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.ScanResult;
import dev.tokensweep.scanner.pipeline.Scanner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Finds out which {@link Capability capabilities} a scanner has, by scanning their probes. */
public final class Capabilities {
  private Capabilities() {}

  /**
   * Writes every capability's probe under {@code dir} (one subdirectory each), scans them all in
   * one run and returns the capabilities whose probe secrets were all reported from their file.
   */
  public static Set<Capability> detect(Scanner scanner, Path dir) throws IOException {
    Forge forge = new Forge(new Random(20261102L));
    Map<Capability, Path> files = new EnumMap<>(Capability.class);
    Map<Capability, Probe> probes = new EnumMap<>(Capability.class);
    for (Capability c : Capability.values()) {
      Probe p = c.probe(forge);
      Path d = Files.createDirectories(dir.resolve(c.id()));
      Path f = d.resolve(p.name());
      Files.write(f, p.bytes());
      files.put(c, f);
      probes.put(c, p);
    }
    ScanResult r = scanner.scan(List.of(dir.toString()), new ByteArrayInputStream(new byte[0]));
    Set<Capability> have = EnumSet.noneOf(Capability.class);
    for (Capability c : Capability.values()) {
      String file = files.get(c).toString();
      Set<String> seen = new HashSet<>();
      for (Finding f : r.findings()) {
        String p = f.location().path();
        if (p.equals(file) || p.startsWith(file + "!")) {
          seen.add(f.evidence().fingerprint());
        }
      }
      if (seen.containsAll(probes.get(c).fingerprints())) {
        have.add(c);
      }
    }
    return have;
  }
}
