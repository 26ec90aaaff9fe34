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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Location(String path, Long line, Long column, long offset, Long entry, Long timestamp, String encoding,
    String jsonPath, List<String> decodings, String format, CacheContext cache, StoreContext store) {

  public Location {
    decodings = decodings == null || decodings.isEmpty() ? null : List.copyOf(decodings);
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

  public Location withFormat(String f) {
    return new Location(path, line, column, offset, entry, timestamp, encoding, jsonPath, decodings, f, cache, store);
  }

  public Location withEncoding(String e) {
    return new Location(path, line, column, offset, entry, timestamp, e, jsonPath, decodings, format, cache, store);
  }

  public Location withDecodings(List<String> d) {
    return new Location(path, line, column, offset, entry, timestamp, encoding, jsonPath, d, format, cache, store);
  }

  public Location withCache(CacheContext c) {
    return new Location(path, line, column, offset, entry, timestamp, encoding, jsonPath, decodings, format, c, store);
  }

  public Location withStore(StoreContext s) {
    return new Location(path, line, column, offset, entry, timestamp, encoding, jsonPath, decodings, format, cache, s);
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
