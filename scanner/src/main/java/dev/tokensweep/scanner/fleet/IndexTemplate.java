package dev.tokensweep.scanner.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The index template: an explicit mapping of every field tokensweep writes (keywords for host,
 * rule, kind, severity, fingerprint and paths; dates; any other string a keyword, never analysed
 * text), installed on first use. Indices are one per month, {@code PREFIX-v1-2026.11}: the {@code v1}
 * is the document schema, so a later schema goes to new indices and never conflicts with old ones;
 * the template's own {@code version} is its revision, and an older revision is replaced.
 */
public final class IndexTemplate {
  /** The document schema in index names ({@code -v1-}). */
  public static final int SCHEMA = 1;
  /** The revision of the template for this schema; raised when the mapping gains a field. */
  public static final int VERSION = 1;

  private static final Pattern PREFIX = Pattern.compile("[a-z0-9][a-z0-9_-]{0,99}");
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy.MM", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private IndexTemplate() {}

  /** A usage error for a prefix OpenSearch would refuse as an index name, else null. */
  public static String checkPrefix(String prefix) {
    return PREFIX.matcher(prefix).matches() ? null
        : "the index prefix must be lower-case letters, digits, '-' or '_', starting with a letter or digit";
  }

  /** The template's name, {@code PREFIX-v1}. */
  public static String name(String prefix) {
    return prefix + "-v" + SCHEMA;
  }

  /** Every index of this schema: {@code PREFIX-v1-*}. */
  public static String pattern(String prefix) {
    return name(prefix) + "-*";
  }

  /** The index a document of time {@code t} goes to: {@code PREFIX-v1-yyyy.MM} (UTC). */
  public static String index(String prefix, Instant t) {
    return name(prefix) + "-" + MONTH.format(t);
  }

  /** The template body for {@code prefix}. */
  public static byte[] body(String prefix) {
    try (InputStream in = IndexTemplate.class.getResourceAsStream("index-template.json")) {
      String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return s.replace("${PATTERN}", pattern(prefix)).replace("${VERSION}", Integer.toString(VERSION))
          .replace("${SCHEMA}", Integer.toString(SCHEMA)).getBytes(StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new UncheckedIOException(new IOException("index-template.json is missing from the jar"));
    }
  }

  /** What {@link #ensure} did. */
  public enum Outcome { PRESENT, INSTALLED, UPGRADED, NEWER_KEPT, NOT_PERMITTED }

  /**
   * Installs the template unless the cluster has this revision or a newer one.
   *
   * @throws ShipException.AuthFailed when the cluster refuses the credentials
   * @throws IOException when the cluster cannot be reached or answers otherwise
   */
  public static Outcome ensure(Cluster cluster, String prefix) throws IOException {
    Cluster.Response get = cluster.send("GET", "/_index_template/" + name(prefix), null, null);
    if (get.status() == 401) {
      throw new ShipException.AuthFailed(cluster, 401);
    }
    if (get.status() == 403) {
      // a writer may lack the right to read templates; an administrator installs it then
      return Outcome.NOT_PERMITTED;
    }
    Outcome outcome = Outcome.INSTALLED;
    if (get.ok()) {
      JsonNode t = get.json().path("index_templates").path(0).path("index_template");
      int have = t.path("version").asInt(0);
      if (have == VERSION) {
        return Outcome.PRESENT;
      }
      if (have > VERSION) {
        return Outcome.NEWER_KEPT;
      }
      outcome = Outcome.UPGRADED;
    } else if (get.status() != 404) {
      throw ShipException.answer(cluster, "reading the index template", get);
    }
    Cluster.Response put = cluster.send("PUT", "/_index_template/" + name(prefix), body(prefix), "application/json");
    if (put.status() == 401) {
      throw new ShipException.AuthFailed(cluster, 401);
    }
    if (put.status() == 403) {
      return Outcome.NOT_PERMITTED;
    }
    if (!put.ok()) {
      throw ShipException.answer(cluster, "installing the index template", put);
    }
    return outcome;
  }
}
