package dev.tokensweep.scanner.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Deletes the monthly indices whose every document is older than the retention the user sets
 * ({@code --retention-days}). An index goes only when its whole month ended more than that many
 * days ago, so no document younger than the retention is ever deleted.
 */
public final class Retention {
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy.MM", Locale.ROOT);

  private Retention() {}

  /** The indices deleted. */
  public static List<String> apply(Cluster cluster, String prefix, int days, Instant now) throws IOException {
    Cluster.Response r = cluster.send("GET", "/_cat/indices/" + IndexTemplate.pattern(prefix)
        + "?format=json&h=index&expand_wildcards=open,closed", null, null);
    if (r.status() == 401 || r.status() == 403) {
      throw new ShipException.AuthFailed(cluster, r.status());
    }
    if (r.status() == 404) {
      return List.of();
    }
    if (!r.ok()) {
      throw ShipException.answer(cluster, "listing indices for retention", r);
    }
    Instant cutoff = now.minus(Duration.ofDays(days));
    List<String> deleted = new ArrayList<>();
    String head = IndexTemplate.name(prefix) + "-";
    for (JsonNode n : r.json()) {
      String index = n.path("index").asText("");
      if (!index.startsWith(head)) {
        continue;
      }
      YearMonth month;
      try {
        month = YearMonth.parse(index.substring(head.length()), MONTH);
      } catch (DateTimeParseException e) {
        continue;
      }
      Instant end = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      if (end.isBefore(cutoff)) {
        Cluster.Response d = cluster.send("DELETE", "/" + index, null, null);
        if (!d.ok() && d.status() != 404) {
          throw ShipException.answer(cluster, "deleting index " + index + " for retention", d);
        }
        deleted.add(index);
      }
    }
    return deleted;
  }
}
