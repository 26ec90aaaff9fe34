package dev.tokensweep.detectors;

/**
 * A confirmed, validated secret at a position in the scanned buffer. This is the only type that
 * carries raw secret bytes; {@link #toString()} never prints them. Offsets are indexes into the
 * buffer that was scanned.
 *
 * @param start first byte of the secret (capture group 1)
 * @param end one past the last byte of the secret
 * @param matchStart first byte of the whole pattern match (its context included)
 * @param matchEnd one past the last byte of the whole pattern match
 */
public record Match(Rule rule, int start, int end, int matchStart, int matchEnd, byte[] secret) {

  /** The secret as text; bytes are mapped one to one (ISO-8859-1), as the patterns see them. */
  public String secretText() {
    return new String(secret, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  @Override
  public String toString() {
    return "Match[" + rule.id() + " at " + start + ".." + end + ", " + (end - start) + " bytes]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Match m && m.rule.id().equals(rule.id()) && m.start == start && m.end == end
        && m.matchStart == matchStart && m.matchEnd == matchEnd && java.util.Arrays.equals(m.secret, secret);
  }

  @Override
  public int hashCode() {
    return (rule.id().hashCode() * 31 + start) * 31 + end;
  }
}
