import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads 'tokensweep rules list --format json' on stdin and prints one ripgrep pattern a line:
 * each rule's pattern behind (?-u), so \b, \s and classes work on bytes as tokensweep's do.
 * Escaped quotes ({@code \'} and {@code \"}, which re2j takes and ripgrep's regex rejects) are
 * written bare; they mean the same. Named groups become plain groups.
 * Run with the tokensweep jar on the class path (it holds Jackson):
 * java -cp scanner/target/tokensweep.jar corpus/bench/RgPatterns.java < rules.json > patterns.txt
 */
public class RgPatterns {
  /** {@code \'} and {@code \"} as bare quotes; every other escape (and an escaped backslash) kept. */
  static String unquote(String p) {
    StringBuilder b = new StringBuilder(p.length());
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '\\' && i + 1 < p.length()) {
        char n = p.charAt(i + 1);
        if (n != '\'' && n != '"') {
          b.append(c);
        }
        b.append(n);
        i++;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  public static void main(String[] args) throws Exception {
    for (JsonNode rule : new ObjectMapper().readTree(System.in)) {
      // group names repeat across rules (key_id, secret, user), and ripgrep joins the patterns into one
      System.out.println("(?-u)" + unquote(rule.get("pattern").asText()).replaceAll("\\(\\?P<[A-Za-z_][A-Za-z0-9_]*>", "("));
    }
  }
}
