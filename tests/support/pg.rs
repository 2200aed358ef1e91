//! PostgreSQL for tests: `TEST_DATABASE_URL` when set, or a throwaway cluster
//! (`initdb` + `pg_ctl` from the local binaries, on a spare port, in a temp
//! dir) that stops when the test process ends. Each test gets a database of
//! its own. The chaos test starts a [`Cluster`] of its own, to crash it.

use diesel::{Connection, PgConnection, RunQueryDsl};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

static SERVER: OnceLock<Result<String, String>> = OnceLock::new();

fn required() -> bool {
    std::env::var("ANTAR_REQUIRE_PG").is_ok_and(|v| v == "1" || v == "true")
}

/// Whether a PostgreSQL test that cannot have its server should be skipped
/// (after saying so loudly) rather than fail.
pub fn skip_without(why: &str) -> bool {
    if required() {
        panic!("PostgreSQL is required (ANTAR_REQUIRE_PG) but unavailable: {why}");
    }
    eprintln!("\n!!! SKIPPING a PostgreSQL test: {why}\n!!! Set TEST_DATABASE_URL or install PostgreSQL; ANTAR_REQUIRE_PG=1 makes this a failure.\n");
    true
}

/// A fresh, empty database URL, or `None` when PostgreSQL is unavailable
/// and not required.
pub fn fresh_database() -> Option<String> {
    let server = SERVER.get_or_init(|| {
        std::env::var("TEST_DATABASE_URL").or_else(|_| {
            // Kept for the whole test process; its watchdog stops it after.
            let cluster = Cluster::start(false)?;
            let url = cluster.url.clone();
            std::mem::forget(cluster);
            Ok(url)
        })
    });
    match server {
        Ok(url) => Some(database_on(url)),
        Err(why) => {
            skip_without(why);
            None
        }
    }
}

/// A new database on the server at `base` (a URL naming any database).
fn database_on(base: &str) -> String {
    let name = format!("antar_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::establish(base).unwrap_or_else(|e| panic!("connecting to {base}: {e}"));
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).unwrap();
    let (prefix, _) = base.rsplit_once('/').unwrap();
    format!("{prefix}/{name}")
}

fn pg_bin_dir() -> Result<PathBuf, String> {
    if let Ok(dir) = std::env::var("PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| "no /usr/lib/postgresql (apt-get install postgresql)".to_owned())?
        .filter_map(Result::ok)
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").exists())
        .collect();
    found.sort();
    found.pop().ok_or_else(|| "no initdb under /usr/lib/postgresql/*/bin".to_owned())
}

fn spare_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

/// The `postgres` user's uid and gid, when running as root (PostgreSQL
/// refuses to run as root).
fn postgres_user() -> Result<Option<(u32, u32)>, String> {
    let me = std::fs::metadata("/proc/self").map_err(|e| e.to_string())?.uid();
    if me != 0 {
        return Ok(None);
    }
    let id = |flag: &str| -> Result<u32, String> {
        let out = Command::new("id").args([flag, "postgres"]).output().map_err(|e| e.to_string())?;
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .map_err(|_| "no 'postgres' user to run the cluster as".to_owned())
    };
    Ok(Some((id("-u")?, id("-g")?)))
}

fn as_user(cmd: &mut Command, user: Option<(u32, u32)>) -> &mut Command {
    use std::os::unix::process::CommandExt;
    if let Some((uid, gid)) = user {
        cmd.uid(uid).gid(gid);
    }
    cmd
}

/// A throwaway PostgreSQL cluster run by `pg_ctl`. Dropping it stops it and
/// removes its files; a watchdog does the same if the test process dies.
pub struct Cluster {
    /// Connects to its `postgres` database.
    pub url: String,
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    user: Option<(u32, u32)>,
    durable: bool,
}

impl Cluster {
    /// A new cluster. Not `durable`, a commit returns before its log record
    /// is written, which is fast and loses the last commits when PostgreSQL
    /// is killed; `durable`, it waits for the write (`synchronous_commit`),
    /// so a crash of PostgreSQL's processes loses nothing acknowledged.
    /// Neither syncs to disk: the tests crash processes, not the machine.
    pub fn start(durable: bool) -> Result<Cluster, String> {
        let bin = pg_bin_dir()?;
        let user = postgres_user()?;
        let dir = std::env::temp_dir().join(format!("antar-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        if let Some((uid, gid)) = user {
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).map_err(|e| e.to_string())?;
        }
        let out = as_user(Command::new(bin.join("initdb")).current_dir(&dir), user)
            .args(["-D", "data", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"])
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!("initdb failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        let port = spare_port()?;
        let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
        let cluster = Cluster { url, bin, dir, port, user, durable };
        cluster.pg_ctl_start()?;
        // The watchdog: once this test process is gone, stop the cluster and
        // remove its files.
        let script = format!(
            "while [ -d /proc/$PARENT ] && [ -d '{dir}/data' ]; do sleep 1; done; \
             '{pg_ctl}' -D '{dir}/data' -m immediate stop >/dev/null 2>&1; rm -rf '{dir}'",
            pg_ctl = cluster.bin.join("pg_ctl").display(),
            dir = cluster.dir.display(),
        );
        as_user(Command::new("sh").args(["-c", &script]).current_dir(&cluster.dir), user)
            .env("PARENT", std::process::id().to_string())
            .spawn()
            .map_err(|e| format!("starting the watchdog: {e}"))?;
        Ok(cluster)
    }

    /// A new, empty database on this cluster.
    pub fn database(&self) -> String {
        database_on(&self.url)
    }

    fn pg_ctl(&self) -> Command {
        let mut cmd = Command::new(self.bin.join("pg_ctl"));
        as_user(&mut cmd, self.user).current_dir(&self.dir);
        cmd
    }

    fn pg_ctl_start(&self) -> Result<(), String> {
        let options = format!(
            "-p {port} -k '{dir}' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit={sync} \
             -c full_page_writes=off -c max_connections=200",
            port = self.port,
            dir = self.dir.display(),
            sync = if self.durable { "on" } else { "off" },
        );
        // `ANTAR_PG_STATS=1`: load pg_stat_statements, to see where a
        // benchmark's database time goes.
        let options = match std::env::var_os("ANTAR_PG_STATS") {
            Some(_) => format!(
                "{options} -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on"
            ),
            None => options,
        };
        let out = self
            .pg_ctl()
            .args(["-D", "data", "-l", "log", "-w", "-t", "60", "-o", &options, "start"])
            .output()
            .map_err(|e| format!("pg_ctl start: {e}"))?;
        if !out.status.success() {
            let log = std::fs::read_to_string(self.dir.join("log")).unwrap_or_default();
            return Err(format!("postgres did not start: {}\n{log}", String::from_utf8_lossy(&out.stderr)));
        }
        wait_ready(&self.url, &self.dir)
    }

    /// `pg_ctl stop -m immediate`: every backend killed, no checkpoint, as a
    /// power cut; the next start replays the write-ahead log.
    pub fn crash(&self) {
        let out = self.pg_ctl().args(["-D", "data", "-m", "immediate", "-w", "stop"]).output().unwrap();
        assert!(out.status.success(), "pg_ctl stop: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Starts it again after [`Cluster::crash`], on the same port.
    pub fn restart(&self) {
        self.pg_ctl_start().unwrap();
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.pg_ctl().args(["-D", "data", "-m", "immediate", "stop"]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn wait_ready(url: &str, dir: &Path) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match PgConnection::establish(url) {
            Ok(_) => return Ok(()),
            Err(e) if Instant::now() > deadline => {
                let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
                return Err(format!("postgres did not start: {e}\n{log}"));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}
