//! `antar backup DIR` and `antar restore DIR`: a consistent copy of a live
//! SQLite installation — the database, the media, the generated secret —
//! and putting one back. PostgreSQL has its own tools (README, "Backups").
//!
//! The database is copied with `VACUUM INTO`, which reads one snapshot of
//! it while the server goes on writing; the media are copied after it, and
//! since a photo's file is stored before its row, every file a row of the
//! snapshot names is there to copy.

use crate::config::Config;
use crate::db::Backend;
use anyhow::{bail, Context, Result};
use diesel::connection::SimpleConnection;
use diesel::{Connection, RunQueryDsl, SqliteConnection};
use std::path::{Path, PathBuf};

/// The database's file name, in the data dir and in a backup.
const DATABASE: &str = "antar.sqlite3";
/// The generated signing secret's file (tokens, the key phones seal NIKs to).
const SECRET: &str = "jwt-secret";
const MEDIA: &str = "media";

/// What a backup or a restore copied.
#[derive(Debug)]
pub struct Summary {
    pub events: i64,
    pub cards: i64,
    pub media_files: usize,
    pub secret: bool,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} cards, {} custody events, {} media files{}",
            self.cards,
            self.events,
            self.media_files,
            if self.secret { ", the signing secret" } else { "" }
        )
    }
}

fn sqlite_path(config: &Config, what: &str) -> Result<PathBuf> {
    match Backend::from_url(&config.database_url())? {
        Backend::Sqlite(path) => Ok(path),
        Backend::Postgres(_) => bail!(
            "{what} is for SQLite; on PostgreSQL use pg_dump or pg_basebackup and copy the media directory \
             (README, \"Backups\")"
        ),
    }
}

fn open(path: &Path) -> Result<SqliteConnection> {
    let mut conn =
        SqliteConnection::establish(&path.to_string_lossy()).with_context(|| format!("opening {}", path.display()))?;
    conn.batch_execute("PRAGMA busy_timeout = 10000;")?;
    Ok(conn)
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(conn: &mut SqliteConnection, table: &str) -> Result<i64> {
    let rows: Vec<Count> = diesel::sql_query(format!("SELECT count(*) AS n FROM {table}")).load(conn)?;
    Ok(rows.first().map_or(0, |c| c.n))
}

/// Copies the running installation into `dir`, which must be new or empty.
pub fn backup(config: &Config, dir: &Path) -> Result<Summary> {
    let database = sqlite_path(config, "antar backup")?;
    if !database.exists() {
        bail!("no database at {}", database.display());
    }
    if dir.read_dir().is_ok_and(|mut d| d.next().is_some()) {
        bail!("{} is not empty: back up into a new directory", dir.display());
    }
    crate::private_files::dir(dir).with_context(|| format!("creating {}", dir.display()))?;
    let target = dir.join(DATABASE);
    // Made empty and private first: VACUUM INTO fills an empty file.
    crate::private_files::touch(&target)?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(target.to_string_lossy())
        .execute(&mut open(&database)?)
        .context("copying the database")?;
    crate::private_files::restrict(&target)?;
    let media_files = copy_tree(&config.media_dir(), &dir.join(MEDIA))?;
    let secret = copy_if_present(&config.data_dir.join(SECRET), &dir.join(SECRET))?;
    let mut copy = open(&target)?;
    Ok(Summary { events: count(&mut copy, "card_events")?, cards: count(&mut copy, "cards")?, media_files, secret })
}

/// Puts the backup in `dir` in place of the configured installation. With
/// a database already there it refuses, unless `force`: then the old one is
/// kept beside, renamed. Stop the server first.
pub fn restore(config: &Config, dir: &Path, force: bool) -> Result<Summary> {
    let database = sqlite_path(config, "antar restore")?;
    let source = dir.join(DATABASE);
    if !source.exists() {
        bail!("{} holds no {DATABASE}: not a backup", dir.display());
    }
    let mut check = open(&source)?;
    let verdict: Vec<Integrity> = diesel::sql_query("PRAGMA integrity_check").load(&mut check)?;
    if verdict.iter().map(|v| v.integrity_check.as_str()).ne(["ok"]) {
        bail!("the backup's database is damaged: {}", verdict.first().map_or("", |v| v.integrity_check.as_str()));
    }
    let summary = Summary {
        events: count(&mut check, "card_events")?,
        cards: count(&mut check, "cards")?,
        media_files: 0,
        secret: false,
    };
    drop(check);
    if database.exists() {
        if !force {
            bail!(
                "{} exists: stop the server, then restore with --force (the database there is kept, renamed)",
                database.display()
            );
        }
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        for suffix in ["", "-wal", "-shm"] {
            let from = PathBuf::from(format!("{}{suffix}", database.display()));
            if from.exists() {
                std::fs::rename(&from, format!("{}.replaced-{stamp}{suffix}", database.display()))?;
            }
        }
    }
    if let Some(parent) = database.parent() {
        crate::private_files::dir(parent)?;
    }
    let partial = PathBuf::from(format!("{}.restoring", database.display()));
    std::fs::copy(&source, &partial).context("copying the database")?;
    crate::private_files::restrict(&partial)?;
    std::fs::rename(&partial, &database)?;
    let media_files = copy_tree(&dir.join(MEDIA), &config.media_dir())?;
    let secret = copy_if_present(&dir.join(SECRET), &config.data_dir.join(SECRET))?;
    // A backup from an older version is brought up to date now.
    crate::db::connect(&config.database_url())?;
    Ok(Summary { media_files, secret, ..summary })
}

#[derive(diesel::QueryableByName)]
struct Integrity {
    #[diesel(sql_type = diesel::sql_types::Text)]
    integrity_check: String,
}

fn copy_if_present(from: &Path, to: &Path) -> Result<bool> {
    if !from.exists() {
        return Ok(false);
    }
    let bytes = std::fs::read(from)?;
    crate::private_files::write(to, &bytes)?;
    Ok(true)
}

/// Copies every file under `from` to the same place under `to`, leaving
/// files already there (media are named by their hash); how many it copied.
fn copy_tree(from: &Path, to: &Path) -> Result<usize> {
    let Ok(entries) = std::fs::read_dir(from) else { return Ok(0) };
    crate::private_files::dir(to)?;
    let mut copied = 0;
    for entry in entries {
        let entry = entry?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type()?.is_dir() {
            copied += copy_tree(&src, &dst)?;
        } else if !entry.file_name().to_string_lossy().starts_with('.') && !dst.exists() {
            // Never a half-written temporary: those start with a dot.
            std::fs::copy(&src, &dst).with_context(|| format!("copying {}", src.display()))?;
            copied += 1;
        }
    }
    Ok(copied)
}
