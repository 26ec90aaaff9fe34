package dev.tokensweep.scanner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokensweep.scanner.model.Finding;
import dev.tokensweep.scanner.model.FindingTally;
import dev.tokensweep.scanner.model.ScanResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streamed CSV rows are built without the report model's maps and keep the cells of evidences
 * they have seen; they must stay the bytes of the CSV report built from the maps, for random
 * findings (every optional field set or absent, text that needs escaping, quoting or the formula
 * guard), findings again and paths again.
 */
class CsvRowsTest {

  @Test
  void streamedRows_sameBytesAsReport() throws IOException {
    Random rnd = new Random(30);
    for (int run = 0; run < 200; run++) {
      boolean reveal = rnd.nextInt(4) == 0;
      List<Finding> findings = new ArrayList<>();
      for (int i = rnd.nextInt(40); i > 0; i--) {
        Finding f = LineJsonTest.finding(rnd);
        if (!findings.isEmpty() && rnd.nextInt(3) == 0) {
          Finding old = findings.get(rnd.nextInt(findings.size()));
          f = rnd.nextBoolean() ? old : new Finding(old.location().withFormat(f.location().format()), f.evidence(),
              f.revealed());
        }
        // streamed reports are never validated; --reveal reveals every finding or none
        findings.add(new Finding(f.location(), f.evidence(), reveal ? LineJsonTest.text(rnd, 30) + "x" : null));
      }
      ByteArrayOutputStream whole = new ByteArrayOutputStream();
      new CsvReporter().report(new ScanResult(findings, List.of(), 1, 1, 1, 0.1), whole);
      ByteArrayOutputStream streamed = new ByteArrayOutputStream();
      FindingWriter w = FindingWriter.forFormat("csv", ReportContext.plain(), streamed);
      for (Finding f : findings) {
        w.finding(f);
      }
      w.finish(new ScanResult(List.of(), List.of(), 1, 1, 1, 0.1), FindingTally.of(findings));
      assertEquals(whole.toString(StandardCharsets.ISO_8859_1), streamed.toString(StandardCharsets.ISO_8859_1),
          "run " + run);
    }
  }
}
