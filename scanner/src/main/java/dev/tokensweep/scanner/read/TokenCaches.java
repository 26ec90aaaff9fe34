package dev.tokensweep.scanner.read;

import java.util.Locale;

/**
 * The on-disk token stores of CLIs, recognised by their path. A leaf that is one is read with the
 * reader its content calls for and its findings say {@code token-cache:<kind>} in their format.
 */
final class TokenCaches {
  private TokenCaches() {}

  /** The cache kind of the leaf at {@code leafPath} ({@code /}-separated), or null. */
  static String kind(String leafPath) {
    String p = leafPath.toLowerCase(Locale.ROOT);
    String name = p.substring(p.lastIndexOf('/') + 1);
    String dir = parent(p);
    switch (name) {
      case "msal_token_cache.json", "msal_token_cache.bin" -> {
        return "azure-msal";
      }
      case "service_principal_entries.json" -> {
        return "azure-service-principal";
      }
      case "accesstokens.json" -> {
        return dir.endsWith(".azure") ? "azure-access-tokens" : null;
      }
      case "credentials" -> {
        return dir.endsWith(".aws") ? "aws-credentials" : null;
      }
      case "hosts.yml" -> {
        return dir.endsWith("gh") ? "github-cli" : null;
      }
      case "credentials.db", "access_tokens.db" -> {
        return "gcloud";
      }
      case "application_default_credentials.json" -> {
        return "gcloud-adc";
      }
      case "config.json" -> {
        return dir.endsWith(".docker") ? "docker" : null;
      }
      case ".npmrc" -> {
        return "npm";
      }
      case ".git-credentials" -> {
        return "git-credentials";
      }
      case ".netrc", "_netrc" -> {
        return "netrc";
      }
      case "credentials.tfrc.json" -> {
        return "terraform";
      }
      case "config" -> {
        return dir.endsWith(".kube") ? "kubeconfig" : null;
      }
      default -> {
        // directory-shaped caches
      }
    }
    if (dir.endsWith(".aws/sso/cache") && name.endsWith(".json")) {
      return "aws-sso";
    }
    if (dir.endsWith(".kube/cache/oidc-login") || dir.contains(".kube/cache/oidc-login/")) {
      return "kube-oidc-login";
    }
    if (name.equals("kubeconfig") || name.endsWith(".kubeconfig")) {
      return "kubeconfig";
    }
    return null;
  }

  private static String parent(String p) {
    int s = p.lastIndexOf('/');
    return s < 0 ? "" : p.substring(0, s);
  }
}
