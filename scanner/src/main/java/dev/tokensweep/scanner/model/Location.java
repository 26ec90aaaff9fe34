package dev.tokensweep.scanner.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Where a finding sits. {@code path} names the whole chain, archive members joined by {@code !}
 * ({@code bundle.tar.gz!var/log/app.log.1.gz!}). Line and column are 1-based (the column counts
 * bytes); {@code offset} is the byte offset in the decoded leaf. The other fields are set by the
 * readers that know them and are null otherwise.
 *
 * @param entry shell-history entry number (1-based)
 * @param timestamp shell-history entry time, epoch seconds
 * @param encoding how the bytes were stored: {@code ascii}, {@code utf-8}, {@code utf-16le}, {@code utf-16be}
 * @param jsonPath path of the JSON value holding the secret ({@code log.entries[3].request.headers[1].value})
 * @param decodings the decoding layers the secret went through ({@code base64}, {@code url})
 * @param format what the reader took the leaf for ({@code text}, {@code bash-history}, {@code minidump}, ...)
 * @param cache what the token cache holding the secret says about it; null outside token caches
 * @param store where in a journal, SQLite or LevelDB store the secret sits; null outside those stores
 * @param part where in the place the secret sits when it is not the content: {@value #NAME} (the
 *     name of the file, directory or archive member at the end of {@code path}; {@code offset} is
 *     then the byte offset in that name) or {@value #KEY} (a JSON object key, or the name of a
 *     name/value pair such as a HAR header, at {@code jsonPath}); null for content. Names are input
 *     as much as content is, and a token in a file name leaks as surely as one inside it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Location(String path, Long line, Long column, long offset, Long entry, Long timestamp, String encoding,
    String jsonPath, List<String> decodings, String format, CacheContext cache, StoreContext store, String part) {

  /** {@link #part()} of a secret in a file, directory or archive member name. */
  public static final String NAME = "name";
  /** {@link #part()} of a secret in a JSON object key or the name of a name/value pair. */
  public static final String KEY = "key";

  public Location {
    decodings = decodings == null || decodings.isEmpty() ? null : List.copyOf(decodings);
  }

  /** A location in the content (not in a name or key). */
  public Location(String path, Long line, Long column, long offset, Long entry, Long timestamp, String encoding,
      String jsonPath, List<String> decodings, String format, CacheContext cache, StoreContext store) {
    this(path, line, column, offset, entry, timestamp, encoding, jsonPath, decodings, format, cache, store, null);
  }

  /** A location outside any store. */
  public Location(String path, Long line, Long column, long offset, Long entry, Long timestamp, String encoding,
      String jsonPath, List<String> decodings, String format, CacheContext cache) {
    this(path, line, column, offset, entry, timestamp, encoding, jsonPath, decodings, format, cache, null);
  }

  /** A location outside any token cache. */
  public Location(String path, Long line, Long column, long offset, Long entry, Long timestamp, String encoding,
      String jsonPath, List<String> decodings, String format) {
    this(path, line, column, offset, entry, timestamp, encoding, jsonPath, decodings, format, null, null);
  }

  /** A location in a plain text leaf. */
  public static Location text(String path, long line, long column, long offset) {
    return new Location(path, line, column, offset, null, null, null, null, null, "text");
  }

  /** A secret {@code offset} bytes into the name at the end of {@code path} (a file, directory or member). */
  public static Location name(String path, long offset) {
    return new Location(path, null, null, offset, null, null, null, null, null, null, null, null, NAME);
  }

  public Location withFormat(String f) {
    return new Location(path, line, column, offset, entry, timestamp, encoding, jsonPath, decodings, f, cache, store, part);
  }

  public Location withEncoding(String e) {
    return new Location(path, line, column, offset, entry, timestamp, e, jsonPath, decodings, format, cache, store, part);
  }

  public Location withDecodings(List<String> d) {
    return new Location(path, line, column, offset, entry, timestamp, encoding, jsonPath, d, format, cache, store, part);
  }

  public Location withCache(CacheContext c) {
    return new Location(path, line, column, offset, entry, timestamp, encoding, jsonPath, decodings, format, c, store, part);
  }

  public Location withStore(StoreContext s) {
    return new Location(path, line, column, offset, entry, timestamp, encoding, jsonPath, decodings, format, cache, s, part);
  }

  /** This location in {@code p}: {@link #NAME}, {@link #KEY}, or null for content. */
  public Location withPart(String p) {
    return new Location(path, line, column, offset, entry, timestamp, encoding, jsonPath, decodings, format, cache, store, p);
  }

  /**
   * This location as it may be printed or stored: its path (every file, directory and member name
   * of the chain), JSON path and store names ({@link StoreContext#redacted}) with each secret in
   * them replaced by its redacted preview by {@code redact} (the detector's {@code Redaction.scrub}).
   * The one place a location is made safe, applied where findings are made, so no reporter, index
   * or log can print a name's token. The same names give the same text, so fingerprints and report
   * ids built from it stay stable.
   */
  public Location redacted(java.util.function.UnaryOperator<String> redact) {
    String p = redact.apply(path);
    String j = jsonPath == null ? null : redact.apply(jsonPath);
    StoreContext s = store == null ? null : store.redacted(redact);
    if (java.util.Objects.equals(p, path) && java.util.Objects.equals(j, jsonPath) && s == store) {
      return this;
    }
    return new Location(p, line, column, offset, entry, timestamp, encoding, j, decodings, format, cache, s, part);
  }

  /** {@code path:line:column}, or {@code path@offset} when there is no line. */
  public String shortForm() {
    return shortForm(path, line, column, offset);
  }

  /** The same short form for a location stored elsewhere (the sweep index). */
  public static String shortForm(String path, Long line, Long column, long offset) {
    StringBuilder b = new StringBuilder(path);
    if (line != null) {
      b.append(':').append(line);
      if (column != null) {
        b.append(':').append(column);
      }
    } else {
      b.append('@').append(offset);
    }
    return b.toString();
  }
}
