//! `antar audit verify` as an operator runs it: an intact chain, then one
//! with a record edited in the database behind the server's back.
#![expect(clippy::unwrap_used, reason = "test helpers fail the test by panicking")]

use antar_server::db::{self, audit};
use diesel::RunQueryDsl;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_antar");

fn verify(url: &str) -> (Option<i32>, String, String) {
    let out = Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", url)
        .env("ANTAR_LOG", "warn")
        .args(["audit", "verify"])
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn audit_verify_says_the_chain_is_intact_and_names_the_edited_record() {
    let dir = tempfile_dir();
    let url = format!("sqlite://{}", dir.join("antar.sqlite3").display());
    let made = Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &url)
        .env("ANTAR_LOG", "warn")
        .args(["create-user", "--username", "petugas", "--role", "staff", "--display-name", "Petugas"])
        .args(["--password", "petugas-kata-sandi"])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let (pool, _) = db::connect(&url).unwrap();
    let mut conn = pool.get().unwrap();
    let office = db::offices::first(&mut conn).unwrap().unwrap();
    for (i, action) in ["user.create", "settings.change", "route.create"].into_iter().enumerate() {
        let entry = audit::Entry {
            office_id: &office.id,
            actor_id: "admin",
            action,
            target: format!("thing:{i}"),
            detail: serde_json::json!({"n": i}),
        };
        audit::append(&mut conn, &entry).unwrap();
    }
    let (code, out, _) = verify(&url);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("3 records, the chain is intact"), "{out}");

    diesel::sql_query("UPDATE audit_log SET action = 'route.cancel' WHERE seq = 2").execute(&mut *conn).unwrap();
    let (code, out, err) = verify(&url);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("BROKEN: record 2 ("), "{out}");
    assert!(out.contains("was edited"), "{out}");
    assert_eq!(err.trim(), "antar: the audit chain of 1 office(s) is broken");
    std::fs::remove_dir_all(dir).ok();
}

fn tempfile_dir() -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("antar-audit-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
