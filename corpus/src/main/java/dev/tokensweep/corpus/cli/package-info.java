/** The corpus jar's command line: {@code generate} and {@code evaluate}. */
package dev.tokensweep.corpus.cli;
