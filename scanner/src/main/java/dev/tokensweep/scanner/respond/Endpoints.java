package dev.tokensweep.scanner.respond;

import java.net.URI;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * Where each provider's API is, and which TLS trust to use. In the tool this is always each
 * provider's documented host and the JDK's default trust store: no flag, system property or
 * environment variable can point a provider elsewhere, so no input can make tokensweep send a
 * secret to another host. Tests of this package replace it with local servers through
 * {@link #useForTests}, which is package-private.
 */
final class Endpoints {
  static final Endpoints REAL = new Endpoints(Map.of(), null);
  private static volatile Endpoints forTests;

  private final Map<String, URI> bases;
  private final SSLContext ssl;

  /**
   * @param bases provider id to the base URI that replaces its documented one
   * @param ssl the TLS context to trust them with; null for the JDK's default
   */
  Endpoints(Map<String, URI> bases, SSLContext ssl) {
    this.bases = Map.copyOf(bases);
    this.ssl = ssl;
  }

  /** The real endpoints, unless a test of this package set its own. */
  static Endpoints current() {
    Endpoints t = forTests;
    return t != null ? t : REAL;
  }

  /** Test seam: local servers for the providers (null restores the real ones). */
  static void useForTests(Endpoints e) {
    forTests = e;
  }

  URI base(Provider p) {
    return bases.getOrDefault(p.id(), p.defaultBase());
  }

  /** The replacement base for {@code providerId}, or null when it uses its real host. */
  URI override(String providerId) {
    return bases.get(providerId);
  }

  SSLContext ssl() {
    return ssl;
  }
}
