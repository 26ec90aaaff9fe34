package dev.tokensweep.scanner.fleet;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Documents that could not be delivered, kept on disk until a later run delivers them, so a cluster
 * that is down for a night loses nothing. One directory per cluster; each file is one bulk request
 * body (action line, document line, ...) written to a temp file and renamed into place, so a crash
 * never leaves half a file, and files are sent oldest first. Documents are built by
 * {@link dev.tokensweep.scanner.report.EcsDocuments} and hold no secret, so neither does the outbox.
 * Files are private to the user (0600 in a 0700 directory): they still name hosts and paths.
 */
public final class Outbox implements Closeable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SUFFIX = ".ndjson";

  private final Path dir;
  private FileChannel lockChannel;
  private FileLock lock;
  private long counter;

  /** One document with where it goes: the index and its id. */
  public record Item(String index, String id, byte[] source) {
    /** The two lines of a bulk request for this document. */
    void writeTo(ByteArrayOutputStream out) throws IOException {
      out.write(Cluster.JSON.writeValueAsBytes(java.util.Map.of("create", java.util.Map.of("_index", index, "_id", id))));
      out.write('\n');
      out.write(source);
      out.write('\n');
    }
  }

  /** An outbox file that is not a bulk body of ours; it is set aside, not sent. */
  public static final class BadFileException extends IOException {
    BadFileException(String message) {
      super(message);
    }
  }

  private Outbox(Path dir) {
    this.dir = dir;
  }

  /**
   * The outbox for {@code cluster} under {@code root}: a directory named after the cluster's
   * host, port and a hash of its URL, with a {@code target} file naming the URL for people.
   */
  public static Outbox open(Path root, String clusterUrl) throws IOException {
    Path dir = root.resolve(key(clusterUrl));
    createPrivateDirectories(dir);
    Path target = dir.resolve("target");
    if (!Files.exists(target)) {
      Files.writeString(target, clusterUrl + "\n", StandardCharsets.UTF_8);
    }
    return new Outbox(dir);
  }

  static String key(String url) {
    String hostPort = url.replaceFirst("^[a-zA-Z]+://", "").replaceAll("[^A-Za-z0-9.-]+", "_");
    if (hostPort.length() > 60) {
      hostPort = hostPort.substring(0, 60);
    }
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
      return hostPort.toLowerCase(Locale.ROOT) + "-" + HexFormat.of().formatHex(h, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Files.createDirectories(dir.getParent());
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      // another run made it
    }
  }

  public Path dir() {
    return dir;
  }

  /**
   * Takes the outbox for sending. Only one run sends from an outbox at a time (another one that
   * sent the same files would double no document, ids are fixed, but would waste the cluster's
   * time); writing new files needs no lock. False when another run holds it.
   */
  public boolean tryLock() throws IOException {
    if (lock != null) {
      return true;
    }
    lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      lockChannel = null;
      return false;
    }
    return true;
  }

  /** The files waiting, oldest first. */
  public List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
    }
  }

  /** How many documents wait in all files (a file that cannot be read counts as none). */
  public long count() throws IOException {
    long n = 0;
    for (Path f : files()) {
      try {
        n += read(f).size();
      } catch (BadFileException e) {
        // set aside when it is next sent
      }
    }
    return n;
  }

  /** Keeps {@code items} in a new file. */
  public void write(List<Item> items) throws IOException {
    if (items.isEmpty()) {
      return;
    }
    String name = String.format(Locale.ROOT, "%013d-%06d-%s%s", System.currentTimeMillis(), counter++,
        HexFormat.of().formatHex(randomBytes()), SUFFIX);
    writeAtomically(dir.resolve(name), items);
  }

  /** Replaces {@code file} by {@code remaining}, or deletes it when nothing remains. */
  public void replace(Path file, List<Item> remaining) throws IOException {
    if (remaining.isEmpty()) {
      Files.deleteIfExists(file);
    } else {
      writeAtomically(file, remaining);
    }
  }

  /** Moves a file that cannot be read out of the way ({@code .bad}), so it blocks nothing; returns the new name. */
  public Path setAside(Path file) throws IOException {
    Path bad = file.resolveSibling(file.getFileName() + ".bad");
    Files.move(file, bad, StandardCopyOption.REPLACE_EXISTING);
    return bad;
  }

  /** The documents of one file, in order. */
  public List<Item> read(Path file) throws IOException {
    return parse(Files.readAllBytes(file), file.getFileName().toString());
  }

  /** Parses a bulk body of ours: pairs of a {@code create} action and a JSON object. */
  static List<Item> parse(byte[] bytes, String name) throws BadFileException {
    List<Item> items = new ArrayList<>();
    int pos = 0;
    int lineNo = 0;
    while (pos < bytes.length) {
      int nl = indexOf(bytes, pos);
      int nl2 = nl < 0 ? -1 : indexOf(bytes, nl + 1);
      lineNo += 2;
      if (nl < 0 || nl2 < 0) {
        throw new BadFileException("outbox file " + name + ": an action line without its document near line " + lineNo);
      }
      String index;
      String id;
      try {
        JsonNode action = Cluster.JSON.readTree(new String(bytes, pos, nl - pos, StandardCharsets.UTF_8)).path("create");
        index = action.path("_index").asText(null);
        id = action.path("_id").asText(null);
        try (JsonParser p = Cluster.JSON.createParser(bytes, nl + 1, nl2 - nl - 1)) {
          if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
            throw new BadFileException("outbox file " + name + " line " + lineNo + ": not a JSON object");
          }
          p.skipChildren();
          if (p.nextToken() != null) {
            throw new BadFileException("outbox file " + name + " line " + lineNo + ": more than one JSON value");
          }
        }
      } catch (BadFileException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw new BadFileException("outbox file " + name + " near line " + lineNo + ": not JSON ("
            + e.getClass().getSimpleName() + ")");
      }
      if (index == null || id == null || index.isEmpty() || id.isEmpty()) {
        throw new BadFileException("outbox file " + name + " line " + (lineNo - 1) + ": not a create action with _index and _id");
      }
      byte[] source = java.util.Arrays.copyOfRange(bytes, nl + 1, nl2);
      items.add(new Item(index, id, source));
      pos = nl2 + 1;
    }
    return items;
  }

  private static int indexOf(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** A bulk request body for {@code items}. */
  static byte[] body(List<Item> items) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(items.size() * 1600);
    for (Item i : items) {
      i.writeTo(out);
    }
    return out.toByteArray();
  }

  private void writeAtomically(Path target, List<Item> items) throws IOException {
    byte[] body = body(items);
    Path tmp = dir.resolve(".tmp-" + HexFormat.of().formatHex(randomBytes()));
    try {
      try {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(tmp);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(body));
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static byte[] randomBytes() {
    byte[] r = new byte[4];
    RANDOM.nextBytes(r);
    return r;
  }

  @Override
  public void close() throws IOException {
    if (lock != null) {
      lock.release();
      lock = null;
    }
    if (lockChannel != null) {
      lockChannel.close();
      lockChannel = null;
    }
  }
}
