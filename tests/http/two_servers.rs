//! Two `antar` processes on one PostgreSQL, no proxy in front: how Antar
//! scales out (README, "Several servers"). Whatever a desk, a courier or a
//! resident does on one server holds on the other.

use antar_tests::process::{self, Antar};
use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};

/// Two servers sharing the database, the token secret and the media
/// directory, as the README tells an operator to run them.
fn pair() -> Option<(Antar, Antar, tempfile::TempDir)> {
    let media = tempfile::tempdir().unwrap();
    let dir = media.path().display().to_string();
    let env = [("ANTAR_JWT_SECRET", "two-servers-share-this-secret-of-32+-chars"), ("ANTAR_MEDIA_DIR", dir.as_str())];
    let a = Antar::start(process::binary(), "postgres", &env)?;
    let b = a.beside();
    Some((a, b, media))
}

#[actix_rt::test]
async fn failed_logins_on_two_servers_count_against_one_allowance() {
    let Some((a, b, _media)) = pair() else { return };
    a.user("petugas1", "staff").await;
    for i in 0..10 {
        let server = if i % 2 == 0 { &a } else { &b };
        let wrong = server.login_pair("petugas1", "not-the-password").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "attempt {i}: {}", wrong.text);
    }
    for server in [&a, &b] {
        let right = server.login_pair("petugas1", "petugas1-password-1").await;
        assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS, "ten failures over both servers: {}", right.text);
        assert!(right.headers.contains_key("retry-after"));
    }
}

#[actix_rt::test]
async fn a_resident_link_made_on_one_server_opens_on_the_other() {
    let Some((a, b, _media)) = pair() else { return };
    let s = a.seed(1).await;
    let link = a.post(&format!("/api/v1/cards/{}/link", s.cards[0]), &s.staff, json!({})).await;
    assert_eq!(link.status, StatusCode::OK, "{}", link.text);
    let token = link.body["url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let track = b.call(reqwest::Method::GET, &format!("/api/v1/track/{token}"), None, None).await;
    assert_eq!(track.status, StatusCode::OK, "{}", track.text);
    let confirm = b.call(reqwest::Method::POST, &format!("/api/v1/track/{token}/confirm"), None, None).await;
    assert!(confirm.status.is_success() || confirm.status == StatusCode::CONFLICT, "{}", confirm.text);
    let page = b.http.get(format!("{}/t/{token}", b.base)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
}

#[actix_rt::test]
async fn a_photo_uploaded_to_one_server_is_read_from_the_other() {
    let Some((a, b, media)) = pair() else { return };
    let s = a.seed(1).await;
    let photo = antar_tests::jpeg(3);
    let sha = hex::encode(Sha256::digest(&photo));
    // The courier's token, issued by one server, holds on the other.
    let put = b
        .http
        .put(format!("{}/api/v1/media/{sha}", b.base))
        .bearer_auth(&s.courier)
        .body(photo.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), StatusCode::CREATED);
    let got = a.http.get(format!("{}/api/v1/media/{sha}", a.base)).bearer_auth(&s.staff).send().await.unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.bytes().await.unwrap().to_vec(), photo, "the same bytes");
    let files = std::fs::read_dir(media.path()).unwrap().count();
    assert_eq!(files, 1, "kept in the shared media directory (one office's folder)");
}

/// Two servers on one PostgreSQL, two desks putting the same card on a route
/// at the same instant, one on each server: one route is made and the other
/// desk hears 409 naming the card — never a 500, however the race falls.
#[actix_rt::test]
async fn two_servers_racing_to_route_one_card_make_one_route_and_answer_the_other_409() {
    let Some(a) = Antar::start(process::binary(), "postgres", &[]) else { return };
    let b = a.beside();
    let s = a.seed(20).await;
    let staff_b = b.login("petugas1", "petugas1-password-1").await;
    for (i, card) in s.cards.iter().enumerate() {
        // A day each, so the courier has no route that day yet.
        let date = format!("2026-12-{:02}", i + 1);
        let body = json!({"courier_id": s.courier_id, "date": date, "card_ids": [card]});
        let (ra, rb) = tokio::join!(
            a.post("/api/v1/routes", &s.staff, body.clone()),
            b.post("/api/v1/routes", &staff_b, body.clone())
        );
        let mut codes = [ra.status.as_u16(), rb.status.as_u16()];
        codes.sort_unstable();
        assert_eq!(codes, [201, 409], "race {i}: {} / {}", ra.text, rb.text);
        let loser = if ra.status == StatusCode::CONFLICT { &ra } else { &rb };
        assert!(loser.text.contains(card.as_str()), "the 409 names the card: {}", loser.text);
    }
    let routes = a.get("/api/v1/routes?per_page=100", &s.staff).await.body;
    assert_eq!(routes["items"].as_array().map(Vec::len), Some(s.cards.len()), "one route per card, no more");
}

/// Two desks on two servers making a route for one courier's day at once,
/// with different cards: one route is made, the other desk hears 409 naming
/// it — never a second open route for the day.
#[actix_rt::test]
async fn two_servers_racing_to_route_one_couriers_day_make_one_route() {
    let Some(a) = Antar::start(process::binary(), "postgres", &[]) else { return };
    let b = a.beside();
    let s = a.seed(20).await;
    let staff_b = b.login("petugas1", "petugas1-password-1").await;
    for (i, pair) in s.cards.chunks(2).enumerate() {
        let date = format!("2027-01-{:02}", i + 1);
        let (ra, rb) = tokio::join!(
            a.post(
                "/api/v1/routes",
                &s.staff,
                json!({"courier_id": s.courier_id, "date": date, "card_ids": [pair[0]]})
            ),
            b.post(
                "/api/v1/routes",
                &staff_b,
                json!({"courier_id": s.courier_id, "date": date, "card_ids": [pair[1]]})
            )
        );
        let mut codes = [ra.status.as_u16(), rb.status.as_u16()];
        codes.sort_unstable();
        assert_eq!(codes, [201, 409], "race {i}: {} / {}", ra.text, rb.text);
        let (winner, loser) = if ra.status == StatusCode::CONFLICT { (&rb, &ra) } else { (&ra, &rb) };
        let route = winner.body["id"].as_str().unwrap();
        assert!(loser.text.contains(route), "the 409 names the courier's route: {}", loser.text);
    }
}

/// Two whole plans saved at once, one on each server of one PostgreSQL,
/// sharing cards in the opposite route order: one plan is saved and the
/// other desk hears 409 — never a deadlock's 500.
#[actix_rt::test]
async fn two_servers_saving_overlapping_plans_at_once_save_one_and_answer_the_other_409() {
    let Some(a) = Antar::start(process::binary(), "postgres", &[]) else { return };
    let b = a.beside();
    let s = a.seed(40).await;
    let (other, _) = a.user("kurir2", "courier").await;
    let staff_b = b.login("petugas1", "petugas1-password-1").await;
    for (i, c) in s.cards.chunks(4).enumerate() {
        let date = format!("2026-12-{:02}", i + 1);
        let one = json!({"date": date, "routes": [
            {"courier_id": s.courier_id, "card_ids": [c[0], c[1]]}, {"courier_id": other, "card_ids": [c[2], c[3]]}]});
        let two = json!({"date": date, "routes": [
            {"courier_id": other, "card_ids": [c[3], c[2]]}, {"courier_id": s.courier_id, "card_ids": [c[1], c[0]]}]});
        let (ra, rb) =
            tokio::join!(a.post("/api/v1/routes/batch", &s.staff, one), b.post("/api/v1/routes/batch", &staff_b, two));
        let mut codes = [ra.status.as_u16(), rb.status.as_u16()];
        codes.sort_unstable();
        assert_eq!(codes, [201, 409], "race {i}: {} / {}", ra.text, rb.text);
    }
    let routes = a.get("/api/v1/routes?per_page=100", &s.staff).await.body;
    assert_eq!(routes["items"].as_array().map(Vec::len), Some(20), "one plan of two routes a day, no more");
}
