//! `antar backup` and `antar restore` on SQLite, as an operator runs them:
//! the real binary, while a courier syncs.

use antar_tests::process::{self, command, Antar};
use antar_tests::{delivered, event, jpeg, Api};
use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn events_in(data_dir: &std::path::Path) -> HashSet<String> {
    use antar_server::db::schema::card_events::dsl::*;
    use diesel::{QueryDsl, RunQueryDsl};
    let url = format!("sqlite://{}", data_dir.join("antar.sqlite3").display());
    let (pool, _) = antar_server::db::connect(&url).unwrap();
    card_events.select(id).load::<String>(&mut *pool.get().unwrap()).unwrap().into_iter().collect()
}

#[actix_rt::test]
async fn a_backup_taken_mid_sync_restores_every_event_acknowledged_before_it_began() {
    let bin = process::binary();
    let live = Antar::start(bin.clone(), "sqlite", &[]).unwrap();
    let s = live.seed(100).await;
    live.route(&s, "2026-12-01", &s.cards).await;
    let photo = jpeg(5);
    let sha = hex::encode(Sha256::digest(&photo));
    let put = live.http.put(format!("{}/api/v1/media/{sha}", live.base)).bearer_auth(&s.courier).body(photo.clone());
    assert_eq!(put.send().await.unwrap().status(), StatusCode::CREATED);

    // The courier delivers card after card, an event a batch, all along.
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let courier = Api { base: live.base.clone(), http: reqwest::Client::new() };
    let (cards, token, got, halt) = (s.cards.clone(), s.courier.clone(), acked.clone(), stop.clone());
    let syncing = actix_rt::spawn(async move {
        for card in &cards {
            if halt.load(Ordering::SeqCst) {
                break;
            }
            for ev in [event(card, "picked_up", 1, json!({})), delivered(card, 2)] {
                let id = ev["id"].as_str().unwrap().to_owned();
                courier.sync(&token, vec![ev]).await;
                got.lock().unwrap().push(id);
            }
        }
    });
    while acked.lock().unwrap().len() < 40 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before: HashSet<String> = acked.lock().unwrap().iter().cloned().collect();
    let place = tempfile::tempdir().unwrap();
    let target = place.path().join("antar-backup");
    let target_arg = target.display().to_string();
    let (live_dir, b) = (live.data_dir().to_owned(), bin.clone());
    let (ok, said) =
        tokio::task::spawn_blocking(move || command(&b, &live_dir, &["backup", &target_arg], &[])).await.unwrap();
    assert!(ok, "{said}");
    assert!(said.contains("Backed up") && said.contains("1 media files"), "{said}");
    assert!(!syncing.is_finished(), "the courier was still syncing when the backup ended");
    stop.store(true, Ordering::SeqCst);
    syncing.await.unwrap();
    let after: usize = acked.lock().unwrap().len();
    assert!(after > before.len(), "syncs went on during the backup");

    let fresh = tempfile::tempdir().unwrap();
    let target_arg = target.display().to_string();
    let (ok, said) = command(&bin, fresh.path(), &["restore", &target_arg], &[]);
    assert!(ok, "{said}");
    let (ok, said) = command(&bin, fresh.path(), &["restore", &target_arg], &[]);
    assert!(!ok && said.contains("--force"), "restoring over a database asks for --force: {said}");

    let restored_events = events_in(fresh.path());
    let lost: Vec<&String> = before.iter().filter(|e| !restored_events.contains(*e)).collect();
    assert!(lost.is_empty(), "{} events acknowledged before the backup began are missing", lost.len());

    let restored = Antar::in_dir(bin, fresh, &[]);
    // The secret came along: the tokens issued before still hold.
    let got = restored.http.get(format!("{}/api/v1/media/{sha}", restored.base)).bearer_auth(&s.staff);
    let got = got.send().await.unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.bytes().await.unwrap().to_vec(), photo);
    let first = restored.get(&format!("/api/v1/cards/{}", s.cards[0]), &s.staff).await;
    assert_eq!(first.body["status"], "delivered", "{}", first.text);
}

#[actix_rt::test]
async fn backup_and_restore_refuse_what_would_lose_or_mix_data() {
    let bin = process::binary();
    let live = Antar::start(bin.clone(), "sqlite", &[]).unwrap();
    let full = tempfile::tempdir().unwrap();
    std::fs::write(full.path().join("something"), b"kept").unwrap();
    let full_arg = full.path().display().to_string();
    let (ok, said) = command(&bin, live.data_dir(), &["backup", &full_arg], &[]);
    assert!(!ok && said.contains("not empty"), "{said}");
    assert_eq!(std::fs::read(full.path().join("something")).unwrap(), b"kept");

    let (ok, said) = command(&bin, live.data_dir(), &["restore", &full_arg, "--force"], &[]);
    assert!(!ok && said.contains("not a backup"), "{said}");

    let postgres = [("DATABASE_URL", "postgres://antar@127.0.0.1:1/antar")];
    let (ok, said) = command(&bin, live.data_dir(), &["backup", "/nonexistent/antar-backup"], &postgres);
    assert!(!ok && said.contains("pg_dump"), "on PostgreSQL it names the tools to use: {said}");
}
