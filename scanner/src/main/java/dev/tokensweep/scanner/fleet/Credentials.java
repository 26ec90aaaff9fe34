package dev.tokensweep.scanner.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How tokensweep signs in to a cluster: HTTP basic auth or an API key ({@code Authorization: ApiKey},
 * as OpenSearch's security plugin and Elasticsearch take it), from a file or from the environment,
 * never from the command line (where {@code ps} and shell histories would keep it). The secret is
 * only ever in {@link #authorization()}; {@link #toString()} and every message name the source and
 * the key, never the value.
 */
public final class Credentials {
  public static final String ENV_USERNAME = "TOKENSWEEP_OPENSEARCH_USERNAME";
  public static final String ENV_PASSWORD = "TOKENSWEEP_OPENSEARCH_PASSWORD";
  public static final String ENV_API_KEY = "TOKENSWEEP_OPENSEARCH_API_KEY";

  /** No credentials: a cluster on a trusted network or behind a proxy that signs requests. */
  public static final Credentials NONE = new Credentials("none", null, null, "no credentials");

  private final String kind;
  private final String username;
  private final String authorization;
  private final String source;

  private Credentials(String kind, String username, String authorization, String source) {
    this.kind = kind;
    this.username = username;
    this.authorization = authorization;
    this.source = source;
  }

  /** A credentials file or environment variable that cannot be used; the message names no secret. */
  public static final class CredentialsException extends Exception {
    public CredentialsException(String message) {
      super(message);
    }
  }

  /** {@code basic}, {@code api-key} or {@code none}. */
  public String kind() {
    return kind;
  }

  /** Where they came from, for messages: the file, or the environment. */
  public String source() {
    return source;
  }

  /** The value of the {@code Authorization} header, or null. Never log it. */
  String authorization() {
    return authorization;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case "basic" -> "basic auth as " + username + " (" + source + ")";
      case "api-key" -> "API key (" + source + ")";
      default -> "no credentials";
    };
  }

  /**
   * From {@code file} when given (lines {@code username=}, {@code password=} or {@code api_key=};
   * {@code #} comments), else from {@code env} ({@value #ENV_USERNAME} and {@value #ENV_PASSWORD},
   * or {@value #ENV_API_KEY}), else {@link #NONE}.
   */
  public static Credentials load(Path file, Map<String, String> env) throws CredentialsException {
    if (file != null) {
      Map<String, String> kv = new LinkedHashMap<>();
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new CredentialsException("cannot read credentials file " + file + ": " + e.getClass().getSimpleName());
      }
      int n = 0;
      for (String line : lines) {
        n++;
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        int eq = line.indexOf('=');
        if (eq < 0) {
          throw new CredentialsException("credentials file " + file + " line " + n
              + ": expected key=value (username, password or api_key)");
        }
        String key = line.substring(0, eq).strip();
        if (!Set.of("username", "password", "api_key").contains(key)) {
          throw new CredentialsException("credentials file " + file + " line " + n + ": unknown key (expected username, password or api_key)");
        }
        // values are taken as written after '=' (a password may end in a space), less a CR of CRLF files
        String value = line.substring(eq + 1);
        if (value.endsWith("\r")) {
          value = value.substring(0, value.length() - 1);
        }
        kv.put(key, value);
      }
      return of(kv.get("username"), kv.get("password"), kv.get("api_key"), "file " + file);
    }
    String user = blankToNull(env.get(ENV_USERNAME));
    String pass = env.get(ENV_PASSWORD);
    String key = blankToNull(env.get(ENV_API_KEY));
    if (user == null && (pass == null || pass.isEmpty()) && key == null) {
      return NONE;
    }
    return of(user, pass, key, "environment");
  }

  private static Credentials of(String user, String pass, String apiKey, String source) throws CredentialsException {
    boolean hasPass = pass != null && !pass.isEmpty();
    if (apiKey != null && !apiKey.isBlank()) {
      if (user != null || hasPass) {
        throw new CredentialsException(source + ": give either username and password or api_key, not both");
      }
      return new Credentials("api-key", null, "ApiKey " + apiKey.strip(), source);
    }
    if (user == null || user.isBlank()) {
      throw new CredentialsException(source + ": a password needs a username"
          + (hasPass ? "" : " (no username, password or api_key found)"));
    }
    if (!hasPass) {
      throw new CredentialsException(source + ": username " + user.strip() + " has no password");
    }
    String basic = Base64.getEncoder().encodeToString((user.strip() + ":" + pass).getBytes(StandardCharsets.UTF_8));
    return new Credentials("basic", user.strip(), "Basic " + basic, source);
  }

  /**
   * A warning when {@code file} can be read by its group or by everyone, or null. The file holds a
   * password; it should be like {@code ~/.ssh/id_*}.
   */
  public static String permissionWarning(Path file) {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
        return "credentials file " + file + " is readable by other users; chmod 600 it";
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not a POSIX file system, or gone: the read reports that
    }
    return null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
