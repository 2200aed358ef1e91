//! PostgreSQL for tests: `TEST_DATABASE_URL` when set, or a throwaway cluster
//! (`initdb` + `postgres` from the local binaries, on a spare port, in a temp
//! dir) that stops when the test process ends. Each test gets a database of
//! its own.

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

/// A fresh, empty database URL, or `None` when PostgreSQL is unavailable
/// and not required.
pub fn fresh_database() -> Option<String> {
    let server = SERVER.get_or_init(|| std::env::var("TEST_DATABASE_URL").or_else(|_| start_cluster()));
    let base = match server {
        Ok(url) => url,
        Err(why) if required() => {
            panic!("PostgreSQL is required (ANTAR_REQUIRE_PG) but unavailable: {why}")
        }
        Err(why) => {
            eprintln!("\n!!! SKIPPING a PostgreSQL test: {why}\n!!! Set TEST_DATABASE_URL or install PostgreSQL; ANTAR_REQUIRE_PG=1 makes this a failure.\n");
            return None;
        }
    };
    let name = format!("antar_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::establish(base).unwrap_or_else(|e| panic!("connecting to {base}: {e}"));
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).unwrap();
    let (prefix, _) = base.rsplit_once('/').unwrap();
    Some(format!("{prefix}/{name}"))
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

fn start_cluster() -> Result<String, String> {
    let bin = pg_bin_dir()?;
    let user = postgres_user()?;
    let dir = std::env::temp_dir().join(format!("antar-pg-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    if let Some((uid, gid)) = user {
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).map_err(|e| e.to_string())?;
    }
    let data = dir.join("data");
    let out = as_user(Command::new(bin.join("initdb")).current_dir(&dir), user)
        .args(["-D", &data.to_string_lossy(), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"])
        .output()
        .map_err(|e| format!("initdb: {e}"))?;
    if !out.status.success() {
        return Err(format!("initdb failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let port = spare_port()?;
    // A watchdog shell stops the cluster once this test process is gone.
    let script = format!(
        "'{postgres}' -D '{data}' -p {port} -k '{dir}' -c listen_addresses=127.0.0.1 -c fsync=off \
         -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 >'{dir}/log' 2>&1 & PG=$!; \
         while [ -d /proc/$PARENT ] && kill -0 $PG 2>/dev/null; do sleep 1; done; kill -INT $PG 2>/dev/null; wait $PG; rm -rf '{dir}'",
        postgres = bin.join("postgres").display(),
        data = data.display(),
        dir = dir.display(),
    );
    as_user(Command::new("sh").args(["-c", &script]).current_dir(&dir), user)
        .env("PARENT", std::process::id().to_string())
        .spawn()
        .map_err(|e| format!("starting postgres: {e}"))?;
    let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    wait_ready(&url, &dir)?;
    Ok(url)
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
