//! Settings: environment variables, each with a matching flag. Built once
//! and passed in, so tests make their own.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "antar", version, about = "Antar: tracks printed e-KTP cards from the office to the resident's door")]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve,
    /// Run pending database migrations and exit.
    Migrate,
    /// Create a user in the first office.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long, value_parser = ["admin", "staff", "courier"])]
        role: String,
        #[arg(long)]
        display_name: String,
        /// The password; a generated one is printed when omitted.
        #[arg(long, env = "ANTAR_NEW_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Copy the SQLite database (consistently, while the server runs), the
    /// media and the generated secret into DIR, which must be new or empty.
    Backup { dir: PathBuf },
    /// Put a backup made by `antar backup` in place. Stop the server first.
    Restore {
        dir: PathBuf,
        /// Replace an existing database (kept beside, renamed).
        #[arg(long)]
        force: bool,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum AuditCommand {
    /// Check every office's hash chain and say where one breaks; exits
    /// non-zero when any does.
    Verify,
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// `sqlite://PATH` or `postgres://…`; default: SQLite in the data dir.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<String>,
    #[arg(long, env = "ANTAR_BIND", default_value = "127.0.0.1:8080", global = true)]
    pub bind: String,
    #[arg(long, env = "ANTAR_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,
    /// Where proof photos and signatures go; default: `media` in the data
    /// dir. Servers sharing one PostgreSQL share this directory too.
    #[arg(long, env = "ANTAR_MEDIA_DIR", global = true)]
    pub media_dir: Option<PathBuf>,
    /// When set, `/metrics` answers only to `Authorization: Bearer <this>`.
    #[arg(long, env = "ANTAR_METRICS_TOKEN", hide_env_values = true, global = true)]
    pub metrics_token: Option<String>,
    /// Password of the `admin` user created on first start.
    #[arg(long, env = "ANTAR_ADMIN_PASSWORD", hide_env_values = true, global = true)]
    pub admin_password: Option<String>,
    /// Secret for signing access tokens; generated once and kept in the data dir when unset.
    #[arg(long, env = "ANTAR_JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<String>,
    /// Base URL of resident links, e.g. `https://antar.example.go.id`.
    #[arg(long, env = "ANTAR_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// PEM certificate chain; with `--tls-key`, Antar serves HTTPS itself.
    #[arg(long, env = "ANTAR_TLS_CERT", global = true, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    #[arg(long, env = "ANTAR_TLS_KEY", global = true, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Regency code of the office created on first start.
    #[arg(long, env = "ANTAR_OFFICE_REGENCY", default_value = "1871", global = true)]
    pub office_regency: String,
    #[arg(long, env = "ANTAR_OFFICE_NAME", default_value = "KOTA BANDAR LAMPUNG", global = true)]
    pub office_name: String,
    /// `Asia/Jakarta` (WIB), `Asia/Makassar` (WITA) or `Asia/Jayapura` (WIT).
    #[arg(long, env = "ANTAR_OFFICE_TZ", default_value = "Asia/Jakarta", global = true)]
    pub office_time_zone: String,
    /// Seed demo users, sample cards and a route for today.
    #[arg(long, env = "ANTAR_DEMO", global = true)]
    pub demo: bool,
    /// Behind a reverse proxy: take the client address from its
    /// `X-Forwarded-For`/`Forwarded` header for rate limits.
    #[arg(long, env = "ANTAR_TRUST_PROXY", global = true)]
    pub trust_proxy: bool,
    /// HTTP worker threads; default: one per core.
    #[arg(long, env = "ANTAR_WORKERS", global = true)]
    pub workers: Option<usize>,
    /// Log filter, e.g. `info` or `antar_server=debug`.
    #[arg(long, env = "ANTAR_LOG", default_value = "info", global = true)]
    pub log: String,
    /// `text` for people, `json` (one object a line) for log shippers.
    #[arg(long, env = "ANTAR_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"], global = true)]
    pub log_format: String,
    /// How often the notification dispatcher looks for due messages, ms.
    #[arg(long, env = "ANTAR_NOTIFY_POLL_MS", default_value_t = 1000, global = true)]
    pub notify_poll_ms: u64,
    /// The first retry's wait after a failed send, ms; it doubles per try
    /// up to two hours.
    #[arg(long, env = "ANTAR_NOTIFY_RETRY_MS", default_value_t = 30_000, global = true)]
    pub notify_retry_ms: u64,
    /// How long the dispatcher holds a message it is sending, ms. A server
    /// killed mid-send leaves the message to go again (same id) once the
    /// hold lapses; a send is cut off at half of it (and at 15 s).
    #[arg(long, env = "ANTAR_NOTIFY_LEASE_MS", default_value_t = 60_000, global = true)]
    pub notify_lease_ms: u64,
}

impl Config {
    /// Defaults for everything, as with no environment: for tests.
    pub fn for_data_dir(data_dir: PathBuf) -> Config {
        Config {
            database_url: None,
            bind: "127.0.0.1:0".into(),
            data_dir,
            media_dir: None,
            metrics_token: None,
            admin_password: None,
            jwt_secret: None,
            public_url: None,
            tls_cert: None,
            tls_key: None,
            office_regency: "1871".into(),
            office_name: "KOTA BANDAR LAMPUNG".into(),
            office_time_zone: "Asia/Jakarta".into(),
            demo: false,
            workers: Some(1),
            trust_proxy: false,
            log: "info".into(),
            log_format: "text".into(),
            notify_poll_ms: 1000,
            notify_retry_ms: 30_000,
            notify_lease_ms: 60_000,
        }
    }

    /// The base of resident links: the configured public URL, else the
    /// bound address.
    pub fn public_url(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.bind)).trim_end_matches('/').to_owned()
    }

    /// Where media files are kept.
    pub fn media_dir(&self) -> PathBuf {
        self.media_dir.clone().filter(|d| !d.as_os_str().is_empty()).unwrap_or_else(|| self.data_dir.join("media"))
    }

    /// The database to use; an empty `DATABASE_URL` counts as unset.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("antar.sqlite3").display()))
    }
}

/// UTC offset in hours of an Indonesian office zone (no daylight saving).
pub use antar_shared::zone::offset_hours as zone_offset_hours;

/// The months in Indonesian.
pub use antar_shared::notify::MONTHS;

/// The time now in the office's zone, as a printed document states it:
/// "3 Desember 2026 09.05 WIB".
pub fn office_now_label(zone: &str) -> String {
    use chrono::{Datelike, Timelike};
    let offset = zone_offset_hours(zone).unwrap_or(7);
    let now = chrono::Utc::now() + chrono::Duration::hours(i64::from(offset));
    let name = match offset {
        8 => "WITA",
        9 => "WIT",
        _ => "WIB",
    };
    let month = MONTHS.get(now.month0() as usize).copied().unwrap_or_default();
    format!("{} {month} {} {:02}.{:02} {name}", now.day(), now.year(), now.hour(), now.minute())
}

/// Today's date in the office's zone, `YYYY-MM-DD`.
pub fn office_today(zone: &str) -> chrono::NaiveDate {
    let offset = zone_offset_hours(zone).unwrap_or(7);
    (chrono::Utc::now() + chrono::Duration::hours(i64::from(offset))).date_naive()
}
