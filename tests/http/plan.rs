//! `POST /api/v1/routes/plan`: a proposal for the day, never saved; bad
//! input named, cards that cannot be planned listed with the reason.

use antar_tests::cvrplib::{self, Instance};
use antar_tests::{batch_csv, delivered, on_both_backends, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

fn tomorrow() -> String {
    (chrono::Utc::now() + chrono::Duration::days(2)).format("%Y-%m-%d").to_string()
}

/// Eight homes in four RTs, with the print batch's LAT/LON.
fn located_batch() -> String {
    let mut csv = "NIK;NAMA;ALAMAT;RT;RW;KELURAHAN;KECAMATAN;LAT;LON\n".to_owned();
    for i in 0..8u32 {
        let (rt, lat, lon) = (1 + i / 2, -5.36 - 0.002 * f64::from(i), 105.24 + 0.003 * f64::from(i % 3));
        csv.push_str(&format!(
            "187101{:02}0190{:04};WARGA {i};JL. MELATI {i};00{rt};001;RAJABASA;RAJABASA;{lat};{lon}\n",
            1 + i,
            i + 1
        ));
    }
    csv
}

fn ids(plan: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = plan["routes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["stops"].as_array().unwrap().iter().map(|s| s["card_id"].as_str().unwrap().to_owned()))
        .chain(plan["unassigned"].as_array().unwrap().iter().map(|u| u["card_id"].as_str().unwrap().to_owned()))
        .collect();
    out.sort();
    out
}

async fn a_plan_covers_the_pool_within_the_cap_and_saves_nothing(app: TestApp) {
    let s = app.seed(0).await;
    let import = app.post_csv("/api/v1/cards/import", &s.staff, located_batch()).await;
    assert_eq!(import.body["imported"], 8, "{}", import.text);
    let (second, _) = app.user("kurir2", "courier").await;
    let admin = app.admin().await;
    let mut settings = app.get("/api/v1/settings", &admin).await.body;
    settings["office_lat"] = json!(-5.38);
    settings["office_lon"] = json!(105.25);
    let put = app.call(Method::PUT, "/api/v1/settings", Some(&admin), Some(settings)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);

    let body = json!({"date": tomorrow(), "courier_ids": [s.courier_id, second], "max_stops": 4});
    let plan = app.post("/api/v1/routes/plan", &s.staff, body).await;
    assert_eq!(plan.status, StatusCode::OK, "{}", plan.text);
    let all: Vec<String> = {
        let mut v: Vec<String> = app.get("/api/v1/cards", &s.staff).await.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(ids(&plan.body), all, "every card once");
    let routes = plan.body["routes"].as_array().unwrap();
    assert_eq!(routes.len(), 2);
    for r in routes {
        let stops = r["stops"].as_array().unwrap();
        assert!(stops.len() <= 4);
        assert_eq!(
            stops.iter().map(|s| s["seq"].as_u64().unwrap()).collect::<Vec<_>>(),
            (1..=stops.len() as u64).collect::<Vec<_>>()
        );
        assert!(stops.iter().all(|s| s["located"] == "batch" && s["lat"].is_f64()));
        assert!(r["distance_m"].as_f64().unwrap() > 500.0, "a closed tour from the office: {r}");
    }
    assert_eq!(app.get("/api/v1/routes", &s.staff).await.body["items"], json!([]), "nothing saved");
    assert_eq!(app.get("/api/v1/cards?status=printed", &s.staff).await.body["total"], 8);
}

async fn cards_that_cannot_be_planned_are_listed_and_the_rest_planned(app: TestApp) {
    let s = app.seed(4).await;
    let c = &s.cards;
    app.route(&s, "2026-11-23", &c[..2]).await;
    app.sync(&s.courier, vec![delivered(&c[0], 1)]).await;
    let body = json!({"date": tomorrow(), "courier_ids": [s.courier_id], "card_ids": [c[0], c[1], c[2], c[3], "no-such-card"]});
    let plan = app.post("/api/v1/routes/plan", &s.staff, body).await;
    assert_eq!(plan.status, StatusCode::OK, "{}", plan.text);
    let mut why: Vec<(String, String)> = plan.body["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["card_id"].as_str().unwrap().to_owned(), u["reason"].as_str().unwrap().to_owned()))
        .collect();
    why.sort();
    let mut want = vec![
        (c[0].clone(), "on_open_route".to_owned()),
        (c[1].clone(), "on_open_route".to_owned()),
        ("no-such-card".to_owned(), "not_found".to_owned()),
    ];
    want.sort();
    assert_eq!(why, want);
    let planned: Vec<&str> =
        plan.body["routes"][0]["stops"].as_array().unwrap().iter().map(|s| s["card_id"].as_str().unwrap()).collect();
    assert_eq!(planned.len(), 2);
    // Without card_ids the pool is every plannable card.
    let pool =
        app.post("/api/v1/routes/plan", &s.staff, json!({"date": tomorrow(), "courier_ids": [s.courier_id]})).await;
    assert_eq!(ids(&pool.body), {
        let mut v = vec![c[2].clone(), c[3].clone()];
        v.sort();
        v
    });
}

async fn bad_plan_requests_are_named(app: TestApp) {
    let s = app.seed(1).await;
    let staff_id =
        app.get("/api/v1/users?role=staff", &s.staff).await.body["items"][0]["id"].as_str().unwrap().to_owned();
    for (body, field) in [
        (json!({"date": tomorrow(), "courier_ids": []}), "courier_ids"),
        (json!({"date": tomorrow(), "courier_ids": ["nobody"]}), "courier_ids"),
        (json!({"date": tomorrow(), "courier_ids": [staff_id]}), "courier_ids"),
        (json!({"date": "2020-01-01", "courier_ids": [s.courier_id]}), "date"),
    ] {
        let a = app.post("/api/v1/routes/plan", &s.staff, body.clone()).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", a.text);
        assert_eq!(a.body["errors"][0]["field"], field, "{body}");
    }
    let a = app.post("/api/v1/routes/plan", &s.staff, json!({"date": "besok", "courier_ids": [s.courier_id]})).await;
    assert_eq!((a.status, a.body["errors"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("date")));
    let courier =
        app.post("/api/v1/routes/plan", &s.courier, json!({"date": tomorrow(), "courier_ids": [s.courier_id]})).await;
    assert_eq!(courier.status, StatusCode::FORBIDDEN);
}

/// What the console needs to draw the plan comes with it: each card's
/// name and address (never its NIK) and where the tours start.
async fn a_plan_names_its_cards_without_a_nik_and_says_where_tours_start(app: TestApp) {
    let s = app.seed(0).await;
    app.post_csv("/api/v1/cards/import", &s.staff, located_batch()).await;
    let plan =
        app.post("/api/v1/routes/plan", &s.staff, json!({"date": tomorrow(), "courier_ids": [s.courier_id]})).await;
    assert_eq!(plan.status, StatusCode::OK, "{}", plan.text);
    let cards = plan.body["cards"].as_array().unwrap();
    assert_eq!(cards.len(), 8);
    assert!(cards.iter().all(|c| c["name"].as_str().unwrap().starts_with("WARGA ") && c["rt"].is_string()));
    assert!(!plan.text.contains("18710"), "no NIK digits in the plan: {}", plan.text);
    // No office location set: the centre of the batch's points.
    let (lat, lon) = (plan.body["office"]["lat"].as_f64().unwrap(), plan.body["office"]["lon"].as_f64().unwrap());
    assert!((-5.375..=-5.36).contains(&lat) && (105.24..=105.246).contains(&lon), "{lat},{lon}");
}

async fn a_pool_over_five_thousand_cards_is_refused_saying_so(app: TestApp) {
    let s = app.seed(0).await;
    let ids: Vec<String> = (0..5_001).map(|i| format!("card-{i}")).collect();
    let named = app
        .post(
            "/api/v1/routes/plan",
            &s.staff,
            json!({"date": tomorrow(), "courier_ids": [s.courier_id], "card_ids": ids}),
        )
        .await;
    assert_eq!(named.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", named.text);
    assert_eq!(named.body["errors"][0]["field"], "card_ids");
    assert!(named.text.contains("5000"), "{}", named.text);
    let import = app.post_csv("/api/v1/cards/import", &s.staff, batch_csv(5_001, ';')).await;
    assert_eq!(import.body["imported"], 5_001, "{}", import.text);
    let whole =
        app.post("/api/v1/routes/plan", &s.staff, json!({"date": tomorrow(), "courier_ids": [s.courier_id]})).await;
    assert_eq!(whole.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", whole.text);
    assert!(whole.body["errors"][0]["message"].as_str().unwrap().contains("kecamatan"), "says how: {}", whole.text);
    let narrowed = app
        .post(
            "/api/v1/routes/plan",
            &s.staff,
            json!({"date": tomorrow(), "courier_ids": [s.courier_id], "card_ids": [], "max_stops": 10}),
        )
        .await;
    assert_eq!(narrowed.status, StatusCode::OK, "an explicit pool under the limit plans: {}", narrowed.text);
}

/// `POST /api/v1/routes/batch`: a day's plan saved whole, in its order, or
/// not at all.
async fn a_saved_plan_creates_every_route_in_order_or_none(app: TestApp) {
    let s = app.seed(6).await;
    let c = &s.cards;
    let (second, _) = app.user("kurir2", "courier").await;
    let day = tomorrow();
    let saved = app
        .post(
            "/api/v1/routes/batch",
            &s.staff,
            json!({"date": day, "routes": [
                {"courier_id": s.courier_id, "card_ids": [c[2], c[0]]},
                {"courier_id": second, "card_ids": [c[1]]},
            ]}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text);
    let items = saved.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["stops"], json!([{"card_id": c[2], "seq": 1}, {"card_id": c[0], "seq": 2}]));
    assert_eq!(app.status_of(&s, &c[1]).await, "assigned");

    let before = app.get(&format!("/api/v1/routes?date={day}"), &s.staff).await.body["items"].as_array().unwrap().len();
    // The second route holds a card already out: nothing at all is saved.
    // (Two other couriers: those two have their route of the day.)
    let (third, _) = app.user("kurir3", "courier").await;
    let (fourth, _) = app.user("kurir4", "courier").await;
    let refused = app
        .post(
            "/api/v1/routes/batch",
            &s.staff,
            json!({"date": day, "routes": [
                {"courier_id": third, "card_ids": [c[3], c[4]]},
                {"courier_id": fourth, "card_ids": [c[5], c[1]]},
            ]}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
    assert!(refused.body["detail"].as_str().unwrap().contains(&c[1]), "names the card: {}", refused.text);
    let after = app.get(&format!("/api/v1/routes?date={day}"), &s.staff).await.body["items"].as_array().unwrap().len();
    assert_eq!(after, before, "no route of the refused plan was kept");
    for card in [&c[3], &c[4], &c[5]] {
        assert_eq!(app.status_of(&s, card).await, "printed");
    }
    // The same card on two routes of one plan.
    let twice = app
        .post(
            "/api/v1/routes/batch",
            &s.staff,
            json!({"date": day, "routes": [
                {"courier_id": s.courier_id, "card_ids": [c[3]]},
                {"courier_id": second, "card_ids": [c[3]]},
            ]}),
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.text);
    assert!(twice.body["detail"].as_str().unwrap().contains(&c[3]));
    // An unknown courier is named by its place in the plan.
    let unknown = app
        .post(
            "/api/v1/routes/batch",
            &s.staff,
            json!({"date": day, "routes": [
                {"courier_id": third, "card_ids": [c[3]]},
                {"courier_id": "nobody", "card_ids": [c[4]]},
            ]}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unknown.text);
    assert_eq!(unknown.body["errors"][0]["field"], "routes[1].courier_id");
    assert_eq!(app.status_of(&s, &c[3]).await, "printed");
    let empty = app.post("/api/v1/routes/batch", &s.staff, json!({"date": day, "routes": []})).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    let courier = app
        .post(
            "/api/v1/routes/batch",
            &s.courier,
            json!({"date": day, "routes": [{"courier_id": s.courier_id, "card_ids": [c[3]]}]}),
        )
        .await;
    assert_eq!(courier.status, StatusCode::FORBIDDEN);
}

/// The console's filters: the office's places and batches, and the list
/// narrowed by batch.
async fn the_card_list_and_the_plan_pool_take_place_and_batch_filters(app: TestApp) {
    let s = app.seed(0).await;
    let csv = "NIK;NAMA;ALAMAT;KELURAHAN;KECAMATAN;NO_BATCH
               1871010101900001;A;JL. A;RAJABASA RAYA;RAJABASA;B1
               1871010101900002;B;JL. B;GEDONG MENENG;RAJABASA;B1
               1871010101900003;C;JL. C;PAHOMAN;ENGGAL;B2
";
    assert_eq!(app.post_csv("/api/v1/cards/import", &s.staff, csv).await.body["imported"], 3);
    let areas = app.get("/api/v1/cards/areas", &s.staff).await;
    assert_eq!(areas.status, StatusCode::OK, "{}", areas.text);
    assert_eq!(
        areas.body,
        json!({"kecamatan": [
            {"name": "ENGGAL", "kelurahan": ["PAHOMAN"]},
            {"name": "RAJABASA", "kelurahan": ["GEDONG MENENG", "RAJABASA RAYA"]},
        ], "batches": ["B1", "B2"]})
    );
    assert_eq!(app.get("/api/v1/cards?batch=B1", &s.staff).await.body["total"], 2);
    assert_eq!(app.get("/api/v1/cards?batch=B2&kecamatan=enggal", &s.staff).await.body["total"], 1);
    assert_eq!(app.get("/api/v1/cards/areas", &s.courier).await.status, StatusCode::FORBIDDEN);
    // The planner's pool narrows the same way.
    let plan = app
        .post(
            "/api/v1/routes/plan",
            &s.staff,
            json!({"date": tomorrow(), "courier_ids": [s.courier_id], "batch": "B1"}),
        )
        .await;
    assert_eq!(plan.status, StatusCode::OK, "{}", plan.text);
    let names: Vec<&str> = plan.body["cards"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(ids(&plan.body).len(), 2);
    assert!(names.contains(&"A") && names.contains(&"B") && !names.contains(&"C"), "{names:?}");
}

/// A CVRPLIB instance as a print batch: every customer a kelurahan of its
/// own at the instance's point, as many cards as its demand, the customer's
/// number in the address.
fn cvrplib_batch(inst: &Instance, kecamatan: &str, first: usize) -> String {
    let mut csv = "NIK;NAMA;ALAMAT;RT;RW;KELURAHAN;KECAMATAN;LAT;LON\n".to_owned();
    let mut seq = first;
    for node in 1..inst.xy.len() {
        let p = inst.point(node);
        for _ in 0..inst.demand[node] {
            seq += 1;
            csv.push_str(&format!(
                "1871010101{:06};WARGA;TITIK {node};001;001;DESA {node};{kecamatan};{};{}\n",
                seq, p.lat, p.lon
            ));
        }
    }
    csv
}

/// Three instances of the papers' table through the real endpoint: every
/// card planned, within 1 % of the proven optimum.
async fn cvrplib_instances_plan_whole_within_one_percent_of_the_optimum(app: TestApp) {
    let s = app.seed(0).await;
    let admin = app.admin().await;
    let mut couriers = vec![s.courier_id.clone()];
    for k in 1..6 {
        couriers.push(app.user(&format!("kurir-cvrp{k}"), "courier").await.0);
    }
    for (k, (name, optimum, kecamatan)) in
        [("B-n31-k5", 672, "RAJABASA"), ("A-n32-k5", 784, "KEDATON"), ("A-n33-k5", 661, "LABUHAN RATU")]
            .into_iter()
            .enumerate()
    {
        let inst = cvrplib::load(name, optimum);
        // Each batch its own NIKs.
        let csv = cvrplib_batch(&inst, kecamatan, 1_000 * k);
        let import = app.post_csv("/api/v1/cards/import", &s.staff, csv).await;
        assert_eq!(import.body["imported"], inst.demand.iter().sum::<usize>(), "{}", import.text);
        let mut settings = app.get("/api/v1/settings", &admin).await.body;
        let depot = inst.point(0);
        settings["office_lat"] = json!(depot.lat);
        settings["office_lon"] = json!(depot.lon);
        let put = app.call(Method::PUT, "/api/v1/settings", Some(&admin), Some(settings)).await;
        assert_eq!(put.status, StatusCode::OK, "{}", put.text);
        let body = json!({
            "date": tomorrow(), "courier_ids": couriers[..inst.vehicles], "max_stops": inst.capacity, "kecamatan": kecamatan,
        });
        let plan = app.post("/api/v1/routes/plan", &s.staff, body).await;
        assert_eq!(plan.status, StatusCode::OK, "{}", plan.text);
        assert_eq!(plan.body["unassigned"], json!([]), "{name}: every card fits, so every card is planned");
        let node: std::collections::HashMap<&str, usize> = plan.body["cards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["id"].as_str().unwrap(), c["address"].as_str().unwrap()[6..].parse().unwrap()))
            .collect();
        let routes: Vec<Vec<usize>> = plan.body["routes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["stops"].as_array().unwrap().iter().map(|s| node[s["card_id"].as_str().unwrap()]).collect())
            .collect();
        assert!(routes.len() <= inst.vehicles);
        assert_eq!(routes.iter().map(Vec::len).sum::<usize>(), inst.demand.iter().sum::<usize>());
        let cost = inst.cost(&routes);
        assert!(cost as f64 <= optimum as f64 * 1.01, "{name}: {cost} against the optimum {optimum}");
    }
}

on_both_backends!(
    cvrplib_instances_plan_whole_within_one_percent_of_the_optimum,
    a_plan_names_its_cards_without_a_nik_and_says_where_tours_start,
    a_pool_over_five_thousand_cards_is_refused_saying_so,
    a_saved_plan_creates_every_route_in_order_or_none,
    the_card_list_and_the_plan_pool_take_place_and_batch_filters,
    a_plan_covers_the_pool_within_the_cap_and_saves_nothing,
    cards_that_cannot_be_planned_are_listed_and_the_rest_planned,
    bad_plan_requests_are_named,
);
