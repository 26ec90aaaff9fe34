import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads 'tokensweep rules list --format json' on stdin and prints one ripgrep pattern a line:
 * each rule's pattern behind (?-u), so \b, \s and classes work on bytes as tokensweep's do.
 * Run with the tokensweep jar on the class path (it holds Jackson):
 * java -cp scanner/target/tokensweep.jar corpus/bench/RgPatterns.java < rules.json > patterns.txt
 */
public class RgPatterns {
  public static void main(String[] args) throws Exception {
    for (JsonNode rule : new ObjectMapper().readTree(System.in)) {
      System.out.println("(?-u)" + rule.get("pattern").asText());
    }
  }
}
