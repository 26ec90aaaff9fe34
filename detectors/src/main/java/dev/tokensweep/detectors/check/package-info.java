/**
 * The checks a candidate secret passes after its rule's regex matched: named offline validators
 * (checksums, JWT structure, key shapes: {@link dev.tokensweep.detectors.check.Validators},
 * {@code Jwt}), Shannon entropy ({@code Entropy}) and masks or placeholders ({@code Placeholders}).
 * Pure functions of the secret's bytes. Imports {@code rule} only for {@code Kind}; nothing of
 * {@code engine} or {@code evidence}. Public only for {@code rule}'s TokenForge:
 * {@code Validators.BASE62} and {@code Validators.grafanaChecksum}.
 */
package dev.tokensweep.detectors.check;
