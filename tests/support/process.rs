//! The `antar` binary in a process of its own, for what only a process can
//! show: a SIGKILL in the middle of work, a restart on the same data, the
//! memory it holds. The benchmarks run the release binary the same way.

use crate::{pg, Api, ADMIN_PASSWORD};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under test: `ANTAR_BIN`, else the debug build beside the test
/// (`cargo test --workspace` builds it first, for the start-up tests).
pub fn binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("ANTAR_BIN") {
        return bin.into();
    }
    let exe = std::env::current_exe().unwrap();
    // target/debug/deps/<test> → target/debug/antar
    let bin = exe.parent().and_then(|deps| deps.parent()).unwrap().join("antar");
    assert!(bin.exists(), "no {}: build it (cargo build -p antar-server) or set ANTAR_BIN", bin.display());
    bin
}

pub struct Antar {
    pub api: Api,
    /// PostgreSQL's URL, or the SQLite file's path.
    pub database: String,
    bin: PathBuf,
    port: u16,
    env: Vec<(String, String)>,
    postgres: bool,
    child: Option<Child>,
    dir: tempfile::TempDir,
}

impl std::ops::Deref for Antar {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.api
    }
}

impl Antar {
    /// Starts `bin` on a fresh database of `backend` ("sqlite" or
    /// "postgres") with `env` besides the basics; `None` when PostgreSQL
    /// cannot be had and is not required (as for [`crate::TestApp`]).
    pub fn start(bin: PathBuf, backend: &str, env: &[(&str, &str)]) -> Option<Antar> {
        let database = if backend == "postgres" { Some(pg::fresh_database()?) } else { None };
        Some(Antar::on(bin, database, env))
    }

    /// Starts `bin` on the PostgreSQL database at `url`, or on a fresh
    /// SQLite file of its own when `None`.
    pub fn on(bin: PathBuf, url: Option<String>, env: &[(&str, &str)]) -> Antar {
        let dir = tempfile::tempdir().unwrap();
        let postgres = url.is_some();
        let database = url.unwrap_or_else(|| dir.path().join("antar.sqlite3").display().to_string());
        let env = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Antar::spawned(bin, database, postgres, env, dir)
    }

    /// Starts `bin` on SQLite in `dir`, a data directory with whatever it
    /// holds (a restored backup, say).
    pub fn in_dir(bin: PathBuf, dir: tempfile::TempDir, env: &[(&str, &str)]) -> Antar {
        let database = dir.path().join("antar.sqlite3").display().to_string();
        let env = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Antar::spawned(bin, database, false, env, dir)
    }

    /// Its data directory.
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// A second process of the same binary on the same database (its own
    /// data directory and port): how Antar scales out on PostgreSQL.
    pub fn beside(&self) -> Antar {
        self.beside_with(&[])
    }

    /// [`Antar::beside`], with `env` over this one's settings.
    pub fn beside_with(&self, env: &[(&str, &str)]) -> Antar {
        let dir = tempfile::tempdir().unwrap();
        let mut all = self.env.clone();
        all.retain(|(k, _)| !env.iter().any(|(o, _)| o == k));
        all.extend(env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        Antar::spawned(self.bin.clone(), self.database.clone(), self.postgres, all, dir)
    }

    /// The binary started on a spare port.
    fn spawned(
        bin: PathBuf,
        database: String,
        postgres: bool,
        env: Vec<(String, String)>,
        dir: tempfile::TempDir,
    ) -> Antar {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let base = format!("http://127.0.0.1:{port}");
        let api = Api { base, http: reqwest::Client::new() };
        let mut antar = Antar { api, database, bin, port, env, postgres, child: None, dir };
        antar.spawn();
        antar
    }

    fn spawn(&mut self) {
        let mut cmd = Command::new(&self.bin);
        cmd.env_clear()
            .env("ANTAR_DATA_DIR", self.dir.path())
            .env("ANTAR_BIND", format!("127.0.0.1:{}", self.port))
            .env("ANTAR_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("ANTAR_LOG", "warn")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        if self.postgres {
            cmd.env("DATABASE_URL", &self.database);
        }
        self.child = Some(cmd.spawn().unwrap());
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "antar did not start");
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().unwrap()) {
                panic!("antar exited at start-up: {status}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL: no clean-up of any kind, as a power cut or the OOM killer.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the binary again on the same data, port and settings.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// Peak resident memory so far, in MB.
    pub fn peak_rss_mb(&self) -> f64 {
        self.status_mb("VmHWM:")
    }

    /// Resident memory now, in MB.
    pub fn rss_mb(&self) -> f64 {
        self.status_mb("VmRSS:")
    }

    fn status_mb(&self, field: &str) -> f64 {
        let Some(child) = &self.child else { return 0.0 };
        let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
        let kb: f64 = status
            .lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0);
        kb / 1024.0
    }

    /// File descriptors the process holds open now.
    pub fn open_fds(&self) -> usize {
        let Some(child) = &self.child else { return 0 };
        std::fs::read_dir(format!("/proc/{}/fd", child.id())).map_or(0, Iterator::count)
    }
}

/// Runs one of the binary's commands (`backup`, `restore`) on the data
/// directory `dir` with `env` besides, to its end; its exit and what it
/// printed.
pub fn command(bin: &std::path::Path, dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let out = Command::new(bin)
        .env_clear()
        .env("ANTAR_DATA_DIR", dir)
        .env("ANTAR_LOG", "warn")
        .envs(env.iter().copied())
        .args(args)
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

impl Drop for Antar {
    fn drop(&mut self) {
        self.kill();
    }
}
