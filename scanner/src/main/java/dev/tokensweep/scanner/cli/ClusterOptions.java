package dev.tokensweep.scanner.cli;

import dev.tokensweep.scanner.fleet.Cluster;
import dev.tokensweep.scanner.fleet.Credentials;
import dev.tokensweep.scanner.fleet.IndexTemplate;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How to reach an OpenSearch cluster, shared by {@code scan --ship}, {@code ship} and {@code fleet}. */
final class ClusterOptions {
  @Option(names = "--credentials-file", paramLabel = "FILE",
      description = "username=/password= or api_key= lines (chmod 600); never on the command line (default: the "
          + "TOKENSWEEP_OPENSEARCH_USERNAME and TOKENSWEEP_OPENSEARCH_PASSWORD, or TOKENSWEEP_OPENSEARCH_API_KEY variables).")
  Path credentialsFile;

  @Option(names = "--ca-file", paramLabel = "PEM",
      description = "Trust these CA certificates for https:// instead of the system trust store.")
  Path caFile;

  @Option(names = "--index-prefix", paramLabel = "NAME", defaultValue = "tokensweep",
      description = "Indices are NAME-v1-YYYY.MM, the template NAME-v1 (default: ${DEFAULT-VALUE}).")
  String prefix;

  @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "How long one request may take (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  /** The cluster at {@code url}; usage errors for a bad URL, prefix, CA file or credentials. */
  Cluster connect(String url, PrintWriter err, boolean quiet) {
    String bad = IndexTemplate.checkPrefix(prefix);
    if (bad != null) {
      throw new Main.UsageException("--index-prefix: " + bad);
    }
    if (timeoutSeconds < 1) {
      throw new Main.UsageException("--request-timeout must be at least 1");
    }
    Credentials credentials;
    try {
      credentials = Credentials.load(credentialsFile, System.getenv());
    } catch (Credentials.CredentialsException e) {
      throw new Main.UsageException(e.getMessage());
    }
    if (credentialsFile != null && !quiet) {
      String w = Credentials.permissionWarning(credentialsFile);
      if (w != null) {
        err.println("tokensweep: warning: " + w);
      }
    }
    try {
      return Cluster.connect(url, credentials, caFile, Duration.ofSeconds(timeoutSeconds));
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException(e.getMessage());
    }
  }
}
