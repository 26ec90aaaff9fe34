/**
 * Rules as data: the {@link dev.tokensweep.detectors.rule.Rule} record, its {@code Kind} and
 * {@code Severity}, the loaders of the built-in catalogue and of users' rule files
 * ({@link dev.tokensweep.detectors.rule.Rules}), the YAML line map their errors cite, and
 * {@code TokenForge}, which forges format-valid tokens from a rule's shape for tests and the corpus.
 * Imports nothing of {@code engine} (a rule is data, not how it is found); it may use {@code check}
 * for the checksums TokenForge computes. Public only for other packages: {@code Rules.BUILTIN_DIR},
 * {@code PACKED}, {@code readFiles} and {@code packFiles} (the build step in {@code engine} that packs
 * and precompiles the catalogue) and {@code YamlLines} (the linter cites its lines).
 */
package dev.tokensweep.detectors.rule;
