/**
 * Build-time packaging, never shipped: {@link dev.tokensweep.dist.Packager} turns the scanner's jar
 * into the install image, the self-contained tarball and the .deb during {@code mvn package}.
 */
package dev.tokensweep.dist;
