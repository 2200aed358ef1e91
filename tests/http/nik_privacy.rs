//! The NIK at the door: the phone holds no digit of it and a 10-bit tag, so
//! an offline attack on everything the phone holds leaves a crowd of
//! equally likely NIKs; the typed NIK travels sealed to the server, which
//! catches a wrong one and never stores it.

use antar_server::auth::nik_seal;
use antar_shared::doorstep::{nik_tag, NikCheck};
use antar_tests::{event, on_both_backends, TestApp};
use chrono::Datelike;
use serde_json::json;

const DAY: &str = "2026-11-23";

/// Every birth date of the last hundred years, as the NIK writes it
/// (DDMMYY, 40 added to the day for women).
fn birth_parts() -> Vec<String> {
    let mut out = Vec::new();
    let mut d = chrono::NaiveDate::from_ymd_opt(1926, 1, 1).unwrap();
    let end = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    while d <= end {
        for add in [0, 40] {
            out.push(format!("{:02}{:02}{:02}", d.day() + add, d.month(), d.year() % 100));
        }
        d = d.succ_opt().unwrap();
    }
    out
}

/// The first 32 bits of HMAC-SHA256(key, nik): the tags are its top bits.
fn mac32(key: &[u8], nik: &str) -> u32 {
    use hmac::Mac;
    let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(key).unwrap();
    mac.update(nik.as_bytes());
    let out = mac.finalize().into_bytes();
    u32::from_be_bytes([out[0], out[1], out[2], out[3]])
}

/// The offline attack: the attacker holds the phone (key, tag) and, being
/// generous to them, the NIK's first six digits (the district, from the
/// address). They try every birth date and a sample of serials; the NIKs
/// whose tag matches are what is left. Returns (candidates found in the
/// sample, the share of the serials sampled).
fn attack(key: &[u8], tag: u32, prefix: &str, serials: &[u32]) -> (usize, f64) {
    let dates = birth_parts();
    let found = dates
        .iter()
        .flat_map(|d| serials.iter().map(move |s| format!("{prefix}{d}{s:04}")))
        .filter(|nik| nik_tag(key, nik) == tag)
        .count();
    (found, serials.len() as f64 / 9999.0)
}

async fn an_offline_attack_on_the_phone_leaves_a_crowd_of_niks(app: TestApp) {
    let s = app.seed(1).await;
    app.route(&s, DAY, &s.cards).await;
    let nik =
        app.get(&format!("/api/v1/cards/{}", s.cards[0]), &s.staff).await.body["nik"].as_str().unwrap().to_owned();
    let routes = app.get("/api/v1/me/routes", &s.courier).await;
    assert!(!routes.text.contains(&nik[10..]), "no run of the NIK's digits reaches the phone");
    let stop = &routes.body["items"][0]["stops"][0];
    assert!(stop.get("nik_masked").is_none());
    let check: NikCheck = serde_json::from_value(stop["nik_check"].clone()).unwrap();
    assert!(check.matches(&nik), "the holder's NIK still passes at the door");
    let key = hex::decode(&check.key).unwrap();

    // Seven serials drawn at random, the true one not among them: the count
    // in the sample, scaled up, estimates the crowd over every serial.
    let true_serial: u32 = nik[12..].parse().unwrap();
    let serials: Vec<u32> = (0..7).map(|i| 1 + (true_serial + 1_301 * (i + 1)) % 9_999).collect();
    let (found, share) = attack(&key, check.tag, &nik[..6], &serials);
    let crowd = found as f64 / share;
    assert!(
        crowd >= 100_000.0,
        "{found} candidates in {:.2} % of the space: about {crowd:.0} NIKs remain",
        share * 100.0
    );

    // The same attack on what the phone used to hold — the last four digits
    // and a 20-bit tag — finds the NIK.
    let old_tag = mac32(&key, &nik) >> 12;
    assert_eq!(old_tag >> 10, nik_tag(&key, &nik), "the 10-bit tag is the top of the same MAC");
    let old: Vec<String> = birth_parts()
        .iter()
        .map(|d| format!("{}{d}{}", &nik[..6], &nik[12..]))
        .filter(|candidate| mac32(&key, candidate) >> 12 == old_tag)
        .collect();
    assert!(old.contains(&nik) && old.len() <= 3, "the old scheme left {} candidates", old.len());
    eprintln!(
        "NIK attack: ~{crowd:.0} candidates remain now ({found} in the sample); {} with the old scheme",
        old.len()
    );
}

async fn a_sealed_nik_is_checked_by_the_server_and_never_stored(app: TestApp) {
    let s = app.seed(3).await;
    app.route(&s, DAY, &s.cards).await;
    let routes = app.get("/api/v1/me/routes", &s.courier).await.body;
    let stops = routes["items"][0]["stops"].as_array().unwrap().clone();
    let seal_key = stops[0]["nik_check"]["seal"].as_str().unwrap().to_owned();
    let nik_of = |id: &str| {
        let (app, staff, id) = (&app, s.staff.clone(), id.to_owned());
        async move { app.get(&format!("/api/v1/cards/{id}"), &staff).await.body["nik"].as_str().unwrap().to_owned() }
    };
    let (a, b, c) = (&s.cards[0], &s.cards[1], &s.cards[2]);
    let (nik_a, nik_b) = (nik_of(a).await, nik_of(b).await);
    let delivered = |card: &str, sealed: serde_json::Value, ms: i64| {
        event(
            card,
            "delivered",
            ms,
            json!({"recipient_name": "Ani", "recipient_relation": "self", "id_check": "match", "nik_sealed": sealed}),
        )
    };
    let right = serde_json::to_value(nik_seal::seal(&seal_key, a, &nik_a).unwrap()).unwrap();
    // Someone else's NIK that slipped past the short tag, and a seal made for
    // another card.
    let wrong_nik = format!("{}{}", &nik_b[..15], if nik_b.ends_with('9') { '8' } else { '9' });
    let wrong = serde_json::to_value(nik_seal::seal(&seal_key, b, &wrong_nik).unwrap()).unwrap();
    let moved = serde_json::to_value(nik_seal::seal(&seal_key, a, &nik_a).unwrap()).unwrap();
    let r = app.sync(&s.courier, vec![delivered(a, right, 1), delivered(b, wrong, 2), delivered(c, moved, 3)]).await;
    assert_eq!((r[0]["status"].as_str(), r[0].get("code")), (Some("accepted"), None), "{r:?}");
    for (i, why) in [(1, "not the card's"), (2, "could not be opened")] {
        assert_eq!((r[i]["status"].as_str(), r[i]["code"].as_str()), (Some("accepted"), Some("flagged")), "{r:?}");
        assert!(r[i]["message"].as_str().unwrap().contains(why), "{r:?}");
    }
    for (card, verified) in [(a, true), (b, false), (c, false)] {
        let detail = app.get(&format!("/api/v1/cards/{card}"), &s.staff).await;
        assert_eq!(detail.body["status"], "delivered", "a flagged delivery still counts");
        let ev = detail.body["events"].as_array().unwrap().iter().find(|e| e["kind"] == "delivered").unwrap().clone();
        assert_eq!(ev["payload"]["nik_verified"], verified, "{card}");
        assert!(ev["payload"].get("nik_sealed").is_none(), "the seal is not kept");
        assert!(!detail.text.contains(&wrong_nik), "the typed NIK is not stored");
    }
    let review = app.get("/api/v1/review", &s.staff).await.body;
    let flags: Vec<&str> = review["flagged"].as_array().unwrap().iter().map(|f| f["flag"].as_str().unwrap()).collect();
    assert_eq!(flags, ["nik_mismatch", "nik_mismatch"]);
}

on_both_backends!(
    an_offline_attack_on_the_phone_leaves_a_crowd_of_niks,
    a_sealed_nik_is_checked_by_the_server_and_never_stored
);
