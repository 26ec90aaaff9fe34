package dev.tokensweep.detectors.evidence;

import dev.tokensweep.detectors.rule.Rule;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A confirmed, validated secret at a position in the scanned buffer. This is the only type that
 * carries raw secret bytes; {@link #toString()} never prints them. Offsets are indexes into the
 * buffer that was scanned.
 *
 * @param start first byte of the secret (capture group 1, or the group named {@code secret})
 * @param end one past the last byte of the secret
 * @param matchStart first byte of the whole pattern match (its context included)
 * @param matchEnd one past the last byte of the whole pattern match
 * @param identifier what the secret belongs to, when the rule captures it (a pair rule), else null
 * @param digest the secret's {@link SecretDigest} when the detector has it (it digests a secret once
 *     per remembered window, and a repeated token's findings share it), else null: the per-run
 *     evidence cache then digests the secret itself
 */
public record Match(Rule rule, int start, int end, int matchStart, int matchEnd, byte[] secret, Identifier identifier,
    SecretDigest.Value digest) {

  /**
   * The public half of a pair: the value a rule's named group captured next to the secret (an AWS
   * key id beside its secret access key, a client id beside its client secret, the user name of a
   * URL's password). Not secret, but reports still show it only redacted and fingerprinted.
   *
   * @param name the group's name, which says what the value is ({@code key_id}, {@code client_id}, {@code user})
   * @param start first byte of the value in the scanned buffer
   * @param end one past its last byte
   */
  public record Identifier(String name, int start, int end, byte[] value) {
    @Override
    public String toString() {
      return "Identifier[" + name + " at " + start + ".." + end + "]";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Identifier i && i.name.equals(name) && i.start == start && i.end == end
          && java.util.Arrays.equals(i.value, value);
    }

    @Override
    public int hashCode() {
      return (name.hashCode() * 31 + start) * 31 + end;
    }
  }

  /** A match of a rule that captures no identifier. */
  public Match(Rule rule, int start, int end, int matchStart, int matchEnd, byte[] secret) {
    this(rule, start, end, matchStart, matchEnd, secret, null, null);
  }

  /** A match whose secret the detector has not digested. */
  public Match(Rule rule, int start, int end, int matchStart, int matchEnd, byte[] secret, Identifier identifier) {
    this(rule, start, end, matchStart, matchEnd, secret, identifier, null);
  }

  /** The secret as text; bytes are mapped one to one (ISO-8859-1), as the patterns see them. */
  public String secretText() {
    return new String(secret, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** This match with {@code id} as what its secret belongs to. */
  public Match withIdentifier(Identifier id) {
    return new Match(rule, start, end, matchStart, matchEnd, secret, id, digest);
  }

  /** The secret's span as one value, for sets of spans. */
  public long span() {
    return span(start, end);
  }

  static long span(int start, int end) {
    return ((long) start << 32) | (end & 0xFFFFFFFFL);
  }

  /**
   * One match per secret span, for matches sorted by start, end and then priority (the rule that
   * should win a span first): the first match of each span is kept, and when it names no
   * identifier but another match of the same span does, it takes that one's. So a provider rule
   * that wins a span over a pair rule (a Google client secret beside its client id) still says
   * what the secret belongs to.
   */
  public static List<Match> onePerSpan(List<Match> sorted) {
    List<Match> out = new ArrayList<>(sorted.size());
    for (Match m : sorted) {
      int last = out.size() - 1;
      Match prev = last < 0 ? null : out.get(last);
      if (prev != null && prev.start == m.start && prev.end == m.end) {
        if (prev.identifier == null && m.identifier != null) {
          out.set(last, prev.withIdentifier(m.identifier));
        }
        continue;
      }
      out.add(m);
    }
    return out;
  }

  /**
   * The spans that are another match's identifier: an AWS key id that its own rule found and a
   * pair rule found beside its secret. Its finding is the pair's, so callers report the pair once
   * instead of the key id a second time (the sanitizer still redacts it).
   */
  public static Set<Long> identifierSpans(List<Match> matches) {
    Set<Long> out = null;
    for (Match m : matches) {
      if (m.identifier != null) {
        if (out == null) {
          out = new HashSet<>();
        }
        out.add(span(m.identifier.start, m.identifier.end));
      }
    }
    return out == null ? Set.of() : out;
  }

  @Override
  public String toString() {
    return "Match[" + rule.id() + " at " + start + ".." + end + ", " + (end - start) + " bytes"
        + (identifier == null ? "" : ", " + identifier.name) + "]";
  }

  /** Equal rule, places, secret and identifier; the digest, which only says what the secret is, does not count. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Match m && m.rule.id().equals(rule.id()) && m.start == start && m.end == end
        && m.matchStart == matchStart && m.matchEnd == matchEnd && java.util.Arrays.equals(m.secret, secret)
        && java.util.Objects.equals(m.identifier, identifier);
  }

  @Override
  public int hashCode() {
    return (rule.id().hashCode() * 31 + start) * 31 + end;
  }
}
