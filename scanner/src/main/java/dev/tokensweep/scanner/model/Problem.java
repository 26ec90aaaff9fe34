package dev.tokensweep.scanner.model;

/**
 * Something that kept part of the input from being scanned: an unreadable file, a special file,
 * a corrupt archive, a limit that tripped. Every problem makes the scan incomplete (exit 3 when
 * nothing was found). Messages never quote input content.
 *
 * @param location the path or archive chain where it happened
 * @param type what kind of problem it is; its {@link Type#code() code} is what reports print
 */
public record Problem(String location, Type type, String message) {

  /** The kinds of problem, each with the stable short code that reports and tests use. */
  public enum Type {
    /** The file or member could not be read (permissions, I/O error). */
    UNREADABLE("unreadable"),
    /** A device, FIFO or socket: never read. */
    SPECIAL_FILE("special-file"),
    /** A symlink loop met while following links. */
    SYMLINK_LOOP("symlink-loop"),
    /** Damaged, truncated or inconsistent data; what came before it was scanned. */
    CORRUPT("corrupt"),
    /** A limit of {@link ScanLimits} tripped; the message starts with the limit's name ({@code max-ratio:}). */
    LIMIT("limit"),
    /** A member name that would escape an extraction root; the member is still scanned. */
    UNSAFE_NAME("unsafe-name"),
    /**
     * All of the data was read, but part of it in a weaker way that can miss a secret: a git delta
     * whose base was not at hand, scanned as the text it inserts without the base's bytes around it.
     */
    PARTIAL("partial"),
    /** Encrypted content that cannot be read without a key. */
    ENCRYPTED("encrypted"),
    /** A feature or method this build cannot decode. */
    UNSUPPORTED("unsupported"),
    /** A named input that does not exist. */
    NOT_FOUND("not-found"),
    /**
     * An internal error: an unexpected exception or running out of memory. The scan goes on with
     * the other inputs but ends with exit code 4, never 1 or 3: its result is not what it should be.
     */
    INTERNAL("internal"),
    /** Anything else (an interrupted scan). */
    ERROR("error");

    private final String code;

    Type(String code) {
      this.code = code;
    }

    /** The stable short code ({@code max-ratio} problems are {@code limit}). */
    public String code() {
      return code;
    }

    /**
     * What became of the data where a problem of this type is, as a line about it begins:
     * {@code partly scanned} for damage (what came before it was read, and data after a
     * container's end is read as a member of its own), {@code note} for an unsafe name (the
     * member is read; only extracting it would be unsafe) and for a partial read (everything was read,
     * some of it in a weaker way), else {@code not scanned}.
     */
    public String outcome() {
      return switch (this) {
        case CORRUPT -> "partly scanned";
        case UNSAFE_NAME, PARTIAL -> "note";
        default -> "not scanned";
      };
    }

    @Override
    public String toString() {
      return code;
    }
  }

  @Override
  public String toString() {
    return location + ": " + type.code() + ": " + message;
  }
}
