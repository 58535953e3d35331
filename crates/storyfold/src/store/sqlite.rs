//! The embedded store: one SQLite file (rusqlite with SQLite bundled), in WAL mode.
//!
//! **Identity and schema.** A storyfold file carries `PRAGMA application_id` =
//! [`APPLICATION_ID`] and `PRAGMA user_version` = its schema version. Opening checks both: an
//! SQLite file of another program (another application id, or tables without ours), a file
//! that is not SQLite at all, or a schema newer than [`SCHEMA_VERSION`] is an
//! [`Error::Schema`] naming the file, never a panic. Older schemas are brought up to date by
//! the migrations of [`MIGRATIONS`] (one SQL script per version, from version 1), each in the
//! transaction that sets the new `user_version`.
//!
//! **Durability.** Every [`Batch`] is one transaction. With [`Durability::Normal`] (the
//! default, `synchronous=NORMAL` in WAL mode) a committed batch survives a crash of the
//! process (`kill -9`); a power loss may lose the last batches but never corrupts the file.
//! [`Durability::Full`] (`synchronous=FULL`) also survives a power loss, at the cost of an
//! fsync per batch.
//!
//! **Readers.** [`Store::reader_factory`] opens more connections to the same file, read-only:
//! in WAL mode they read the last committed state while the one writing connection commits,
//! so the live index serves reads without waiting for a write ([`crate::live`]). Each
//! connection keeps a page cache of its own ([`WRITER_CACHE_KIB`], [`READER_CACHE_KIB`]),
//! which bounds the memory it takes.
//!
//! **Tables** (schema version 1): `meta(key, value)`; `articles` (text, metadata, placement,
//! exact hash, MinHash signature, TF-IDF vector, term buckets, sentence hashes);
//! `lsh_bands(band, seq)` and `sentence_hashes(hash, seq)` (lookups);
//! `stories` (span, size, title, origin, version, sum vector); `events`;
//! `term_stats` (the checkpoint of the document frequencies) and `term_log` (removals since).

use std::path::Path;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row};

use super::{
    decode_u32s, decode_u64s, decode_vector, encode_u32s, encode_u64s, encode_vector, ArticleRow,
    Batch, EventRow, MemberRow, ReaderFactory, Store, StoreCounts, StoryQuery, StoryRow,
    TermReplay,
};
use crate::error::{Error, Result};

/// `PRAGMA application_id` of a storyfold index ("SFLD").
pub const APPLICATION_ID: i32 = 0x5346_4C44;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i32 = 1;

/// The migrations: `MIGRATIONS[v - 1]` brings a file from version `v - 1` to `v`.
pub const MIGRATIONS: &[&str] = &[
    // Version 1.
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE articles(
         seq INTEGER PRIMARY KEY,
         id TEXT NOT NULL UNIQUE,
         title TEXT, text TEXT NOT NULL, source TEXT, url TEXT, lang TEXT,
         published TEXT, time INTEGER, inserted INTEGER NOT NULL, headline TEXT NOT NULL,
         story INTEGER NOT NULL, new_story INTEGER NOT NULL, relation TEXT NOT NULL,
         duplicate_of TEXT, derived_from TEXT, similarity REAL,
         exact_hash INTEGER NOT NULL, signature BLOB NOT NULL, bands BLOB NOT NULL,
         sentences BLOB NOT NULL, vector BLOB NOT NULL, buckets BLOB NOT NULL);
     CREATE INDEX articles_story ON articles(story, seq);
     CREATE INDEX articles_exact ON articles(exact_hash, seq);
     CREATE INDEX articles_source ON articles(source, story);
     CREATE INDEX articles_derived ON articles(derived_from);
     CREATE TABLE lsh_bands(band INTEGER NOT NULL, seq INTEGER NOT NULL,
         PRIMARY KEY(band, seq)) WITHOUT ROWID;
     CREATE TABLE sentence_hashes(hash INTEGER NOT NULL, seq INTEGER NOT NULL,
         PRIMARY KEY(hash, seq)) WITHOUT ROWID;
     CREATE TABLE stories(
         id INTEGER PRIMARY KEY, created INTEGER NOT NULL, updated INTEGER NOT NULL,
         first INTEGER, last INTEGER, size INTEGER NOT NULL, title TEXT NOT NULL,
         origin TEXT NOT NULL, version INTEGER NOT NULL, sum BLOB NOT NULL);
     CREATE INDEX stories_last ON stories(last);
     CREATE INDEX stories_updated ON stories(updated);
     CREATE TABLE events(seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, kind TEXT NOT NULL,
         story INTEGER NOT NULL, other INTEGER, article TEXT);
     CREATE INDEX events_at ON events(at);
     CREATE INDEX events_other ON events(other);
     CREATE TABLE term_stats(id INTEGER PRIMARY KEY CHECK (id = 1), upto INTEGER NOT NULL,
         counts BLOB NOT NULL);
     CREATE TABLE term_log(seq INTEGER PRIMARY KEY, buckets BLOB NOT NULL);",
];

/// The tables of the current schema (a file with other tables is not ours).
const TABLES: &[&str] = &[
    "articles",
    "events",
    "lsh_bands",
    "meta",
    "sentence_hashes",
    "stories",
    "term_log",
    "term_stats",
];

/// Page cache of the writing connection (KiB). The inserts look up LSH bands and sentence
/// hashes all over their indexes; with SQLite's default 2 MiB the writer spent a fifth of its
/// time re-reading pages from the OS (`pread`) and spilling dirty pages mid-transaction.
pub const WRITER_CACHE_KIB: i64 = 32 * 1024;

/// Page cache of each read-only connection (KiB).
pub const READER_CACHE_KIB: i64 = 2 * 1024;

/// How hard a commit is made to last (see the [module docs](self)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Durability {
    /// `synchronous=NORMAL`: survives a process crash.
    #[default]
    Normal,
    /// `synchronous=FULL`: also survives a power loss.
    Full,
}

/// A store in one SQLite file (or in memory).
pub struct SqliteStore {
    conn: Connection,
    /// The file, for messages (`:memory:` in memory).
    path: String,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish()
    }
}

fn i(x: u64) -> i64 {
    x as i64
}

fn u(x: i64) -> u64 {
    x as u64
}

impl SqliteStore {
    /// Open (with `create`, create) the index file at `path`.
    pub fn open(path: &Path, create: bool, durability: Durability) -> Result<Self> {
        let shown = path.display().to_string();
        if !create && !path.exists() {
            return Err(Error::Io {
                path: path.to_path_buf(),
                op: "open the index",
                source: std::io::Error::from(std::io::ErrorKind::NotFound),
            });
        }
        if path.is_dir() {
            return Err(Error::Schema {
                path: shown,
                message: "is a directory, not an index file".into(),
            });
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn = Connection::open_with_flags(path, flags).map_err(|e| Error::Schema {
            path: shown.clone(),
            message: format!("cannot open the index file: {e}"),
        })?;
        let mut store = SqliteStore { conn, path: shown };
        store.setup(durability)?;
        Ok(store)
    }

    /// A read-only connection to the index file at `path` (which a [`SqliteStore::open`] has
    /// set up). It sees each commit once it is made; [`Store::commit`] on it fails.
    pub fn open_reader(path: &Path) -> Result<Self> {
        let shown = path.display().to_string();
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| Error::Schema {
            path: shown.clone(),
            message: format!("cannot open the index file for reading: {e}"),
        })?;
        conn.execute_batch(&format!(
            "PRAGMA busy_timeout=10000; PRAGMA cache_size=-{READER_CACHE_KIB};"
        ))
        .map_err(|e| Error::store("set reader pragmas", e))?;
        Ok(SqliteStore { conn, path: shown })
    }

    /// A store in memory (for tests and examples; gone when dropped).
    pub fn in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory().map_err(|e| Error::store("open in memory", e))?;
        let mut store = SqliteStore {
            conn,
            path: ":memory:".into(),
        };
        store.setup(Durability::Normal)?;
        Ok(store)
    }

    fn schema_error(&self, message: impl Into<String>) -> Error {
        Error::Schema {
            path: self.path.clone(),
            message: message.into(),
        }
    }

    /// Check the file is ours (or empty), set the pragmas, migrate.
    fn setup(&mut self, durability: Durability) -> Result<()> {
        // The first read of the header tells a non-SQLite file.
        let app: i32 = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| {
                self.schema_error(format!(
                    "not a storyfold index (not an SQLite database: {e})"
                ))
            })?;
        let version: i32 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.schema_error(format!("cannot read the schema version: {e}")))?;
        let tables: Vec<String> = {
            let mut st = self
                .conn
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .map_err(|e| self.schema_error(format!("not a storyfold index: {e}")))?;
            let rows = st
                .query_map([], |r| r.get::<_, String>(0))
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
                .map_err(|e| self.schema_error(format!("not a storyfold index: {e}")))?;
            rows
        };
        let fresh = app == 0 && version == 0 && tables.is_empty();
        if !fresh {
            if app != APPLICATION_ID {
                return Err(self.schema_error(format!(
                    "not a storyfold index: an SQLite database of another program (application_id {app:#x}, tables: {})",
                    if tables.is_empty() { "none".to_string() } else { tables.join(", ") }
                )));
            }
            if version > SCHEMA_VERSION {
                return Err(self.schema_error(format!(
                    "the index has schema version {version}, newer than this storyfold understands ({SCHEMA_VERSION}); use a newer storyfold"
                )));
            }
            if version < 1 {
                return Err(self.schema_error(format!(
                    "the index has no schema version (user_version {version}); it is damaged or was not made by storyfold"
                )));
            }
        }
        let journal: String = self
            .conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(|e| Error::store("set WAL mode", e))?;
        if !journal.eq_ignore_ascii_case("wal") && self.path != ":memory:" {
            return Err(self.schema_error(format!(
                "cannot use write-ahead logging (journal mode {journal})"
            )));
        }
        let sync = match durability {
            Durability::Normal => "NORMAL",
            Durability::Full => "FULL",
        };
        self.conn
            .execute_batch(&format!(
                "PRAGMA synchronous={sync}; PRAGMA foreign_keys=OFF; PRAGMA busy_timeout=10000; \
                 PRAGMA cache_size=-{WRITER_CACHE_KIB};"
            ))
            .map_err(|e| Error::store("set pragmas", e))?;
        self.migrate(if fresh { 0 } else { version })?;
        if !fresh {
            let have: Vec<String> = {
                let mut st = self
                    .conn
                    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                    .map_err(|e| Error::store("list tables", e))?;
                let rows = st
                    .query_map([], |r| r.get::<_, String>(0))
                    .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
                    .map_err(|e| Error::store("list tables", e))?;
                rows
            };
            let missing: Vec<&str> = TABLES
                .iter()
                .copied()
                .filter(|t| !have.iter().any(|h| h == t))
                .collect();
            if !missing.is_empty() {
                return Err(self.schema_error(format!(
                    "the index is damaged: missing tables {}",
                    missing.join(", ")
                )));
            }
        }
        Ok(())
    }

    fn migrate(&mut self, from: i32) -> Result<()> {
        for v in from..SCHEMA_VERSION {
            let sql = MIGRATIONS[v as usize];
            let tx = self
                .conn
                .transaction()
                .map_err(|e| Error::store("begin a migration", e))?;
            tx.execute_batch(sql)
                .map_err(|e| Error::store(&format!("migrate to schema version {}", v + 1), e))?;
            tx.execute_batch(&format!(
                "PRAGMA application_id={APPLICATION_ID}; PRAGMA user_version={};",
                v + 1
            ))
            .map_err(|e| Error::store("set the schema version", e))?;
            tx.commit()
                .map_err(|e| Error::store("commit a migration", e))?;
        }
        Ok(())
    }

    /// The underlying connection (for checks in tests and tools).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn seqs(&self, sql: &str, key: i64) -> Result<Vec<u64>> {
        let mut st = self
            .conn
            .prepare_cached(sql)
            .map_err(|e| Error::store("prepare a lookup", e))?;
        let rows = st
            .query_map([key], |r| r.get::<_, i64>(0))
            .and_then(|rows| {
                rows.map(|r| r.map(u))
                    .collect::<rusqlite::Result<Vec<u64>>>()
            })
            .map_err(|e| Error::store("run a lookup", e))?;
        Ok(rows)
    }
}

const STORY_COLUMNS: &str = "id, created, updated, first, last, size, title, origin, version, sum";

/// [`STORY_COLUMNS`] with an empty sum (listings).
const LISTED_COLUMNS: &str =
    "id, created, updated, first, last, size, title, origin, version, X'' AS sum";

fn story_row(r: &Row) -> rusqlite::Result<StoryRow> {
    Ok(StoryRow {
        id: u(r.get(0)?),
        created: r.get(1)?,
        updated: r.get(2)?,
        first: r.get(3)?,
        last: r.get(4)?,
        size: u(r.get(5)?),
        title: r.get(6)?,
        origin: r.get(7)?,
        version: u(r.get(8)?),
        sum: decode_vector(&r.get::<_, Vec<u8>>(9)?),
    })
}

fn event_row(r: &Row) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        seq: u(r.get(0)?),
        at: r.get(1)?,
        kind: r.get(2)?,
        story: u(r.get(3)?),
        other: r.get::<_, Option<i64>>(4)?.map(u),
        article: r.get(5)?,
    })
}

impl Store for SqliteStore {
    fn reader_factory(&self) -> Option<ReaderFactory> {
        if self.path == ":memory:" {
            return None;
        }
        let path = std::path::PathBuf::from(&self.path);
        Some(std::sync::Arc::new(move || {
            Ok(Box::new(SqliteStore::open_reader(&path)?) as Box<dyn Store>)
        }))
    }

    fn begin_read(&self) -> Result<()> {
        self.conn
            .execute_batch("BEGIN DEFERRED")
            .map_err(|e| Error::store("begin a read", e))
    }

    fn end_read(&self) -> Result<()> {
        self.conn
            .execute_batch("COMMIT")
            .map_err(|e| Error::store("end a read", e))
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| Error::store("read a setting", e))
    }

    fn commit(&mut self, b: &Batch) -> Result<()> {
        let tx = self
            .conn
            .transaction()
            .map_err(|e| Error::store("begin a transaction", e))?;
        let err = |what: &'static str| move |e: rusqlite::Error| Error::store(what, e);
        {
            // Deletions first: an article removed and inserted again in one batch is new.
            let mut del_article = tx
                .prepare_cached("DELETE FROM articles WHERE seq = ?1 RETURNING bands, sentences")
                .map_err(err("prepare a delete"))?;
            let mut del_band = tx
                .prepare_cached("DELETE FROM lsh_bands WHERE band = ?1 AND seq = ?2")
                .map_err(err("prepare a delete"))?;
            let mut del_sentence = tx
                .prepare_cached("DELETE FROM sentence_hashes WHERE hash = ?1 AND seq = ?2")
                .map_err(err("prepare a delete"))?;
            for &seq in &b.removed {
                let row: Option<(Vec<u8>, Vec<u8>)> = del_article
                    .query_row([i(seq)], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
                    .map_err(err("delete an article"))?;
                if let Some((bands, sentences)) = row {
                    for band in decode_u64s(&bands) {
                        del_band
                            .execute(params![i(band), i(seq)])
                            .map_err(err("delete a band"))?;
                    }
                    for h in decode_u64s(&sentences) {
                        del_sentence
                            .execute(params![i(h), i(seq)])
                            .map_err(err("delete a sentence hash"))?;
                    }
                }
            }
            let mut ins = tx
                .prepare_cached(
                    "INSERT INTO articles(seq, id, title, text, source, url, lang, published, time,
                     inserted, headline, story, new_story, relation, duplicate_of, derived_from,
                     similarity, exact_hash, signature, bands, sentences, vector, buckets)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                     ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
                )
                .map_err(err("prepare an insert"))?;
            let mut ins_band = tx
                .prepare_cached("INSERT OR IGNORE INTO lsh_bands(band, seq) VALUES (?1, ?2)")
                .map_err(err("prepare an insert"))?;
            let mut ins_sentence = tx
                .prepare_cached("INSERT OR IGNORE INTO sentence_hashes(hash, seq) VALUES (?1, ?2)")
                .map_err(err("prepare an insert"))?;
            for a in &b.articles {
                ins.execute(params![
                    i(a.seq),
                    a.id,
                    a.title,
                    a.text,
                    a.source,
                    a.url,
                    a.lang,
                    a.published,
                    a.time,
                    a.inserted,
                    a.headline,
                    i(a.story),
                    a.new_story,
                    a.relation,
                    a.duplicate_of,
                    a.derived_from,
                    a.similarity,
                    i(a.exact_hash),
                    encode_u32s(&a.signature),
                    encode_u64s(&a.bands),
                    encode_u64s(&a.sentences),
                    encode_vector(&a.vector),
                    a.buckets,
                ])
                .map_err(|e| Error::store(&format!("insert article `{}`", a.id), e))?;
                for &band in &a.bands {
                    ins_band
                        .execute(params![i(band), i(a.seq)])
                        .map_err(err("insert a band"))?;
                }
                for &h in &a.sentences {
                    ins_sentence
                        .execute(params![i(h), i(a.seq)])
                        .map_err(err("insert a sentence hash"))?;
                }
            }
            let mut upd = tx
                .prepare_cached(
                    "UPDATE articles SET story = ?2, relation = ?3, duplicate_of = ?4,
                     derived_from = ?5, similarity = ?6 WHERE seq = ?1",
                )
                .map_err(err("prepare an update"))?;
            for r in &b.replaced {
                upd.execute(params![
                    i(r.seq),
                    i(r.story),
                    r.relation,
                    r.duplicate_of,
                    r.derived_from,
                    r.similarity
                ])
                .map_err(err("update an article"))?;
            }
            let mut del_story = tx
                .prepare_cached("DELETE FROM stories WHERE id = ?1")
                .map_err(err("prepare a delete"))?;
            for &s in &b.deleted_stories {
                del_story.execute([i(s)]).map_err(err("delete a story"))?;
            }
            let mut put_story = tx
                .prepare_cached(&format!(
                    "INSERT OR REPLACE INTO stories({STORY_COLUMNS})
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                ))
                .map_err(err("prepare an insert"))?;
            for s in &b.stories {
                put_story
                    .execute(params![
                        i(s.id),
                        s.created,
                        s.updated,
                        s.first,
                        s.last,
                        i(s.size),
                        s.title,
                        s.origin,
                        i(s.version),
                        encode_vector(&s.sum)
                    ])
                    .map_err(err("write a story"))?;
            }
            let mut ev = tx
                .prepare_cached(
                    "INSERT INTO events(at, kind, story, other, article) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(err("prepare an insert"))?;
            for e in &b.events {
                ev.execute(params![e.at, e.kind, i(e.story), e.other.map(i), e.article])
                    .map_err(err("record an event"))?;
            }
            let mut meta = tx
                .prepare_cached("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)")
                .map_err(err("prepare an insert"))?;
            for (k, v) in &b.meta {
                meta.execute(params![k, v])
                    .map_err(err("write a setting"))?;
            }
            if let Some((upto, counts)) = &b.term_checkpoint {
                tx.execute(
                    "INSERT OR REPLACE INTO term_stats(id, upto, counts) VALUES (1, ?1, ?2)",
                    params![i(*upto), counts],
                )
                .map_err(err("write the term statistics"))?;
                tx.execute("DELETE FROM term_log", [])
                    .map_err(err("clear the term log"))?;
            }
            let mut log = tx
                .prepare_cached("INSERT OR REPLACE INTO term_log(seq, buckets) VALUES (?1, ?2)")
                .map_err(err("prepare an insert"))?;
            for (seq, buckets) in &b.term_log {
                log.execute(params![i(*seq), buckets])
                    .map_err(err("log term statistics"))?;
            }
        }
        tx.commit().map_err(err("commit"))
    }

    fn seq_of(&self, id: &str) -> Result<Option<u64>> {
        self.conn
            .prepare_cached("SELECT seq FROM articles WHERE id = ?1")
            .and_then(|mut st| st.query_row([id], |r| r.get::<_, i64>(0)).optional())
            .map(|x| x.map(u))
            .map_err(|e| Error::store("look up an id", e))
    }

    fn article(&self, seq: u64) -> Result<Option<ArticleRow>> {
        self.conn
            .prepare_cached(
                "SELECT seq, id, title, text, source, url, lang, published, time, inserted,
                 headline, story, new_story, relation, duplicate_of, derived_from, similarity,
                 exact_hash, signature, bands, sentences, vector, buckets
                 FROM articles WHERE seq = ?1",
            )
            .and_then(|mut st| {
                st.query_row([i(seq)], |r| {
                    Ok(ArticleRow {
                        seq: u(r.get(0)?),
                        id: r.get(1)?,
                        title: r.get(2)?,
                        text: r.get(3)?,
                        source: r.get(4)?,
                        url: r.get(5)?,
                        lang: r.get(6)?,
                        published: r.get(7)?,
                        time: r.get(8)?,
                        inserted: r.get(9)?,
                        headline: r.get(10)?,
                        story: u(r.get(11)?),
                        new_story: r.get(12)?,
                        relation: r.get(13)?,
                        duplicate_of: r.get(14)?,
                        derived_from: r.get(15)?,
                        similarity: r.get(16)?,
                        exact_hash: u(r.get(17)?),
                        signature: decode_u32s(&r.get::<_, Vec<u8>>(18)?),
                        bands: decode_u64s(&r.get::<_, Vec<u8>>(19)?),
                        sentences: decode_u64s(&r.get::<_, Vec<u8>>(20)?),
                        vector: decode_vector(&r.get::<_, Vec<u8>>(21)?),
                        buckets: r.get(22)?,
                    })
                })
                .optional()
            })
            .map_err(|e| Error::store("read an article", e))
    }

    fn story_of_seq(&self, seq: u64) -> Result<Option<u64>> {
        self.conn
            .prepare_cached("SELECT story FROM articles WHERE seq = ?1")
            .and_then(|mut st| st.query_row([i(seq)], |r| r.get::<_, i64>(0)).optional())
            .map(|x| x.map(u))
            .map_err(|e| Error::store("look up a story", e))
    }

    fn with_exact(&self, hash: u64) -> Result<Vec<u64>> {
        self.seqs(
            "SELECT seq FROM articles WHERE exact_hash = ?1 ORDER BY seq LIMIT 1000",
            i(hash),
        )
    }

    fn with_band(&self, key: u64) -> Result<Vec<u64>> {
        self.seqs("SELECT seq FROM lsh_bands WHERE band = ?1", i(key))
    }

    fn with_sentence(&self, hash: u64) -> Result<Vec<u64>> {
        self.seqs(
            "SELECT seq FROM sentence_hashes WHERE hash = ?1 LIMIT 1000",
            i(hash),
        )
    }

    fn signature(&self, seq: u64) -> Result<Option<Vec<u32>>> {
        self.conn
            .prepare_cached("SELECT signature FROM articles WHERE seq = ?1")
            .and_then(|mut st| {
                st.query_row([i(seq)], |r| r.get::<_, Vec<u8>>(0))
                    .optional()
            })
            .map(|x| x.map(|b| decode_u32s(&b)))
            .map_err(|e| Error::store("read a signature", e))
    }

    fn story(&self, id: u64) -> Result<Option<StoryRow>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {STORY_COLUMNS} FROM stories WHERE id = ?1"
            ))
            .and_then(|mut st| st.query_row([i(id)], story_row).optional())
            .map_err(|e| Error::store("read a story", e))
    }

    fn members(&self, story: u64) -> Result<Vec<u64>> {
        self.seqs(
            "SELECT seq FROM articles WHERE story = ?1 ORDER BY seq",
            i(story),
        )
    }

    fn derived_from(&self, id: &str) -> Result<Vec<u64>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT seq FROM articles WHERE derived_from = ?1 OR duplicate_of = ?1 ORDER BY seq",
            )
            .map_err(|e| Error::store("prepare a lookup", e))?;
        let rows = st
            .query_map([id], |r| r.get::<_, i64>(0))
            .and_then(|rows| {
                rows.map(|r| r.map(u))
                    .collect::<rusqlite::Result<Vec<u64>>>()
            })
            .map_err(|e| Error::store("look up derived articles", e))?;
        Ok(rows)
    }

    fn open_stories(&self, since: Option<i64>) -> Result<Vec<StoryRow>> {
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT {STORY_COLUMNS} FROM stories
                 WHERE ?1 IS NULL OR last IS NULL OR last >= ?1 ORDER BY id"
            ))
            .map_err(|e| Error::store("prepare a query", e))?;
        let rows = st
            .query_map([since], story_row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| Error::store("read the open stories", e))?;
        Ok(rows)
    }

    fn members_of(&self, stories: &[u64]) -> Result<Vec<MemberRow>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT seq, id, headline, story, time, published, vector FROM articles
                 WHERE story = ?1 ORDER BY seq",
            )
            .map_err(|e| Error::store("prepare a query", e))?;
        let mut out = Vec::new();
        for &s in stories {
            let rows = st
                .query_map([i(s)], |r| {
                    Ok(MemberRow {
                        seq: u(r.get(0)?),
                        id: r.get(1)?,
                        headline: r.get(2)?,
                        story: u(r.get(3)?),
                        time: r.get(4)?,
                        published: r.get(5)?,
                        vector: decode_vector(&r.get::<_, Vec<u8>>(6)?),
                    })
                })
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(|e| Error::store("read the members of a story", e))?;
            out.extend(rows);
        }
        out.sort_by_key(|m| m.seq);
        Ok(out)
    }

    fn stories_before(&self, t: i64) -> Result<Vec<u64>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT id FROM stories WHERE (last IS NOT NULL AND last < ?1)
                 OR (last IS NULL AND updated < ?1) ORDER BY id",
            )
            .map_err(|e| Error::store("prepare a query", e))?;
        let rows = st
            .query_map([t], |r| r.get::<_, i64>(0))
            .and_then(|rows| {
                rows.map(|r| r.map(u))
                    .collect::<rusqlite::Result<Vec<u64>>>()
            })
            .map_err(|e| Error::store("find stories to evict", e))?;
        Ok(rows)
    }

    fn list_stories(&self, q: &StoryQuery) -> Result<Vec<StoryRow>> {
        // Two orders, each a plain ORDER BY that an index gives (`stories_updated` holds the
        // id after `updated`, the id is the rowid): the scan stops after LIMIT rows instead
        // of sorting every story. The sum vector is not read (a listing has no use for it).
        let order = if q.by_update {
            "updated DESC, id DESC"
        } else {
            "id DESC"
        };
        let mut st = self
            .conn
            .prepare_cached(&format!(
                "SELECT {LISTED_COLUMNS} FROM stories
                 WHERE (?1 IS NULL OR updated >= ?1)
                   AND (?2 IS NULL OR size >= ?2)
                   AND (?3 IS NULL OR id IN (SELECT story FROM articles WHERE source = ?3))
                   AND (?4 IS NULL OR title LIKE '%' || ?4 || '%' ESCAPE '\\')
                   AND (?5 IS NULL OR id < ?5)
                   AND (?7 IS NULL OR updated < ?7 OR (updated = ?7 AND id < ?8))
                 ORDER BY {order} LIMIT ?6"
            ))
            .map_err(|e| Error::store("prepare a query", e))?;
        let escaped = q.query.as_ref().map(|s| {
            s.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        });
        let rows = st
            .query_map(
                params![
                    q.since,
                    q.min_size.map(i),
                    q.source,
                    escaped,
                    q.before_id.map(i),
                    q.limit.map_or(-1, i),
                    q.after_update.map(|(t, _)| t),
                    q.after_update.map(|(_, id)| i(id)),
                ],
                story_row,
            )
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| Error::store("list stories", e))?;
        Ok(rows)
    }

    fn events(&self, after: Option<u64>, since: Option<i64>) -> Result<Vec<EventRow>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT seq, at, kind, story, other, article FROM events
                 WHERE (?1 IS NULL OR seq > ?1) AND (?2 IS NULL OR at >= ?2) ORDER BY seq",
            )
            .map_err(|e| Error::store("prepare a query", e))?;
        let rows = st
            .query_map(params![after.map(i), since], event_row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| Error::store("list events", e))?;
        Ok(rows)
    }

    fn last_event(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT coalesce(max(seq), 0) FROM events", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(u)
            .map_err(|e| Error::store("read the last event", e))
    }

    fn fate(&self, story: u64) -> Result<Option<EventRow>> {
        self.conn
            .prepare_cached(
                "SELECT seq, at, kind, story, other, article FROM events
                 WHERE (other = ?1 AND kind = 'merged') OR (story = ?1 AND kind IN ('removed', 'evicted'))
                 ORDER BY seq DESC LIMIT 1",
            )
            .and_then(|mut st| st.query_row([i(story)], event_row).optional())
            .map_err(|e| Error::store("look up a story's events", e))
    }

    fn counts(&self) -> Result<StoreCounts> {
        let count = |sql: &str| -> Result<u64> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(u)
                .map_err(|e| Error::store("count rows", e))
        };
        let pages = count("PRAGMA page_count")?;
        let size = count("PRAGMA page_size")?;
        Ok(StoreCounts {
            articles: count("SELECT count(*) FROM articles")?,
            stories: count("SELECT count(*) FROM stories")?,
            events: count("SELECT count(*) FROM events")?,
            bytes: pages * size,
        })
    }

    fn term_checkpoint(&self) -> Result<Option<(u64, Vec<u8>)>> {
        self.conn
            .query_row(
                "SELECT upto, counts FROM term_stats WHERE id = 1",
                [],
                |r| Ok((u(r.get(0)?), r.get(1)?)),
            )
            .optional()
            .map_err(|e| Error::store("read the term statistics", e))
    }

    fn term_replay(&self, after: u64) -> Result<TermReplay> {
        let blobs = |sql: &str, arg: Option<i64>| -> Result<Vec<Vec<u8>>> {
            let mut st = self
                .conn
                .prepare(sql)
                .map_err(|e| Error::store("prepare a query", e))?;
            let rows = st
                .query_map([arg], |r| r.get::<_, Vec<u8>>(0))
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(|e| Error::store("read the term statistics", e))?;
            Ok(rows)
        };
        Ok(TermReplay {
            added: blobs(
                "SELECT buckets FROM articles WHERE seq > ?1 ORDER BY seq",
                Some(i(after)),
            )?,
            removed: blobs("SELECT buckets FROM term_log WHERE ?1 IS NULL", None)?,
        })
    }

    fn buckets(&self, seq: u64) -> Result<Option<Vec<u8>>> {
        self.conn
            .prepare_cached("SELECT buckets FROM articles WHERE seq = ?1")
            .and_then(|mut st| {
                st.query_row([i(seq)], |r| r.get::<_, Vec<u8>>(0))
                    .optional()
            })
            .map_err(|e| Error::store("read an article's terms", e))
    }

    fn check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let ok: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| Error::store("check integrity", e))?;
        if ok != "ok" {
            problems.push(format!("integrity_check: {ok}"));
        }
        let checks: &[(&str, &str)] = &[
            (
                "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = a.story)",
                "articles in no stored story",
            ),
            (
                "SELECT count(*) FROM stories s WHERE s.size != (SELECT count(*) FROM articles a WHERE a.story = s.id)",
                "stories whose size is not their number of articles",
            ),
            (
                "SELECT count(*) FROM lsh_bands b WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.seq = b.seq)",
                "LSH bands of deleted articles",
            ),
            (
                "SELECT count(*) FROM sentence_hashes h WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.seq = h.seq)",
                "sentence hashes of deleted articles",
            ),
        ];
        for (sql, what) in checks {
            let n: i64 = self
                .conn
                .query_row(sql, [], |r| r.get(0))
                .map_err(|e| Error::store("check consistency", e))?;
            if n > 0 {
                problems.push(format!("{n} {what}"));
            }
        }
        Ok(problems)
    }
}
