package dev.tokensweep.scanner.fleet;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.tokensweep.scanner.report.EcsDocuments;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a report that {@code scan} wrote earlier into fleet documents, for {@code tokensweep ship
 * URL REPORT}: JSON lines ({@code --format jsonl}), the JSON document ({@code --format json}) or
 * ECS lines ({@code --format ecs}). JSON and JSON lines reports do not name their host or time, so
 * the host is given and the time is the file's modification time; the sweep id is that time and
 * a hash of the file, so shipping the same file again gives the same ids and doubles nothing. A
 * {@code secret} field (a report written with {@code --reveal}) is dropped. Streamed: memory holds
 * one finding at a time (lines up to {@value #MAX_LINE} bytes).
 */
public final class ReportFile {
  /** Read buffer over a report file: it is parsed line by line, so reads must be few and large. */
  private static final int READ_BUFFER = 1 << 16;
  static final int MAX_LINE = 16 << 20;
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private ReportFile() {}

  /** Receives the documents of a report: findings first, then the sweep documents. */
  public interface Sink {
    void finding(Map<String, Object> document) throws IOException;

    void sweep(Map<String, Object> document) throws IOException;
  }

  /** A file that is not a report of ours; the message names the file and line, never its content. */
  public static final class BadReportException extends IOException {
    BadReportException(String message) {
      super(message);
    }
  }

  /** Reads {@code file}; returns the number of findings. */
  public static long read(Path file, String host, Sink sink) throws IOException {
    Instant time = Files.getLastModifiedTime(file).toInstant().truncatedTo(ChronoUnit.SECONDS);
    String sweepId = ID_TIME.format(time) + "-" + hash(file);
    EcsDocuments.Origin origin = new EcsDocuments.Origin(host, sweepId, time);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), READ_BUFFER)) {
      return read(in, file.getFileName().toString(), origin, sink);
    }
  }

  /** Reads a report from {@code in}; {@code origin} applies to JSON and JSON lines reports. */
  static long read(InputStream in, String name, EcsDocuments.Origin origin, Sink sink) throws IOException {
    in.mark(MAX_LINE + 1);
    byte[] first = line(in, name, 1);
    in.reset();
    if (first == null) {
      throw new BadReportException(name + ": empty, not a tokensweep report");
    }
    Map<String, Object> probe = null;
    try {
      probe = Cluster.JSON.readValue(first, MAP);
    } catch (IOException | RuntimeException e) {
      // a JSON document over several lines
    }
    if (probe != null && (probe.containsKey("type") || probe.containsKey("tokensweep"))) {
      return lines(in, name, origin, sink);
    }
    return document(in, name, origin, sink);
  }

  private static long lines(InputStream in, String name, EcsDocuments.Origin origin, Sink sink) throws IOException {
    long n = 0;
    int lineNo = 0;
    Map<String, Object> summary = null;
    Map<EcsDocuments.Origin, Long> ecsSweeps = new LinkedHashMap<>();
    byte[] line;
    while ((line = line(in, name, ++lineNo)) != null) {
      if (isBlank(line)) {
        continue;
      }
      Map<String, Object> m;
      try {
        m = Cluster.JSON.readValue(line, MAP);
      } catch (IOException | RuntimeException e) {
        throw new BadReportException(name + " line " + lineNo + ": not a JSON object");
      }
      if (m == null) {
        throw new BadReportException(name + " line " + lineNo + ": not a JSON object");
      }
      Object type = m.get("type");
      if (m.get("tokensweep") instanceof Map<?, ?> ts && ts.get("finding") instanceof Map<?, ?> f) {
        EcsDocuments.Origin o = ecsOrigin(m, ts, origin, name, lineNo);
        sink.finding(EcsDocuments.finding(checked(f, name, lineNo), o, false));
        ecsSweeps.merge(o, 1L, Long::sum);
        n++;
      } else if ("finding".equals(type)) {
        sink.finding(EcsDocuments.finding(checked(m, name, lineNo), origin, false));
        n++;
      } else if ("summary".equals(type)) {
        summary = new LinkedHashMap<>(m);
        summary.remove("type");
      } else if (!"problem".equals(type)) {
        throw new BadReportException(name + " line " + lineNo + ": neither a finding, a problem nor a summary");
      }
    }
    if (!ecsSweeps.isEmpty()) {
      // ECS lines carry no summary: the sweep document says how many findings it had
      for (Map.Entry<EcsDocuments.Origin, Long> e : ecsSweeps.entrySet()) {
        sink.sweep(EcsDocuments.sweep(Map.of("findings", e.getValue()), e.getKey()));
      }
    } else {
      sink.sweep(EcsDocuments.sweep(summary != null ? summary : Map.of("findings", n), origin));
    }
    return n;
  }

  private static EcsDocuments.Origin ecsOrigin(Map<String, Object> m, Map<?, ?> ts, EcsDocuments.Origin dflt,
      String name, int lineNo) throws BadReportException {
    Instant t;
    try {
      t = Instant.parse(String.valueOf(m.get("@timestamp")));
    } catch (DateTimeParseException e) {
      throw new BadReportException(name + " line " + lineNo + ": @timestamp is not an ISO-8601 instant");
    }
    String host = m.get("host") instanceof Map<?, ?> h && h.get("name") instanceof String s ? s : dflt.host();
    String sweep = ts.get("sweep_id") instanceof String s && !s.isBlank() ? s : dflt.sweepId();
    return new EcsDocuments.Origin(host, sweep, t);
  }

  private static long document(InputStream in, String name, EcsDocuments.Origin origin, Sink sink) throws IOException {
    long n = 0;
    Map<String, Object> summary = null;
    boolean findings = false;
    try (JsonParser p = Cluster.JSON.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new BadReportException(name + ": not a tokensweep report (JSON, JSON lines or ECS lines)");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if (field.equals("findings") && t == JsonToken.START_ARRAY) {
          findings = true;
          while (p.nextToken() == JsonToken.START_OBJECT) {
            Map<String, Object> f = p.readValueAs(MAP);
            sink.finding(EcsDocuments.finding(checked(f, name, p.currentLocation().getLineNr()), origin, false));
            n++;
          }
        } else if (field.equals("summary") && t == JsonToken.START_OBJECT) {
          summary = p.readValueAs(MAP);
        } else {
          p.skipChildren();
        }
      }
    } catch (BadReportException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new BadReportException(name + ": not valid JSON (" + e.getClass().getSimpleName() + ")");
    }
    if (!findings) {
      throw new BadReportException(name + ": not a tokensweep report (no findings)");
    }
    sink.sweep(EcsDocuments.sweep(summary != null ? summary : Map.of("findings", n), origin));
    return n;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> checked(Map<?, ?> f, String name, long lineNo) throws BadReportException {
    if (!(f.get("rule_id") instanceof String) || !(f.get("fingerprint") instanceof String)
        || !(f.get("location") instanceof Map<?, ?> l) || !(l.get("path") instanceof String)) {
      throw new BadReportException(name + " line " + lineNo
          + ": a finding without rule_id, fingerprint and location.path");
    }
    return (Map<String, Object>) f;
  }

  /** The next line without its newline, or null at the end; refuses lines longer than {@link #MAX_LINE}. */
  private static byte[] line(InputStream in, String name, int lineNo) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(256);
    int c;
    boolean any = false;
    while ((c = in.read()) >= 0) {
      any = true;
      if (c == '\n') {
        break;
      }
      if (b.size() >= MAX_LINE) {
        throw new BadReportException(name + " line " + lineNo + ": longer than " + (MAX_LINE >> 20) + " MiB");
      }
      b.write(c);
    }
    return any ? b.toByteArray() : null;
  }

  private static boolean isBlank(byte[] line) {
    for (byte x : line) {
      if (x != ' ' && x != '\t' && x != '\r') {
        return false;
      }
    }
    return true;
  }

  private static String hash(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest(), 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
