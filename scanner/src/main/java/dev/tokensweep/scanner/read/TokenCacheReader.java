package dev.tokensweep.scanner.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensweep.scanner.model.CacheContext;
import dev.tokensweep.scanner.model.Location;
import dev.tokensweep.scanner.model.Problem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a CLI's token cache with the reader its content calls for (JSON, text or binary) and tells
 * every finding what the cache says about it ({@link CacheContext}): what the cache keeps there,
 * when that entry expires, whether the cache holds a refresh token anywhere and whether the entry is
 * a Microsoft family refresh token.
 *
 * <p>Token caches are small, so one of up to {@link #MAX_INSPECT} bytes is held and inspected whole
 * before it is scanned: a JSON cache as a tree (the entry is the field holding the secret, its
 * expiry a sibling field such as MSAL {@code expires_on} or AWS {@code expiresAt}), a text cache
 * line by line (the entry is the line's key: {@code oauth_token:}, {@code refresh-token:},
 * {@code _authToken=}), a binary one (gcloud's SQLite files) only for whether it holds a refresh
 * token. A larger file is streamed like any other leaf and its findings name only the cache kind.
 */
final class TokenCacheReader implements Reader {
  /** Largest cache inspected whole; real caches are kilobytes. */
  static final int MAX_INSPECT = 4 << 20;

  private static final ObjectMapper MAPPER = new ObjectMapper(JsonReader.FACTORY);

  private final String kind;
  private final Reader inner;

  TokenCacheReader(String kind, Reader inner) {
    this.kind = kind;
    this.inner = inner;
  }

  Reader inner() {
    return inner;
  }

  @Override
  public String format() {
    return inner.format();
  }

  @Override
  public void read(InputStream in, String path, SegmentSink sink) throws IOException {
    byte[] head = in.readNBytes(MAX_INSPECT + 1);
    if (head.length > MAX_INSPECT) {
      CacheContext only = CacheContext.of(kind);
      inner.read(new SequenceInputStream(new ByteArrayInputStream(head), in), path, annotated(sink, l -> only));
      return;
    }
    Index index = inspect(head);
    inner.read(new ByteArrayInputStream(head), path, annotated(sink, index::at));
  }

  /** What the cache says, by JSON path or by line. */
  static final class Index {
    final Map<String, CacheContext> byPath = new HashMap<>();
    final Map<Long, CacheContext> byLine = new HashMap<>();
    CacheContext file;

    CacheContext at(Location l) {
      CacheContext c = null;
      if (l.jsonPath() != null) {
        c = byPath.get(l.jsonPath());
      } else if (l.line() != null) {
        c = byLine.get(l.line());
      }
      return c != null ? c : file;
    }

    /** Every entry learns whether the cache holds a refresh token, which is known only at the end. */
    void finish(String kind, boolean refresh) {
      file = new CacheContext(kind, null, null, refresh, false);
      byPath.replaceAll((k, c) -> new CacheContext(c.kind(), c.entry(), c.expires(), refresh, c.familyRefreshToken()));
      byLine.replaceAll((k, c) -> new CacheContext(c.kind(), c.entry(), c.expires(), refresh, c.familyRefreshToken()));
    }
  }

  Index inspect(byte[] bytes) {
    Index ix = new Index();
    boolean refresh;
    if (inner instanceof BinaryReader || inner instanceof SqliteReader) {
      refresh = holdsJsonRefreshToken(bytes);
    } else if (inner instanceof JsonReader) {
      refresh = inspectJson(bytes, ix);
    } else {
      refresh = inspectText(bytes, ix);
    }
    ix.finish(kind, refresh);
    return ix;
  }

  // ---- JSON caches

  private boolean inspectJson(byte[] bytes, Index ix) {
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes);
    } catch (IOException | RuntimeException e) {
      // not JSON after all: the reader scans it as text from where it stops, so read its lines
      return inspectText(bytes, ix);
    }
    boolean[] refresh = {false};
    if (root != null) {
      walk(root, new StringBuilder(), ix, refresh);
    }
    return refresh[0];
  }

  private void walk(JsonNode n, StringBuilder path, Index ix, boolean[] refresh) {
    int len = path.length();
    if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        path.setLength(len);
        path.append('[').append(i).append(']');
        walk(n.get(i), path, ix, refresh);
      }
      path.setLength(len);
      return;
    }
    if (!n.isObject()) {
      return;
    }
    Long expires = null;
    Long registrationExpires = null;
    String credentialType = null;
    boolean family = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode v = f.getValue();
      if (!v.isValueNode()) {
        continue;
      }
      switch (f.getKey().toLowerCase(Locale.ROOT)) {
        case "expires_on", "expireson", "expiresat", "expires_at", "expiry", "token_expiry", "expiration" ->
            expires = epochSeconds(v);
        case "registrationexpiresat" -> registrationExpires = epochSeconds(v);
        case "credential_type" -> credentialType = v.asText();
        case "family_id" -> family = !v.asText().isEmpty();
        default -> {
          // not context
        }
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      path.setLength(len);
      JsonReader.appendField(path, f.getKey());
      JsonNode v = f.getValue();
      if (!v.isTextual()) {
        walk(v, path, ix, refresh);
        continue;
      }
      String entry = entry(f.getKey(), credentialType);
      if (entry == null || v.asText().isEmpty()) {
        continue;
      }
      boolean isRefresh = entry.equals(CacheContext.REFRESH_TOKEN);
      refresh[0] |= isRefresh;
      // an AWS SSO refresh token and client secret live as long as the client registration
      Long exp = isRefresh || entry.equals("client_secret") ? registrationExpires : expires;
      ix.byPath.put(path.toString(), new CacheContext(kind, entry, exp, null, isRefresh && family));
    }
    path.setLength(len);
  }

  /** What a field or key named {@code name} keeps, or null when it is no credential field. */
  static String entry(String name, String credentialType) {
    String k = name.toLowerCase(Locale.ROOT);
    switch (k) {
      case "accesstoken", "access_token", "access-token", "oauth_token", "token", "aws_session_token" -> {
        return "access_token";
      }
      case "refreshtoken", "refresh_token", "refresh-token", "identitytoken" -> {
        return CacheContext.REFRESH_TOKEN; // Docker's identitytoken is an OAuth refresh token
      }
      case "idtoken", "id_token", "id-token" -> {
        return "id_token";
      }
      case "clientsecret", "client_secret", "client-secret", "aws_secret_access_key" -> {
        return "client_secret";
      }
      case "password", "auth", "_auth", "_password" -> {
        return "password";
      }
      case "client-key-data", "client-key" -> {
        return "private_key";
      }
      case "secret" -> {
        // MSAL: the credential_type beside it says what the secret is
        String t = credentialType == null ? "" : credentialType.toLowerCase(Locale.ROOT);
        return switch (t) {
          case "accesstoken", "accesstoken_with_authscheme" -> "access_token";
          case "refreshtoken" -> CacheContext.REFRESH_TOKEN;
          case "idtoken" -> "id_token";
          default -> "client_secret";
        };
      }
      default -> {
        return k.endsWith(":_authtoken") || k.equals("_authtoken") ? "access_token" : null; // .npmrc
      }
    }
  }

  /**
   * An expiry as the caches write it: epoch seconds (a number or a string; milliseconds when too
   * large), ISO-8601 with an offset or {@code Z}, botocore's {@code ...UTC}, or a local date-time
   * (ADAL's {@code 2019-01-01 10:00:00.000000}, local time of the host, read as UTC). Null otherwise.
   */
  static Long epochSeconds(JsonNode v) {
    if (v.isNumber()) {
      return normalise(v.asLong());
    }
    String s = v.asText().trim();
    if (s.isEmpty()) {
      return null;
    }
    if (s.chars().allMatch(Character::isDigit) && s.length() <= 15) {
      return normalise(Long.parseLong(s));
    }
    if (s.endsWith("UTC")) {
      s = s.substring(0, s.length() - 3).trim() + "Z";
    }
    s = s.replace(' ', 'T');
    try {
      return OffsetDateTime.parse(s).toEpochSecond();
    } catch (DateTimeParseException e) {
      // no offset: try local
    }
    try {
      return LocalDateTime.parse(s).toEpochSecond(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static long normalise(long t) {
    return t > 100_000_000_000L ? t / 1000 : t; // milliseconds
  }

  // ---- text caches (YAML, INI, .npmrc, .netrc, .git-credentials)

  private boolean inspectText(byte[] bytes, Index ix) {
    boolean refresh = false;
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    long line = 0;
    int start = 0;
    while (start <= text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl;
      line++;
      String entry = lineEntry(text.substring(start, end));
      if (entry != null) {
        refresh |= entry.equals(CacheContext.REFRESH_TOKEN);
        ix.byLine.put(line, new CacheContext(kind, entry, null, null, false));
      }
      if (nl < 0) {
        break;
      }
      start = nl + 1;
    }
    return refresh;
  }

  /** What one line of a text cache keeps, when it keeps a credential with a value. */
  String lineEntry(String raw) {
    String l = raw.strip();
    if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
      return null;
    }
    if (kind.equals("git-credentials")) {
      return l.contains("@") && l.contains("://") ? "password" : null;
    }
    if (kind.equals("netrc")) {
      return (" " + l + " ").contains(" password ") ? "password" : null;
    }
    if (l.startsWith("- ")) {
      l = l.substring(2).strip();
    }
    int eq = l.indexOf('=');
    int colon = l.indexOf(": ");
    if (colon < 0 && l.endsWith(":")) {
      return null; // a YAML mapping key with its value on the next lines
    }
    int sep = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
    if (sep <= 0) {
      return null;
    }
    String key = l.substring(0, sep).strip();
    if (key.length() >= 2 && (key.charAt(0) == '"' || key.charAt(0) == '\'')) {
      key = key.substring(1, key.length() - 1);
    }
    String value = l.substring(sep + 1).strip();
    if (value.isEmpty() || value.equals("\"\"") || value.equals("''")) {
      return null;
    }
    return entry(key, null);
  }

  // ---- binary caches (gcloud's SQLite files hold JSON credentials)

  private static boolean holdsJsonRefreshToken(byte[] b) {
    byte[] key = "\"refresh_token\"".getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + key.length < b.length; i++) {
      for (int j = 0; j < key.length; j++) {
        if (b[i + j] != key[j]) {
          continue outer;
        }
      }
      int k = i + key.length;
      while (k < b.length && (b[k] == ' ' || b[k] == ':')) {
        k++;
      }
      if (k + 1 < b.length && b[k] == '"' && b[k + 1] != '"') {
        return true;
      }
    }
    return false;
  }

  /** A sink whose locations carry what the cache says about them. */
  private static SegmentSink annotated(SegmentSink sink, Function<Location, CacheContext> context) {
    return new SegmentSink.Forwarding(sink) {
      @Override
      public void segment(byte[] buf, int from, int to, int ownFrom, int ownTo, Locator locator) {
        out.segment(buf, from, to, ownFrom, ownTo, p -> {
          Location l = locator.locate(p);
          return l == null ? null : l.withCache(context.apply(l));
        });
      }
    };
  }

}
