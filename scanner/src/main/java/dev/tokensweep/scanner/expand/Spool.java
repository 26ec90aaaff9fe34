package dev.tokensweep.scanner.expand;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import javax.crypto.CipherOutputStream;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A private temp file for bytes that must be read more than once (a random-access archive inside
 * a stream, a leaf the sanitizer reads twice). Input may hold live secrets, so the file is
 * encrypted with AES-CTR under a key that exists only in this object's memory: what is left on
 * disk after a crash is noise. Owner-only permissions, a size cap, deleted on {@link #close()}.
 * Not thread-safe.
 */
public final class Spool implements AutoCloseable {

  /** The spool grew past its cap; the message names the cap, never content. */
  public static final class TooLargeException extends IOException {
    public TooLargeException(long cap) {
      super("larger than the spool limit of " + cap + " bytes");
    }
  }

  /** Spool and temp files of this process that are still on disk: deleted by the shutdown hook. */
  private static final java.util.Set<Path> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Other files and directories being built (a sanitized copy beside its output): deleted by the hook too. */
  private static final java.util.Set<Path> BUILDING = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final long PID = ProcessHandle.current().pid();
  private static final java.util.regex.Pattern OURS = java.util.regex.Pattern.compile("tokensweep-(\\d+)-[^/]*\\.(spool|tmp)");
  private static volatile Path dir;

  private final Path file;
  private final SecretKeySpec key;
  private final byte[] iv = new byte[16];
  private final long cap;
  private long size;
  private boolean written;

  public Spool(long capBytes) throws IOException {
    this.cap = capBytes;
    this.file = create(".spool");
    byte[] k = new byte[16];
    SecureRandom rnd = new SecureRandom();
    rnd.nextBytes(k);
    rnd.nextBytes(iv);
    this.key = new SecretKeySpec(k, "AES");
  }

  /** Copies {@code in} into the spool (once), failing with {@link TooLargeException} past the cap. */
  public Spool fill(InputStream in) throws IOException {
    try (OutputStream out = output()) {
      in.transferTo(out);
    }
    return this;
  }

  /** The stream to write the spooled bytes to, once. */
  public OutputStream output() throws IOException {
    if (written) {
      throw new IllegalStateException("spool already written");
    }
    written = true;
    // buffered under the cipher, which writes each piece it is given as it comes: the sanitizer's
    // copy between two passes went to disk in 2 million writes a GB
    OutputStream raw = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    return new FilterOutputStream(new CipherOutputStream(raw, cipher(Cipher.ENCRYPT_MODE))) {
      @Override
      public void write(int b) throws IOException {
        count(1);
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        count(len);
        out.write(b, off, len);
      }
    };
  }

  private void count(long n) throws IOException {
    size += n;
    if (size > cap) {
      throw new TooLargeException(cap);
    }
  }

  /** A new stream over the spooled bytes; may be called many times. */
  public InputStream input() throws IOException {
    // buffered under the cipher, which reads 512 bytes at a time
    return new CipherInputStream(new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16),
        cipher(Cipher.DECRYPT_MODE));
  }

  public long size() {
    return size;
  }

  /**
   * A read-only random-access view of the spooled bytes, decrypting at any position (CTR mode
   * allows it), for formats that need seeking: {@code ZipFile}, {@code SevenZFile}.
   */
  public java.nio.channels.SeekableByteChannel channel() throws IOException {
    java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ);
    return new java.nio.channels.SeekableByteChannel() {
      private long pos;

      @Override
      public int read(java.nio.ByteBuffer dst) throws IOException {
        if (pos >= size) {
          return -1;
        }
        int want = (int) Math.min(dst.remaining(), size - pos);
        long block = pos / 16;
        int skip = (int) (pos % 16);
        java.nio.ByteBuffer enc = java.nio.ByteBuffer.allocate(skip + want);
        int n = 0;
        while (enc.hasRemaining()) {
          int r = ch.read(enc, block * 16 + enc.position());
          if (r < 0) {
            break;
          }
          n += r;
        }
        byte[] plain;
        try {
          Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
          c.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(counter(block)));
          plain = c.doFinal(enc.array(), 0, n);
        } catch (GeneralSecurityException e) {
          throw new IOException("AES/CTR unavailable", e);
        }
        int got = Math.max(0, plain.length - skip);
        dst.put(plain, skip, got);
        pos += got;
        return got;
      }

      @Override
      public int write(java.nio.ByteBuffer src) throws IOException {
        throw new java.nio.channels.NonWritableChannelException();
      }

      @Override
      public long position() {
        return pos;
      }

      @Override
      public java.nio.channels.SeekableByteChannel position(long p) {
        pos = p;
        return this;
      }

      @Override
      public long size() {
        return size;
      }

      @Override
      public java.nio.channels.SeekableByteChannel truncate(long s) {
        throw new java.nio.channels.NonWritableChannelException();
      }

      @Override
      public boolean isOpen() {
        return ch.isOpen();
      }

      @Override
      public void close() throws IOException {
        ch.close();
      }
    };
  }

  /** The CTR counter block for block number {@code block}: the IV plus {@code block}, big-endian. */
  /** The spool file itself (encrypted); for tests that check what is on disk. */
  Path path() {
    return file;
  }

  private byte[] counter(long block) {
    byte[] c = iv.clone();
    long carry = block;
    for (int i = 15; i >= 0 && carry != 0; i--) {
      long sum = (c[i] & 0xFF) + (carry & 0xFF);
      c[i] = (byte) sum;
      carry = (carry >>> 8) + (sum >>> 8);
    }
    return c;
  }

  private Cipher cipher(int mode) throws IOException {
    try {
      Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
      c.init(mode, key, new IvParameterSpec(iv));
      return c;
    } catch (GeneralSecurityException e) {
      throw new IOException("AES/CTR unavailable", e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      Files.deleteIfExists(file);
    } finally {
      LIVE.remove(file);
    }
  }

  /**
   * The directory of this user's spools: {@code tokensweep-spools-USER} in the temp directory,
   * owner-only. Every name in it carries the owning process's id, so that a run can delete what
   * dead runs left behind (killed with SIGKILL, or a machine that lost power) and nothing else.
   * Falls back to the temp directory itself when that directory is not ours (another user's, or
   * a link planted there).
   */
  public static Path directory() {
    Path d = dir;
    if (d != null) {
      return d;
    }
    synchronized (LIVE) {
      if (dir != null) {
        return dir;
      }
      Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
      Path own = tmp.resolve("tokensweep-spools-" + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_"));
      try {
        try {
          Files.createDirectory(own, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (java.nio.file.FileAlreadyExistsException e) {
          // a previous run's: checked below
        } catch (UnsupportedOperationException e) {
          Files.createDirectories(own);
        }
        java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(own,
            java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        boolean mine = a.isDirectory() && !a.isSymbolicLink()
            && Files.getOwner(own, java.nio.file.LinkOption.NOFOLLOW_LINKS).getName()
                .equals(System.getProperty("user.name"));
        d = mine ? own : tmp;
      } catch (IOException | RuntimeException e) {
        d = tmp;
      }
      if (d == own) {
        removeStale(own);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(Spool::deleteLive, "tokensweep-spool-cleanup"));
      dir = d;
      return d;
    }
  }

  /** Deletes the spool and temp files of processes that are no longer alive; returns how many. */
  static int removeStale(Path d) {
    int n = 0;
    try (java.util.stream.Stream<Path> all = Files.list(d)) {
      for (Path p : all.toList()) {
        java.util.regex.Matcher m = OURS.matcher(p.getFileName().toString());
        if (!m.matches()) {
          continue;
        }
        long pid;
        try {
          pid = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid != PID && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          continue;
        }
        if (pid != PID || !LIVE.contains(p)) {
          if (Files.deleteIfExists(p)) {
            n++;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // what cannot be listed or deleted is left; the next run tries again
    }
    return n;
  }

  /** Deletes every spool and temp file this process still has (the shutdown hook: SIGTERM, SIGINT, exit). */
  static void deleteLive() {
    for (Path p : LIVE.toArray(new Path[0])) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // best effort at exit; the next run removes it as stale
      }
      LIVE.remove(p);
    }
    for (Path p : BUILDING.toArray(new Path[0])) {
      try (java.util.stream.Stream<Path> all = Files.walk(p)) {
        for (Path x : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(x);
        }
      } catch (IOException | RuntimeException ignored) {
        // gone already, or not ours to finish
      }
      BUILDING.remove(p);
    }
  }

  /**
   * Registers a file or directory that this run is building and must not leave behind if it is
   * stopped (the copy that sanitize writes beside its output before renaming it into place): the
   * shutdown hook deletes it. {@link #built} once it is renamed or deleted.
   */
  public static void building(Path p) {
    directory(); // installs the hook
    BUILDING.add(p);
  }

  /** {@code p} is in place or gone: no longer deleted at exit. */
  public static void built(Path p) {
    BUILDING.remove(p);
  }

  /** Names of the live files, for tests. */
  static java.util.Set<Path> live() {
    return java.util.Set.copyOf(LIVE);
  }

  /**
   * A new owner-only temp file in the spool directory, tracked like a spool (deleted at exit, and
   * by a later run if this process dies); for bytes that need no encryption (already sanitized).
   * Delete it with {@link #deleteTempFile}.
   */
  public static Path tempFile() throws IOException {
    return create(".tmp");
  }

  public static void deleteTempFile(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // removed at exit or by the next run
    } finally {
      LIVE.remove(p);
    }
  }

  private static Path create(String suffix) throws IOException {
    Path d = directory();
    String prefix = "tokensweep-" + PID + "-";
    Path f;
    try {
      f = Files.createTempFile(d, prefix, suffix,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      f = Files.createTempFile(d, prefix, suffix); // non-POSIX file systems: default ACLs
    }
    LIVE.add(f);
    return f;
  }
}
