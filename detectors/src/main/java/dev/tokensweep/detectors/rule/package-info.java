/**
 * Rules as data: the {@link dev.tokensweep.detectors.rule.Rule} record, its {@code Kind} and
 * {@code Severity}, the one reader of the rule schema ({@code RuleReader}, behind the
 * {@link dev.tokensweep.detectors.rule.Rules} facade) for the built-in catalogue and users' rule
 * files alike, the YAML line map errors cite ({@code YamlLines}), and {@code TokenForge}, which
 * forges format-valid tokens from a rule's shape for tests and the corpus. Imports nothing of
 * {@code engine} (a rule is data, not how it is found); it may use {@code check} for the checksums
 * TokenForge computes. Public only for other packages: {@code Rules.BUILTIN_DIR}, {@code PACKED},
 * {@code readFiles} and {@code packFiles} (the build step in {@code engine} that packs and
 * precompiles the catalogue) and {@code YamlLines} (the linter and the scanner's configuration cite
 * its lines).
 */
package dev.tokensweep.detectors.rule;
