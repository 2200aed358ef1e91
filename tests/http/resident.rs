//! The resident's answers: a confirmation counts only for a delivered card,
//! every report reaches the review queue, and the message sent with a link
//! says what is true of the card.

use antar_tests::{delivered, event, on_both_backends, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

const DAY: &str = "2026-11-23";

async fn link_token(app: &TestApp, staff: &str, card: &str) -> (String, serde_json::Value) {
    let link = app.post(&format!("/api/v1/cards/{card}/link"), staff, json!({})).await;
    assert_eq!(link.status, StatusCode::OK, "{}", link.text);
    let url = link.body["url"].as_str().unwrap();
    (url.rsplit('/').next().unwrap().to_owned(), link.body)
}

async fn confirm(app: &TestApp, token: &str) -> antar_tests::Answer {
    app.call(Method::POST, &format!("/api/v1/track/{token}/confirm"), None, None).await
}

async fn page_post(app: &TestApp, token: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let res = app.http.post(format!("{}/t/{token}/confirm", app.base)).form(form).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn a_resident_confirms_only_a_card_handed_over(app: TestApp) {
    let s = app.seed(2).await;
    let card = &s.cards[0];
    let (token, _) = link_token(&app, &s.staff, card).await;
    let printed = confirm(&app, &token).await;
    assert_eq!(printed.status, StatusCode::CONFLICT, "{}", printed.text);
    assert!(printed.body["detail"].as_str().unwrap().contains("belum diserahkan"), "{}", printed.text);
    let (status, html) = page_post(&app, &token, &[]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("Belum bisa dikonfirmasi") && html.contains("belum diserahkan"), "{html}");
    let page = app.call(Method::GET, &format!("/t/{token}"), None, None).await;
    assert!(!page.text.contains("Ya, e-KTP sudah saya terima"), "no confirm button before the handover");

    app.route(&s, DAY, std::slice::from_ref(card)).await;
    assert_eq!(confirm(&app, &token).await.status, StatusCode::CONFLICT, "assigned is not delivered either");

    // With the courier: maybe handed over offline. Kept for review; nothing changes.
    app.sync(&s.courier, vec![event(card, "picked_up", 1, json!({}))]).await;
    let early = confirm(&app, &token).await;
    assert_eq!(early.status, StatusCode::OK, "{}", early.text);
    assert_eq!(early.body["resident"], serde_json::Value::Null);
    assert_eq!(confirm(&app, &token).await.status, StatusCode::OK);
    let review = app.get("/api/v1/review", &s.staff).await.body;
    let items = review["resident"].as_array().unwrap();
    assert_eq!(items.len(), 1, "a repeated early confirmation is one item: {items:?}");
    assert_eq!(
        (items[0]["kind"].as_str(), items[0]["card_id"].as_str()),
        (Some("early_confirmation"), Some(card.as_str()))
    );
    let detail = app.get(&format!("/api/v1/cards/{card}"), &s.staff).await.body;
    assert_eq!((detail["status"].as_str(), &detail["resident"]), (Some("with_courier"), &serde_json::Value::Null));

    app.sync(&s.courier, vec![delivered(card, 2)]).await;
    let done = confirm(&app, &token).await;
    assert_eq!((done.status, done.body["resident"].as_str()), (StatusCode::OK, Some("confirmed")));
}

async fn every_residents_report_is_a_review_item_staff_resolve(app: TestApp) {
    let s = app.seed(2).await;
    let (t0, _) = link_token(&app, &s.staff, &s.cards[0]).await;
    let (t1, _) = link_token(&app, &s.staff, &s.cards[1]).await;
    let json_report = app
        .call(
            Method::POST,
            &format!("/api/v1/track/{t0}/report"),
            None,
            Some(json!({"message": "Saya pindah ke Metro"})),
        )
        .await;
    assert_eq!(json_report.status, StatusCode::OK, "{}", json_report.text);
    assert_eq!(json_report.body["resident"], serde_json::Value::Null, "a card not delivered is not disputed");
    let (status, html) = page_post(&app, &t1, &[("message", "Kapan kurir datang?")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Petugas akan menghubungi Anda"));

    let review = app.get("/api/v1/review", &s.staff).await.body;
    let items = review["resident"].as_array().unwrap().clone();
    let seen: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|i| (i["card_id"].as_str().unwrap(), i["kind"].as_str().unwrap(), i["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            (s.cards[0].as_str(), "report", "Saya pindah ke Metro"),
            (s.cards[1].as_str(), "report", "Kapan kurir datang?")
        ]
    );
    let resolve = |id: &str| format!("/api/v1/review/resident/{id}/resolve");
    let id = items[0]["id"].as_str().unwrap();
    assert_eq!(app.post(&resolve(id), &s.courier, json!({})).await.status, StatusCode::FORBIDDEN);
    let done = app.post(&resolve(id), &s.staff, json!({"note": "Ditelepon, alamat baru dicatat"})).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(app.post(&resolve(id), &s.staff, json!({})).await.status, StatusCode::NOT_FOUND, "once");
    let left = app.get("/api/v1/review", &s.staff).await.body["resident"].as_array().unwrap().len();
    assert_eq!(left, 1, "the resolved item leaves the queue");
}

async fn the_link_message_tells_the_cards_true_state(app: TestApp) {
    let s = app.seed(1).await;
    let card = &s.cards[0];
    let text = |link: &serde_json::Value| {
        let url = link["whatsapp_url"].as_str().unwrap().to_owned();
        let encoded = url.split("text=").nth(1).unwrap().to_owned();
        let bytes: Vec<u8> = {
            let b = encoded.as_bytes();
            let mut out = Vec::new();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'%' {
                    out.push(u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap(), 16).unwrap());
                    i += 3;
                } else {
                    out.push(b[i]);
                    i += 1;
                }
            }
            out
        };
        String::from_utf8(bytes).unwrap()
    };
    let (_, at_office) = link_token(&app, &s.staff, card).await;
    let msg = text(&at_office);
    assert!(msg.contains("ada di kantor") && !msg.contains("pengantaran"), "{msg}");
    app.route(&s, DAY, std::slice::from_ref(card)).await;
    app.sync(&s.courier, vec![event(card, "picked_up", 1, json!({}))]).await;
    let (_, out) = link_token(&app, &s.staff, card).await;
    assert!(text(&out).contains("sedang dalam pengantaran"), "{}", text(&out));
    app.sync(&s.courier, vec![delivered(card, 2)]).await;
    let (_, handed) = link_token(&app, &s.staff, card).await;
    assert!(text(&handed).contains("sudah diserahkan"), "{}", text(&handed));
}

/// Without JavaScript: the page's buttons are plain forms.
async fn a_resident_asks_for_another_time_and_staff_the_courier_and_the_timeline_see_it(app: TestApp) {
    let s = app.seed(2).await;
    app.route(&s, DAY, &s.cards).await;
    let (token, _) = link_token(&app, &s.staff, &s.cards[0]).await;
    let page = app.http.get(format!("{}/t/{token}", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("action=\"/t/{token}/request\"")) && page.contains("value=\"after_16\""), "{page}");

    let res =
        app.http.post(format!("{}/t/{token}/request", app.base)).form(&[("wish", "after_16")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("Permintaan Anda sudah kami terima"), "{html}");
    assert!(html.contains("Warga minta diantar setelah pukul 16.00"), "the timeline shows the request: {html}");

    let queue = app.get("/api/v1/review", &s.staff).await.body;
    let item = &queue["resident"][0];
    assert_eq!((item["kind"].as_str(), item["card_id"].as_str()), (Some("request"), Some(s.cards[0].as_str())));
    assert_eq!(item["message"], "Warga minta diantar setelah pukul 16.00");

    let routes = app.get("/api/v1/me/routes", &s.courier).await.body;
    let stops = routes["items"][0]["stops"].as_array().unwrap();
    let stop = |card: &str| stops.iter().find(|x| x["card_id"] == card).unwrap().clone();
    assert_eq!(stop(&s.cards[0])["resident_request"], "Warga minta diantar setelah pukul 16.00");
    assert_eq!(stop(&s.cards[0])["resident_wish"], "after_16", "as a code the app says in its language");
    assert!(stop(&s.cards[1])["resident_request"].is_null());
    assert!(stop(&s.cards[1])["resident_wish"].is_null());

    // The JSON call, then the day's cap: five answers per link a day.
    let more = app
        .call(
            Method::POST,
            &format!("/api/v1/track/{token}/request"),
            None,
            Some(json!({"wish": "collect_at_village_office"})),
        )
        .await;
    assert_eq!(more.status, StatusCode::OK, "{}", more.text);
    assert_eq!(
        app.get("/api/v1/me/routes", &s.courier).await.body["items"][0]["stops"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["card_id"] == s.cards[0].as_str())
            .unwrap()["resident_request"],
        "Warga minta kartu diambil di kantor kelurahan",
        "the latest request is the one the courier sees"
    );
    for _ in 0..3 {
        let r = app
            .call(Method::POST, &format!("/api/v1/track/{token}/request"), None, Some(json!({"wish": "weekend"})))
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let sixth =
        app.call(Method::POST, &format!("/api/v1/track/{token}/request"), None, Some(json!({"wish": "weekend"}))).await;
    assert_eq!(sixth.status, StatusCode::TOO_MANY_REQUESTS, "{}", sixth.text);
    let unknown =
        app.http.post(format!("{}/t/{token}/request", app.base)).form(&[("wish", "tomorrow")]).send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::OK, "an unknown choice shows the page again");
    assert!(unknown.text().await.unwrap().contains("Pilih salah satu permintaan"));

    // Once handed over, there is nothing left to ask for.
    let (other, _) = link_token(&app, &s.staff, &s.cards[1]).await;
    app.sync(&s.courier, vec![delivered(&s.cards[1], 1)]).await;
    let late =
        app.call(Method::POST, &format!("/api/v1/track/{other}/request"), None, Some(json!({"wish": "weekend"}))).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text);

    // An expired link: 410.
    app.expire_links().await;
    let gone =
        app.call(Method::POST, &format!("/api/v1/track/{token}/request"), None, Some(json!({"wish": "weekend"}))).await;
    assert_eq!(gone.status, StatusCode::GONE);
}

on_both_backends!(
    a_resident_asks_for_another_time_and_staff_the_courier_and_the_timeline_see_it,
    a_resident_confirms_only_a_card_handed_over,
    every_residents_report_is_a_review_item_staff_resolve,
    the_link_message_tells_the_cards_true_state,
);
