package dev.tokensweep.corpus.gen;

import dev.tokensweep.detectors.engine.Detector;
import dev.tokensweep.detectors.evidence.Match;
import dev.tokensweep.detectors.rule.Rule;
import dev.tokensweep.detectors.rule.Rules;
import dev.tokensweep.detectors.rule.TokenForge;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Fresh tokens of any rule of a catalogue, planted in the context of the rule's own examples, so
 * the corpus covers every provider the catalogue knows without a hand-written shape per provider.
 *
 * <p>Each example is first read the way a scan reads it: the whole catalogue runs over it, one
 * match per secret span wins (the rule listed first, as in the scanner), and a pair's identifier
 * is noted. A planting is that example with every secret in it drawn again by
 * {@link TokenForge#like} (the public prefix and the rules' keywords kept, checksums and structures
 * the matching rules check repaired); it counts only when the whole catalogue then finds exactly the same rules at the
 * same spans, so a placeholder drawn by chance, a failed checksum or an entropy below the floor
 * makes it draw again. A rule none of whose examples can be forged that way is
 * {@link #unforgeable() unforgeable} and planted nowhere.
 *
 * <p>Deterministic for a given {@link Random}; thread-safe (the detector is, and all state is
 * computed up front).
 */
public final class CatalogueForge {

  /** Where an example reads as being written: a shell history, a configuration file, or a log line. */
  public enum Context { HISTORY, CONFIG, LOG }

  /** One secret of a planting: where it starts in {@link Planting#text()}, the token, the rule that reports it. */
  public record Placed(int offset, Token token, String ruleId) {}

  /** An example of {@code rule} with fresh secrets in it. */
  public record Planting(Rule rule, int example, String text, Context context, List<Placed> secrets) {}

  /**
   * What the catalogue finds in one example: the winning match per secret span, the validators and
   * keywords of every rule that matched the span, and how many leading characters are a public prefix.
   */
  private record Span(int start, int end, Rule winner, Set<String> validators, Set<String> literals, int keep,
      int idStart, int idEnd) {}

  /** {@code own}: the rule wins a span of this example, so its planting is labelled with the rule's provider. */
  private record Template(int example, byte[] bytes, List<Span> spans, Context context, String shape, boolean own) {}

  /**
   * Characters kept at the head (beyond the public prefix) and at the tail, tried in this order:
   * most rules forge with none, and a rule whose pattern spells out a fixed part the keywords do
   * not name (the {@code AA} that ends an Anthropic key, the {@code 1.A} that starts an Entra
   * refresh token) forges once that part is kept.
   */
  private static final int[][] KEEP = {{0, 0}, {0, 2}, {1, 0}, {2, 0}, {3, 0}, {0, 1}, {1, 1}, {2, 2}, {3, 2}, {4, 0},
      {0, 4}, {4, 4}, {6, 0}, {6, 6}, {8, 8}};
  /** Draws with nothing more kept; most failures there are chance (entropy, a placeholder, a checksum field). */
  static final int TRIES = 12;
  /** Draws for each further way of keeping characters. */
  static final int TRIES_KEPT = 3;

  private final Detector detector;
  private final Map<String, Integer> priority = new HashMap<>();
  private final Map<String, List<Template>> templates = new HashMap<>();
  private final List<String> unforgeable = new ArrayList<>();

  private static final class Builtin {
    static final CatalogueForge INSTANCE = new CatalogueForge(Rules.builtin());
  }

  /** The forge of the built-in catalogue, built once. */
  public static CatalogueForge builtin() {
    return Builtin.INSTANCE;
  }

  public CatalogueForge(List<Rule> rules) {
    this.detector = Detector.of(rules);
    for (int i = 0; i < rules.size(); i++) {
      priority.putIfAbsent(rules.get(i).id(), i);
    }
    Random probe = new Random(0x5EED);
    for (Rule r : rules) {
      List<Template> ts = new ArrayList<>();
      for (int i = 0; i < r.examples().size(); i++) {
        Template t = template(r, i);
        if (t != null) {
          ts.add(t);
        }
      }
      templates.put(r.id(), ts);
      if (ts.isEmpty() || forge(r, probe) == null) {
        unforgeable.add(r.id());
      }
    }
  }

  /** The rules of the catalogue, in its order. */
  public List<Rule> rules() {
    return detector.rules();
  }

  /** Ids of the rules none of whose examples could be forged; planted nowhere. */
  public List<String> unforgeable() {
    return Collections.unmodifiableList(unforgeable);
  }

  /** The provider part of a rule id: {@code stripe} for {@code ts.stripe.1}. */
  public static String provider(String ruleId) {
    int a = ruleId.indexOf('.');
    int b = ruleId.lastIndexOf('.');
    return a >= 0 && b > a ? ruleId.substring(a + 1, b) : ruleId;
  }

  /**
   * A planting of {@code rule}: one of its examples (the first to forge, starting at a random one,
   * examples where the rule itself wins its secret's span first) with fresh secrets; null when none
   * forges.
   */
  public Planting forge(Rule rule, Random random) {
    List<Template> ts = templates.getOrDefault(rule.id(), List.of());
    if (ts.isEmpty()) {
      return null;
    }
    TokenForge tf = new TokenForge(random);
    int first = random.nextInt(ts.size());
    List<Template> order = new ArrayList<>();
    for (boolean own : new boolean[] {true, false}) {
      for (int k = 0; k < ts.size(); k++) {
        Template t = ts.get((first + k) % ts.size());
        if (t.own() == own) {
          order.add(t);
        }
      }
    }
    for (Template t : order) {
      for (int[] keep : KEEP) {
        for (int attempt = 0; attempt < (keep == KEEP[0] ? TRIES : TRIES_KEPT); attempt++) {
          Planting p = attempt(rule, t, tf, keep[0], keep[1]);
          if (p != null) {
            return p;
          }
        }
      }
    }
    return null;
  }

  private Planting attempt(Rule rule, Template t, TokenForge tf, int head, int tail) {
    byte[] b = t.bytes().clone();
    // inner secrets first (an API key inside a webhook URL), then what holds them around them
    List<Span> order = new ArrayList<>(t.spans());
    order.sort(Comparator.comparingInt((Span s) -> s.end() - s.start()));
    for (Span s : order) {
      String old = new String(b, s.start(), s.end() - s.start(), StandardCharsets.ISO_8859_1);
      int n = old.length();
      int own = n - s.keep();
      if (head + tail > own / 2) {
        return null; // most of the secret after its prefix would be the example's
      }
      boolean[] kept = new boolean[n];
      for (int i = 0; i < n; i++) {
        kept[i] = i < s.keep() + head || i >= n - tail;
      }
      for (Span in : t.spans()) {
        if (in != s && in.start() >= s.start() && in.end() <= s.end()) {
          java.util.Arrays.fill(kept, in.start() - s.start(), in.end() - s.start(), true); // drawn on its own
        }
      }
      String neu = tf.like(old, kept, s.literals(), s.validators());
      if (neu.length() != old.length()
          || neu.equals(new String(t.bytes(), s.start(), n, StandardCharsets.ISO_8859_1))) {
        return null; // nothing fresh (a JWT with alg none keeps its header and claims, and has no signature)
      }
      System.arraycopy(neu.getBytes(StandardCharsets.ISO_8859_1), 0, b, s.start(), neu.length());
    }
    if (!shape(b).equals(t.shape())) {
      return null; // the catalogue no longer finds the same rules at the same spans
    }
    List<Placed> placed = new ArrayList<>();
    String text = new String(b, StandardCharsets.UTF_8);
    for (Span s : t.spans()) {
      Rule w = s.winner();
      // a char offset: the example is UTF-8, the spans count bytes
      int offset = new String(b, 0, s.start(), StandardCharsets.UTF_8).length();
      String value = new String(b, s.start(), s.end() - s.start(), StandardCharsets.ISO_8859_1);
      placed.add(new Placed(offset, new Token(value, w.kind(), provider(w.id()), null, "unknown"), w.id()));
    }
    return new Planting(rule, t.example(), text, t.context(), placed);
  }

  /** How the catalogue reads example {@code i} of {@code r}, or null when it cannot be forged. */
  private Template template(Rule r, int i) {
    byte[] bytes = r.examples().get(i).getBytes(StandardCharsets.UTF_8);
    List<Match> all = detector.findAll(bytes);
    if (all.isEmpty()) {
      return null;
    }
    all.sort(order());
    List<Match> winners = Match.onePerSpan(all);
    List<Span> spans = new ArrayList<>();
    for (int w = 0; w < winners.size(); w++) {
      Match m = winners.get(w);
      for (int v = 0; v < w; v++) {
        Match o = winners.get(v);
        boolean overlap = m.start() < o.end() && o.start() < m.end();
        boolean nested = (m.start() >= o.start() && m.end() <= o.end()) || (o.start() >= m.start() && o.end() <= m.end());
        if (overlap && !nested) {
          return null; // secrets that overlap without one holding the other cannot be drawn again
        }
      }
      Set<String> validators = new LinkedHashSet<>();
      Set<String> literals = new LinkedHashSet<>();
      int keep = 0;
      for (Match o : all) {
        if (o.start() == m.start() && o.end() == m.end()) {
          validators.addAll(o.rule().validate());
          literals.addAll(o.rule().keywords());
          literals.addAll(patternLiterals(o.rule()));
          keep = Math.max(keep, publicPrefix(o.rule(), m.secretText()));
        }
      }
      Match.Identifier id = m.identifier();
      spans.add(new Span(m.start(), m.end(), m.rule(), validators, literals, keep, id == null ? -1 : id.start(),
          id == null ? -1 : id.end()));
    }
    for (Span s : spans) {
      if (s.idStart() < 0) {
        continue;
      }
      for (Span o : spans) {
        boolean overlap = o.start() < s.idEnd() && s.idStart() < o.end();
        if (overlap && !(o.start() == s.idStart() && o.end() == s.idEnd())) {
          return null; // an identifier that is part of another secret
        }
      }
    }
    boolean hasRule = false;
    for (Match o : all) {
      hasRule |= o.rule().id().equals(r.id());
    }
    if (!hasRule) {
      return null;
    }
    boolean own = false;
    for (Span sp : spans) {
      own |= sp.winner().id().equals(r.id());
    }
    return new Template(i, bytes, spans, context(r.examples().get(i)), shape(bytes), own);
  }

  /**
   * What the catalogue finds in {@code b}: every rule at every span (identifier spans included),
   * as one comparable string. Two texts that read the same have equal shapes.
   */
  private String shape(byte[] b) {
    List<Match> all = detector.findAll(b);
    all.sort(order());
    StringBuilder s = new StringBuilder();
    for (Match m : all) {
      s.append(m.rule().id()).append('@').append(m.start()).append('-').append(m.end());
      if (m.identifier() != null) {
        s.append('/').append(m.identifier().start()).append('-').append(m.identifier().end());
      }
      s.append(';');
    }
    return s.toString();
  }

  private Comparator<Match> order() {
    return Comparator.comparingInt(Match::start).thenComparingInt(Match::end)
        .thenComparingInt(m -> priority.getOrDefault(m.rule().id(), Integer.MAX_VALUE));
  }

  private final Map<String, List<String>> patternLiterals = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The fixed strings of two or more characters that a rule's pattern spells out ({@code AA} at the
   * end of an Anthropic key, {@code .Ag} in an Entra refresh token): kept where they occur in a
   * secret, since drawing them again could only break the match.
   */
  private List<String> patternLiterals(Rule rule) {
    return patternLiterals.computeIfAbsent(rule.pattern(), p -> {
      List<String> out = new ArrayList<>();
      try {
        literals(com.google.re2j.SyntaxTree.parse(p), out);
      } catch (RuntimeException e) {
        // the detector compiled it; a tree we cannot read only means nothing extra is kept
      }
      return List.copyOf(out);
    });
  }

  private static void literals(com.google.re2j.SyntaxTree.Node n, List<String> out) {
    if (n.op().equals("LITERAL") && n.runes().length >= 2) {
      StringBuilder b = new StringBuilder();
      for (int r : n.runes()) {
        b.appendCodePoint(r);
      }
      out.add(b.toString());
    }
    for (com.google.re2j.SyntaxTree.Node sub : n.subs()) {
      literals(sub, out);
    }
  }

  /** How many leading characters of {@code secret} are the rule's public prefix (its prefix, else its longest keyword). */
  static int publicPrefix(Rule rule, String secret) {
    if (rule.prefix() != null && secret.startsWith(rule.prefix())) {
      return rule.prefix().length();
    }
    int best = 0;
    String lower = secret.toLowerCase(Locale.ROOT);
    for (String k : rule.keywords()) {
      if (k.length() > best && lower.startsWith(k.toLowerCase(Locale.ROOT))) {
        best = k.length();
      }
    }
    return best;
  }

  private static final Pattern COMMAND = Pattern.compile("^(?:(?:[A-Z_][A-Z0-9_]*=\\S+\\s+)+[a-z]|(?:export|curl|git|docker"
      + "|podman|aws|az|gcloud|gh|glab|npm|npx|yarn|pnpm|pip3?|twine|python3?|node|kubectl|helm|vault|terraform|psql"
      + "|mysql|mysqldump|redis-cli|mongosh|wget|http|ssh|scp|heroku|fly|flyctl|vercel|netlify|doppler|op|stripe|echo"
      + "|sentry-cli|set|setx|env|sudo|jq|openssl|ansible-playbook|mc|rclone|s3cmd|gsutil|databricks|snowsql)\\s)");
  private static final Pattern ASSIGNMENT = Pattern.compile("^(?:\\[[^\\]\\n]+\\]\\s*\\n)?\\s*(?:-\\s+)?[A-Za-z_][A-Za-z0-9_.-]*\\s*[:=]");

  /** Where an example reads as being written. */
  static Context context(String example) {
    String t = example.strip();
    if (t.startsWith("{") || t.startsWith("[{") || t.startsWith("\"") || t.startsWith("#")) {
      return Context.LOG;
    }
    if (COMMAND.matcher(t).find() && !t.contains("\n#")) {
      return Context.HISTORY;
    }
    if (ASSIGNMENT.matcher(t).find() || t.startsWith("machine ")) {
      return Context.CONFIG;
    }
    return Context.LOG;
  }
}
