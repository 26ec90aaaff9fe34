package dev.tokensweep.scanner.respond;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.scanner.model.Location;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The findings of an earlier report of ours, as revocation targets: the {@code json} document,
 * {@code jsonl} lines or {@code ecs} lines. Only what names a finding is read (rule, fingerprint,
 * location, preview); a report holds no secret, and a value that does not look like ours is
 * refused, not guessed at. Reports can come from anywhere, so this reads them as hostile input.
 */
public final class ReportTargets {
  private ReportTargets() {}

  /** Targets read from one report at most; a larger report is refused. */
  public static final int MAX_TARGETS = 100_000;

  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern RULE = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

  /** A file that is not a report of ours; the message says where it went wrong, never what it held. */
  public static final class BadReportException extends Exception {
    public BadReportException(String message) {
      super(message);
    }
  }

  public static List<Revoker.Target> read(InputStream in) throws IOException, BadReportException {
    List<Revoker.Target> out = new ArrayList<>();
    int docs = 0;
    try (MappingIterator<JsonNode> it = new ObjectMapper().readerFor(JsonNode.class).readValues(in)) {
      while (it.hasNextValue()) {
        JsonNode n = it.nextValue();
        docs++;
        if (n == null || !n.isObject()) {
          throw new BadReportException("document " + docs + " is not a JSON object");
        }
        if (n.path("findings").isArray()) {
          for (JsonNode f : n.get("findings")) {
            add(out, f, docs);
          }
        } else if (n.path("tokensweep").path("finding").isObject()) {
          add(out, n.get("tokensweep").get("finding"), docs);
        } else if ("finding".equals(n.path("type").asText(null))) {
          add(out, n, docs);
        } else if (!n.has("type") && !n.has("summary")) {
          throw new BadReportException("document " + docs + " is not a tokensweep report (json, jsonl or ecs)");
        }
      }
    } catch (JsonProcessingException e) {
      throw new BadReportException("not JSON after document " + docs + (e.getLocation() == null ? ""
          : " (line " + e.getLocation().getLineNr() + ")"));
    } catch (RuntimeException e) {
      // Jackson wraps its parse errors in runtime exceptions while iterating
      if (e.getCause() instanceof JsonProcessingException) {
        throw new BadReportException("not JSON after document " + docs);
      }
      throw e;
    }
    return out;
  }

  private static void add(List<Revoker.Target> out, JsonNode f, int doc) throws BadReportException {
    if (!f.isObject()) {
      throw new BadReportException("document " + doc + ": a finding that is not an object");
    }
    String fp = f.path("fingerprint").asText("");
    String rule = f.path("rule_id").asText("");
    if (!FINGERPRINT.matcher(fp).matches() || !RULE.matcher(rule).matches()) {
      throw new BadReportException("document " + doc + ": finding " + (out.size() + 1) + " has no rule_id or fingerprint of ours");
    }
    if (out.size() >= MAX_TARGETS) {
      throw new BadReportException("more than " + MAX_TARGETS + " findings: choose some with --fingerprint or an index query");
    }
    JsonNode l = f.path("location");
    String path = l.path("path").asText("?");
    Long line = l.path("line").canConvertToLong() ? l.path("line").asLong() : null;
    Long column = l.path("column").canConvertToLong() ? l.path("column").asLong() : null;
    long offset = l.path("offset").canConvertToLong() ? l.path("offset").asLong() : 0;
    out.add(new Revoker.Target(rule, fp, Provider.clip(Location.shortForm(path, line, column, offset)),
        Provider.clip(f.path("preview").asText(null))));
  }
}
