//! The `antar` binary as an operator meets it: start-up failures, the first
//! start's admin password, and `--demo` on an existing installation.
#![expect(clippy::unwrap_used, reason = "test helpers fail the test by panicking")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_antar");

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("antar-startup-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

fn antar(data_dir: &PathBuf) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ANTAR_DATA_DIR", data_dir)
        .env("ANTAR_LOG", "warn");
    cmd
}

/// Runs to completion, failing the test if it hangs.
fn finish(mut child: Child, limit: Duration) -> (Option<i32>, String, String) {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut out = String::new();
            let mut err = String::new();
            child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
            child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            return (status.code(), out, err);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("antar hung for more than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn assert_one_clear_line(code: Option<i32>, err: &str, expected: &str) {
    assert_ne!(code, Some(0), "must exit non-zero");
    assert!(err.contains(expected), "stderr: {err}");
    assert!(!err.contains("panicked"), "no panic trace: {err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn an_unknown_database_scheme_stops_with_one_line() {
    let dir = temp_dir();
    let child = antar(&dir)
        .args(["migrate"])
        .env("DATABASE_URL", "mysql://antar@localhost/antar")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (code, _, err) = finish(child, Duration::from_secs(20));
    assert_one_clear_line(code, &err, "DATABASE_URL must start with sqlite:// or postgres://");
}

#[test]
fn an_unreachable_database_stops_with_one_line_not_a_hang() {
    let dir = temp_dir();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = antar(&dir)
        .env("DATABASE_URL", format!("postgres://antar@127.0.0.1:{port}/antar?connect_timeout=5"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (code, _, err) = finish(child, Duration::from_secs(30));
    assert_one_clear_line(code, &err, "cannot open the database");
}

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &PathBuf, admin_password: Option<&str>, demo: bool) -> (Server, Vec<String>) {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let mut cmd = antar(dir);
    cmd.env("ANTAR_BIND", &addr).env("ANTAR_WORKERS", "1").stdout(Stdio::piped()).stderr(Stdio::null());
    if let Some(p) = admin_password {
        cmd.env("ANTAR_ADMIN_PASSWORD", p);
    }
    if demo {
        cmd.arg("--demo");
    }
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    let server = Server { child, addr };
    let deadline = Instant::now() + Duration::from_secs(60);
    while request(&server.addr, "GET", "/readyz", "").0 != 200 {
        assert!(Instant::now() < deadline, "server did not become ready");
        std::thread::sleep(Duration::from_millis(100));
    }
    let printed = lines.lock().unwrap().clone();
    (server, printed)
}

/// A plain HTTP/1.1 request: status and body.
fn request(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let Ok(mut s) = TcpStream::connect(addr) else { return (0, String::new()) };
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = String::new();
    let _ = s.read_to_string(&mut raw);
    let status = raw.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = raw.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

fn login_status(addr: &str, user: &str, password: &str) -> u16 {
    request(addr, "POST", "/api/v1/auth/login", &format!(r#"{{"username":"{user}","password":"{password}"}}"#)).0
}

#[test]
fn first_start_prints_a_generated_admin_password_once() {
    let dir = temp_dir();
    let (server, printed) = serve(&dir, None, false);
    let line = printed
        .iter()
        .find(|l| l.starts_with("Created user 'admin' with password: "))
        .unwrap_or_else(|| panic!("not printed: {printed:?}"));
    let password = line.rsplit(' ').next().unwrap();
    assert!(password.len() >= 16);
    assert_eq!(login_status(&server.addr, "admin", password), 200);
    drop(server);

    let (again, printed) = serve(&dir, None, false);
    assert!(!printed.iter().any(|l| l.contains("password")), "not shown again: {printed:?}");
    assert_eq!(login_status(&again.addr, "admin", password), 200, "the same admin stays");
}

#[test]
fn demo_never_changes_the_admin_password() {
    let dir = temp_dir();
    let (server, _) = serve(&dir, Some("first-admin-password"), false);
    drop(server);
    let (server, _) = serve(&dir, Some("second-admin-password"), true);
    assert_eq!(login_status(&server.addr, "admin", "first-admin-password"), 200);
    assert_eq!(login_status(&server.addr, "admin", "second-admin-password"), 401);
    assert_eq!(login_status(&server.addr, "kurir", "kurir-demo-1871"), 200, "demo users were seeded");
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = temp_dir();
    let (mut server, _) = serve(&dir, Some("some-admin-password"), false);
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "still running 15 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status}");
    assert_eq!(request(&server.addr, "GET", "/healthz", "").0, 0, "no longer listening");
}

#[test]
fn with_json_logs_each_line_is_one_object_for_a_log_shipper() {
    let dir = temp_dir();
    let child = antar(&dir)
        .args(["migrate"])
        .env("ANTAR_LOG", "info")
        .env("ANTAR_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (code, _, err) = finish(child, Duration::from_secs(60));
    assert_eq!(code, Some(0), "{err}");
    let lines: Vec<serde_json::Value> = err
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not one JSON object: {l}: {e}")))
        .collect();
    assert!(
        lines.iter().any(|l| l["level"] == "INFO"
            && l["fields"]["message"] == "migrations are up to date"
            && l["fields"]["backend"] == "sqlite"
            && l["timestamp"].is_string()),
        "{err}"
    );
}
