package dev.tokensweep.scanner.expand;

import dev.tokensweep.scanner.model.Problem;
import dev.tokensweep.scanner.model.ScanLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.commons.compress.archivers.ArchiveEntry;

/**
 * The Expander role: turns one input into its leaves, opening archives and compressed streams
 * (recursively, within {@link ScanLimits}) and handing every leaf, with its first bytes, to
 * {@link Leaves}; every skip is a located problem. Scan and sanitize drive the same
 * implementation ({@link #archives}), sanitize as a {@link Visitor} that also sees the
 * containers, so every limit and guard holds for both by construction. Not thread-safe: one per
 * input.
 */
public interface Expander {

  /** Bytes of a member's start that sniffing and reader selection look at. */
  int HEAD = Sniffer.HEAD;

  /**
   * A buffer size for reading {@code in} from where it stands: {@code max}, or less when the
   * stream says it holds less ({@code available()} of a file or a tar member is what remains),
   * but never below {@code min}. A small file then does not get (and zero) a buffer of
   * {@code max}; a stream that says less than it holds only costs more reads, or a larger
   * buffer sooner.
   */
  static int bufferFor(InputStream in, int min, int max) {
    try {
      int left = in.available();
      return left <= 0 ? max : Math.max(min, Math.min(max, left + 1));
    } catch (IOException e) {
      return max; // the read that follows reports it
    }
  }

  /** Reads one leaf. {@code head[0, headLength)} are its first bytes, for choosing a reader. */
  @FunctionalInterface
  public interface Leaves {
    void read(InputStream in, String path, byte[] head, int headLength) throws IOException;

    /**
     * As above; {@code file} is the leaf itself on disk when the leaf is the input file (no
     * archive or compression around it), else null, for readers that need random access.
     */
    default void read(InputStream in, String path, byte[] head, int headLength, Path file) throws IOException {
      read(in, path, head, headLength);
    }

    /**
     * A member named {@code storedName} in the archive {@code archivePath} is about to be read:
     * its name is input too, to be scanned as content is. Called once per member read.
     */
    default void member(String archivePath, String storedName) {
    }
  }

  /**
   * A {@link Leaves} that also sees the containers around the leaves, for a caller that rebuilds
   * what it walks (sanitize writes each container again, member by member). The walker calls, for
   * each container, {@link #open}, then for each entry {@link #other} (an entry without content:
   * directory, link, device), {@link #skipped} (a member with content that is not read: encrypted,
   * unsupported, overlapping) or {@link #enter}, the member's content (a leaf or a container) and
   * {@link #exit}, and at last {@link #close}. A compressed stream is a container with one member
   * whose entry is null; so is a zip's comment, a member of the zip named {@code <zip comment>}
   * entered after the zip's last entry. A zip's symbolic link whose target is stored is entered as
   * a member with content (its target). Callbacks do not throw: a visitor records its own failures.
   */
  public interface Visitor extends Leaves {
    /**
     * A container of format {@code f} starts at {@code path}; {@code header} is the gzip header
     * ({@code GzipParameters}), the open {@code ZipFile} when the zip is read through its central
     * directory, or null.
     */
    default void open(Format f, String path, Object header) {}

    /** A member with content starts; the visitor may wrap its stream (to keep its raw bytes). */
    default InputStream enter(ArchiveEntry entry, String path, InputStream in) {
      return in;
    }

    /** Whether the walker must read every member to its end before {@link #exit} (raw copies need it). */
    default boolean wholeMembers() {
      return false;
    }

    /** The member ended; {@code complete} is false when a limit or damage cut it (its problem is reported). */
    default void exit(String path, boolean complete) {}

    /**
     * Data follows the end of the container of format {@code f} at {@code path} (after a tar's
     * end-of-archive blocks or cpio's trailer entry, after a compressed stream's last member), or
     * lies inside it where no member is (a 7z's bytes before its end header that no packed stream
     * holds): no member holds it. The walker reports it and does not hand it to a visitor, so a
     * copy rebuilt from the members leaves it out, and a copy made as the input was would keep it.
     * Called before the container's {@link #close}, once or more.
     */
    default void dataAfterEnd(Format f, String path) {}

    /** An entry without content of its own to read (directory, symbolic or hard link, device). */
    default void other(ArchiveEntry entry, String path) {}

    /** A member with content that is not read (encrypted, unsupported, overlapping); its problem is reported. */
    default void skipped(ArchiveEntry entry, String path) {}

    /**
     * The container ended; {@code complete} is false when not every entry was walked, or was
     * walked twice (a damaged or lying directory): the container cannot be rebuilt from it.
     */
    default void close(String path, boolean complete) {}
  }

  /**
   * The archive walker over one input: problems go to {@code problems}, leaves to
   * {@code leaves} (a {@link Visitor} sees the containers too).
   *
   * @param rawBytes bytes read so far from the input as stored, for the input-wide ratio check
   * @param readAhead when not null, the input's own compression layer (a {@code .gz} log, a
   *     {@code .tar.gz} bundle) is decoded on a thread of it, ahead of the scan ({@link ReadAhead});
   *     the caller makes sure a thread is free for it
   */
  static Expander archives(ScanLimits limits, LongSupplier rawBytes, Consumer<Problem> problems, Leaves leaves,
      java.util.concurrent.Executor readAhead) {
    return new ArchiveExpander(limits, rawBytes, problems, leaves).readAhead(readAhead);
  }

  /**
   * Expands one input.
   *
   * @param file the input on disk when it is a regular file (opened directly by random-access
   *     formats), null for stdin
   * @throws IOException only when the input itself cannot be read; member failures are problems
   */
  void run(InputStream in, String path, Path file) throws IOException;

  /** Bytes a random-access reader read from the input file beyond what went through its stream. */
  long randomAccessBytes();
}
