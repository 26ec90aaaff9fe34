package dev.tokensweep.detectors.rule;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One detection rule as written in a rules YAML file. Capture group 1 of {@code pattern} is the
 * secret. Immutable; a detector (package {@code engine}) compiles a list of them. Rule files are
 * read by {@code RuleReader}; the Jackson annotations serve the scanner's {@code tokensweep.yaml},
 * which binds its {@code rules:} list with the rest of the configuration.
 *
 * @param prefix a public fixed prefix of the secret that previews may show (for example {@code ghp_});
 *     when absent, the longest keyword the secret starts with is used
 * @param maxBefore how many bytes before its keyword a match may start (default 64)
 * @param maxLength the longest match, context included (default 512); bounds the regex window
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Rule(
    @JsonProperty(value = "id", required = true) String id,
    @JsonProperty(value = "name", required = true) String name,
    @JsonProperty(value = "kind", required = true) Kind kind,
    @JsonProperty(value = "keywords", required = true) List<String> keywords,
    @JsonProperty(value = "pattern", required = true) String pattern,
    @JsonProperty("validate") List<String> validate,
    @JsonProperty("min_entropy") Double minEntropy,
    @JsonProperty(value = "severity", required = true) Severity severity,
    @JsonProperty("prefix") String prefix,
    @JsonProperty("examples") List<String> examples,
    @JsonProperty("negative_examples") List<String> negativeExamples,
    @JsonProperty("references") List<String> references,
    @JsonProperty("description") String description,
    @JsonProperty("max_before") Integer maxBefore,
    @JsonProperty("max_length") Integer maxLength) {

  /**
   * Default bytes a match may start before its keyword: room for an assignment's name and quoting
   * ({@code "client_secret": "}) before a keyword that is the value's own prefix or a later word.
   */
  public static final int DEFAULT_MAX_BEFORE = 64;
  /**
   * Default longest match, context included: every token format in the catalogue fits (JWTs and
   * keys that are longer set their own {@code max_length}); it bounds each regex window to about
   * 1 KB, which is what keeps the confirm step linear in the input.
   */
  public static final int DEFAULT_MAX_LENGTH = 512;

  public Rule {
    keywords = keywords == null ? List.of() : List.copyOf(keywords);
    validate = validate == null ? List.of() : List.copyOf(validate);
    examples = examples == null ? List.of() : List.copyOf(examples);
    negativeExamples = negativeExamples == null ? List.of() : List.copyOf(negativeExamples);
    references = references == null ? List.of() : List.copyOf(references);
  }

  /** How far before its keyword a match of this rule may start. */
  public int before() {
    return maxBefore == null ? DEFAULT_MAX_BEFORE : maxBefore;
  }

  /** The longest match of this rule, context included; longer ones are not found. */
  public int length() {
    return maxLength == null ? DEFAULT_MAX_LENGTH : maxLength;
  }

  /**
   * The provider part of the id, {@code github} for {@code ts.github.1}: ids are
   * {@code <namespace>.<provider>.<n>}. The whole id when it has no such part.
   */
  public String provider() {
    int a = id.indexOf('.');
    int b = id.lastIndexOf('.');
    return a >= 0 && b > a ? id.substring(a + 1, b) : id;
  }

  /** Minimum Shannon entropy of the secret in bits per character; 0 when the rule sets none. */
  public double entropyFloor() {
    return minEntropy == null ? 0 : minEntropy;
  }
}
