package dev.tokensweep.scanner.model;

import java.time.Instant;

/**
 * Where in an application store a secret sits: the systemd journal (entry sequence number,
 * realtime timestamp, field name), a SQLite database (table, rowid, column), a LevelDB store
 * (key) or a git packfile (an object, at its offset in the pack). A finding in bytes the store no
 * longer counts as live (a deleted SQLite row in a free block or freelist page, a page only in the
 * write-ahead log) says so in {@code origin}, because an incident responder weighs "still in use"
 * differently from "left behind".
 *
 * @param store {@code journal}, {@code sqlite}, {@code leveldb} or {@code git-pack}
 * @param origin {@link #RECORD} for a value the store holds as live data; {@link #DELETED} for
 *     bytes of deleted data (free blocks, unallocated page space, freelist pages, pages no b-tree
 *     reaches); {@link #UNCOMMITTED} for a page in a SQLite {@code -wal} file; {@link #LOG} for a
 *     LevelDB write-ahead log record
 * @param table SQLite table name from {@code sqlite_schema}; null elsewhere or when unknown
 * @param rowid SQLite rowid of the row; null elsewhere, for {@code WITHOUT ROWID} tables and raw bytes
 * @param column SQLite column name; null when unknown
 * @param seqnum journal entry sequence number
 * @param realtime journal entry realtime timestamp, microseconds since the epoch
 * @param field journal field name ({@code MESSAGE}, {@code _CMDLINE}, ...)
 * @param key LevelDB key as printable text, with any token-like run in it hidden
 * @param valueOffset byte offset of the secret in the decoded value (a decompressed journal
 *     field or LevelDB block holds no file offset of its own); null when the file offset is exact
 * @param page SQLite page number (1-based) holding the secret's first byte; null elsewhere
 */
public record StoreContext(String store, String origin, String table, Long rowid, String column, Long seqnum,
    Long realtime, String field, String key, Long valueOffset, Long page) {

  public static final String JOURNAL = "journal";
  public static final String SQLITE = "sqlite";
  public static final String LEVELDB = "leveldb";
  public static final String GIT_PACK = "git-pack";

  public static final String RECORD = "record";
  public static final String DELETED = "deleted";
  public static final String UNCOMMITTED = "uncommitted";
  public static final String LOG = "log";

  /** A field of a journal entry. */
  public static StoreContext journal(Long seqnum, Long realtimeMicros, String field) {
    return new StoreContext(JOURNAL, RECORD, null, null, null, seqnum, realtimeMicros, field, null, null, null);
  }

  /** A SQLite value or raw region. */
  public static StoreContext sqlite(String origin, String table, Long rowid, String column, Long page) {
    return new StoreContext(SQLITE, origin, table, rowid, column, null, null, null, null, null, page);
  }

  /** A LevelDB key or value. */
  public static StoreContext leveldb(String origin, String key) {
    return new StoreContext(LEVELDB, origin, null, null, null, null, null, null, key, null, null);
  }

  /** An object in a git packfile: the location's offset is the object's, {@code valueOffset} the secret's in it inflated. */
  public static StoreContext gitPack() {
    return new StoreContext(GIT_PACK, RECORD, null, null, null, null, null, null, null, null, null);
  }

  public StoreContext withValueOffset(Long v) {
    return new StoreContext(store, origin, table, rowid, column, seqnum, realtime, field, key, v, page);
  }

  public StoreContext withPage(Long p) {
    return new StoreContext(store, origin, table, rowid, column, seqnum, realtime, field, key, valueOffset, p);
  }

  /**
   * This context as it may be printed or stored: the names it quotes from the store (a SQLite
   * table or column, a journal field, a LevelDB key) with each secret in them replaced by
   * {@code redact}, as {@link Location#redacted} does for paths. A table or column can be named
   * after a token as a file can.
   */
  public StoreContext redacted(java.util.function.UnaryOperator<String> redact) {
    String t = table == null ? null : redact.apply(table);
    String c = column == null ? null : redact.apply(column);
    String f = field == null ? null : redact.apply(field);
    String k = key == null ? null : redact.apply(key);
    if (java.util.Objects.equals(t, table) && java.util.Objects.equals(c, column) && java.util.Objects.equals(f, field)
        && java.util.Objects.equals(k, key)) {
      return this;
    }
    return new StoreContext(store, origin, t, rowid, c, seqnum, realtime, f, k, valueOffset, page);
  }

  /** One line for people: {@code sqlite deleted, table cookies, rowid 3, column value, page 7}. */
  public String describe() {
    StringBuilder b = new StringBuilder(store);
    if (origin != null && !RECORD.equals(origin)) {
      b.append(' ').append(origin);
    }
    if (table != null) {
      b.append(", table ").append(table);
    }
    if (rowid != null) {
      b.append(", rowid ").append(rowid);
    }
    if (column != null) {
      b.append(", column ").append(column);
    }
    if (page != null) {
      b.append(", page ").append(page);
    }
    if (seqnum != null) {
      b.append(", seqnum ").append(seqnum);
    }
    if (realtime != null) {
      b.append(" at ").append(Instant.ofEpochSecond(realtime / 1_000_000, (realtime % 1_000_000) * 1000));
    }
    if (field != null) {
      b.append(", field ").append(field);
    }
    if (key != null) {
      b.append(", key ").append(key);
    }
    if (valueOffset != null) {
      b.append(", value offset ").append(valueOffset);
    }
    return b.toString();
  }
}
