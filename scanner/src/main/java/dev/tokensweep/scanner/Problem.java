package dev.tokensweep.scanner;

/**
 * Something that kept part of the input from being scanned: an unreadable file, a special file,
 * a corrupt archive, a limit that tripped. Every problem makes the scan incomplete (exit 3 when
 * nothing was found). Messages never quote input content.
 *
 * @param location the path or archive chain where it happened
 * @param type a stable short code: {@code unreadable}, {@code special-file}, {@code symlink-loop},
 *     {@code corrupt}, {@code limit} (the message starts with the limit's name, like
 *     {@code max-ratio:}), {@code unsafe-name}, {@code encrypted}, {@code unsupported},
 *     {@code not-found}, {@code error}
 */
public record Problem(String location, String type, String message) {
  @Override
  public String toString() {
    return location + ": " + type + ": " + message;
  }
}
