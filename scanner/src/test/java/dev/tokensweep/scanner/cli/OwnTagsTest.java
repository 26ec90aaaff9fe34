package dev.tokensweep.scanner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sanitize's tags read back: {@code [REDACTED:user_code:41869759]} held eight decimal digits after
 * {@code user_code:}, which the user-code rule reads as a code. About one user-code tag in 43 made
 * sanitize's own verification say FAILED (2 in the benchmark's fresh log), and a scan of a shared
 * copy reported it. A tag is not a finding; the same digits outside a tag still are.
 */
class OwnTagsTest {

  @TempDir
  Path tmp;

  private static List<String> found(Run r) throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonNode n : r.jsonlFindings()) {
      out.add(n.get("rule_id").asText() + "@" + n.get("location").path("line").asInt());
    }
    return out;
  }

  @Test
  void tagsInContentAndNames_notFindings_sameDigitsOutsideStillAre() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("copy"));
    Files.writeString(dir.resolve("app.log"), String.join("\n",
        "2026-11-02T05:06:59.748Z DEBUG Loader - First, copy your one-time code: [REDACTED:user_code:41869759]",
        "{\"user_code\": \"[REDACTED:user_code:41869759]\", \"interval\": 5}",
        "GET /device?user_code=[REDACTED:user_code:90817263]&x=1",
        "GET /device?user_code=41869759&x=1",
        "{\"user_code\": \"90817263]\"}",
        "[REDACTED:user_code:4186975]] user_code: 41869759]",
        ""));
    Files.writeString(dir.resolve("user_code=[REDACTED:user_code:41869759].txt"), "nothing here\n");

    Run r = Run.run("scan", "--format", "jsonl", "--no-progress", dir.toString());

    assertEquals(1, r.exit(), "the codes outside tags are found");
    assertEquals(List.of("ts.deviceflow.4@4", "ts.deviceflow.4@5", "ts.deviceflow.4@6"), found(r),
        "only the lines whose code is not a tag's hex");
  }
}
