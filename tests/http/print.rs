//! The route sheet, the envelope labels and the handover report as PDFs
//! (and the report as CSV), read back as a person and a
//! phone would: the text with `pdftotext`, the QR codes rendered with
//! `pdftoppm` and decoded with `zbarimg` (poppler-utils and zbar-tools,
//! which `.ci/run` installs).

use antar_tests::{delivered, event, on_both_backends, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use std::process::Command;

fn tool(name: &str) -> Command {
    let found = Command::new("sh").arg("-c").arg(format!("command -v {name}")).output().unwrap();
    assert!(found.status.success(), "{name} is needed to read PDFs back (apt install poppler-utils zbar-tools)");
    Command::new(name)
}

/// The PDF written to a file of its own (removed with the directory).
fn on_disk(pdf: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    (dir, path)
}

fn pdf_text(pdf: &[u8]) -> String {
    let (_dir, path) = on_disk(pdf);
    let out = tool("pdftotext").arg("-layout").arg(&path).arg("-").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn pdf_pages(pdf: &[u8]) -> usize {
    let (_dir, path) = on_disk(pdf);
    let out = tool("pdfinfo").arg(&path).output().unwrap();
    let info = String::from_utf8(out.stdout).unwrap();
    info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap()
}

/// The QR code of every label, each decoded on its own from a 200-dpi
/// rendering of its cell, as a phone scans one label at a time (zbar can
/// miss one of 24 codes when given a whole page). An empty cell reads as
/// nothing.
fn label_codes(pdf: &[u8], pages: usize) -> Vec<Option<String>> {
    let (dir, path) = on_disk(pdf);
    // A4 at 200 dpi is 1654 × 2339 pixels: 3 × 8 cells.
    let (w, h) = (1654 / 3, 2339 / 8);
    let mut codes = Vec::new();
    for page in 1..=pages {
        for cell in 0..24 {
            let (x, y) = ((cell % 3) * w, (cell / 3) * h);
            let png = dir.path().join("cell");
            let render = tool("pdftoppm")
                .args(["-r", "200", "-png", "-singlefile"])
                .args(["-f", &page.to_string(), "-l", &page.to_string()])
                .args(["-x", &x.to_string(), "-y", &y.to_string(), "-W", &w.to_string(), "-H", &h.to_string()])
                .arg(&path)
                .arg(&png)
                .output()
                .unwrap();
            assert!(render.status.success());
            let out = tool("zbarimg").args(["--quiet", "--raw"]).arg(dir.path().join("cell.png")).output().unwrap();
            let text = String::from_utf8(out.stdout).unwrap();
            codes.push(Some(text.trim().to_owned()).filter(|t| !t.is_empty()));
        }
    }
    codes
}

/// A route of `n` cards for the seeded courier; its id and the cards in
/// route order with their names and NIKs.
async fn route_of(app: &TestApp, n: usize) -> (antar_tests::Seed, String, Vec<(String, String, String)>) {
    let s = app.seed(n).await;
    let mut order = s.cards.clone();
    order.reverse();
    let route = app.route(&s, "2026-12-04", &order).await;
    let mut cards = Vec::new();
    for id in &order {
        let c = app.get(&format!("/api/v1/cards/{id}"), &s.staff).await.body;
        cards.push((id.clone(), c["name"].as_str().unwrap().to_owned(), c["nik"].as_str().unwrap().to_owned()));
    }
    (s, route, cards)
}

async fn the_route_sheet_lists_every_stop_in_order_with_only_the_niks_last_digits(app: TestApp) {
    let (s, route, cards) = route_of(&app, 30).await;
    let (status, kind, pdf) = app.get_bytes(&format!("/api/v1/routes/{route}/sheet.pdf"), &s.staff).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "application/pdf");
    let text = pdf_text(&pdf);
    assert!(text.contains("LEMBAR RUTE ANTAR e-KTP"), "{text}");
    assert!(
        text.contains("Kurir: kurir1") && text.contains("Tanggal: 2026-12-04") && text.contains("30 kartu"),
        "{text}"
    );
    let mut at = 0;
    for (i, (_, name, nik)) in cards.iter().enumerate() {
        let found = text[at..].find(name.as_str()).unwrap_or_else(|| panic!("stop {} ({name}) after byte {at}", i + 1));
        at += found + name.len();
        assert!(text.contains(&format!("NIK …{}", &nik[12..])), "last four of {name}");
        assert!(!text.contains(nik.as_str()), "never the whole NIK");
    }
    assert_eq!(pdf_pages(&pdf), 2, "30 stops run onto a second page");
    assert!(text.contains("Halaman 2 dari 2"));
}

async fn labels_carry_the_stop_and_a_code_holding_only_the_door_link(app: TestApp) {
    let (s, route, cards) = route_of(&app, 26).await;
    let (status, kind, pdf) = app.get_bytes(&format!("/api/v1/routes/{route}/labels.pdf"), &s.staff).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/pdf"));
    assert_eq!(pdf_pages(&pdf), 2, "3 × 8 labels a sheet: 26 labels on two");
    let text = pdf_text(&pdf);
    for (i, (_, name, nik)) in cards.iter().enumerate() {
        assert!(text.contains(&format!("#{}", i + 1)) && text.contains(name.as_str()), "label {} {name}", i + 1);
        assert!(!text.contains(&nik[..12]), "no NIK, not even in part, on a label");
    }
    let codes = label_codes(&pdf, 2);
    let mut want: Vec<Option<String>> =
        cards.iter().map(|(id, _, _)| Some(format!("{}/s/{id}", app.state.public_url()))).collect();
    want.resize(48, None);
    assert_eq!(codes, want, "label by label in route order: a readable code holding the door link and nothing else");
}

async fn another_offices_route_prints_nothing_and_couriers_print_nothing(app: TestApp) {
    let (s, route, _) = route_of(&app, 2).await;
    let metro = app.other_office_staff().await;
    for doc in ["sheet.pdf", "labels.pdf"] {
        let (status, _, _) = app.get_bytes(&format!("/api/v1/routes/{route}/{doc}"), &metro).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{doc}");
        let (status, _, _) = app.get_bytes(&format!("/api/v1/routes/{route}/{doc}"), &s.courier).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{doc}");
        let (status, _, _) = app.get_bytes(&format!("/api/v1/routes/no-such-route/{doc}"), &s.staff).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{doc}");
    }
}

/// One card of each outcome; the report before the close is provisional,
/// after it signed-ready, and the closed day's report does not change when
/// its cards move on.
async fn the_handover_report_balances_the_day_and_lists_each_card_under_its_outcome(app: TestApp) {
    let (s, _route, cards) = route_of(&app, 5).await;
    let c: Vec<&str> = cards.iter().map(|(id, _, _)| id.as_str()).collect();
    let picked: Vec<_> = c[..4].iter().map(|id| event(id, "picked_up", 1, json!({}))).collect();
    app.sync(&s.courier, picked).await;
    app.sync(
        &s.courier,
        vec![
            delivered(c[0], 2),
            event(c[1], "attempt_failed", 2, json!({"reason": "moved"})),
            event(c[1], "handed_back", 3, json!({})),
            event(c[2], "left_at_village_office", 4, json!({})),
        ],
    )
    .await;
    let desk = format!("/api/v1/couriers/{}/days/2026-12-04/receive", s.courier_id);
    assert_eq!(app.post(&desk, &s.staff, json!({"code": c[1]})).await.status, StatusCode::OK, "received at the desk");
    let base = format!("/api/v1/couriers/{}/days/2026-12-04/report", s.courier_id);
    let (status, kind, open) = app.get_bytes(&format!("{base}.pdf"), &s.staff).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/pdf"));
    assert!(pdf_text(&open).contains("SEMENTARA"), "before the close the report says it is provisional");

    let closed = app
        .post(
            &format!("/api/v1/couriers/{}/days/2026-12-04/close", s.courier_id),
            &s.staff,
            json!({"returned_card_ids": []}),
        )
        .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
    let (_, _, pdf) = app.get_bytes(&format!("{base}.pdf"), &s.staff).await;
    let text = pdf_text(&pdf);
    assert!(!text.contains("SEMENTARA"), "{text}");
    for expected in [
        "BERITA ACARA SERAH TERIMA KARTU e-KTP",
        "Kurir: kurir1",
        "Tanggal: 2026-12-04",
        "Kartu dibawa kurir: 4",
        "4 = 1 + 1 + 1 + 1",
        "(seimbang)",
        "Percobaan antar gagal: 1",
        "Selisih: 1 kartu",
        "Terantar ke penerima (1)",
        "Dikembalikan ke kantor (1)",
        "Dititipkan di kantor desa/kelurahan (1)",
        "Masih dibawa kurir (1)",
        "Tidak diambil dari kantor (1)",
        "Yang menyerahkan (kurir)",
        "Yang menerima (petugas kantor)",
        "Alasan: sudah pindah; diterima oleh: petugas1 Test",
    ] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }
    assert!(text.contains(" WIB"), "printed at, in the office's zone");
    let sections =
        ["Terantar ke penerima", "Dikembalikan", "Dititipkan", "Masih dibawa kurir (", "Tidak diambil dari kantor ("];
    for (i, ((_, name, nik), section)) in cards.iter().zip(sections).enumerate() {
        let (under, name_at) = (text.find(section).unwrap(), text.find(name.as_str()).unwrap());
        assert!(name_at > under, "card {i} ({name}) is listed under {section}");
        assert!(text.contains(&format!("NIK …{}", &nik[12..])) && !text.contains(nik.as_str()), "only the last four");
    }

    let (status, kind, csv) = app.get_bytes(&format!("{base}.csv"), &s.staff).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "text/csv; charset=utf-8"));
    let csv = String::from_utf8(csv).unwrap();
    let body = csv.strip_prefix('\u{feff}').expect("a UTF-8 BOM first, so Excel reads the names right");
    let rows: Vec<Vec<&str>> = body.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows[0][..4], ["TANGGAL", "KURIR", "HASIL", "KETERANGAN"]);
    let outcomes: Vec<(&str, &str)> = rows[1..].iter().map(|r| (r[2], r[4])).collect();
    let want: Vec<(&str, &str)> = [
        "Terantar ke penerima",
        "Dikembalikan ke kantor",
        "Dititipkan di kantor desa/kelurahan",
        "Masih dibawa kurir",
        "Tidak diambil dari kantor",
    ]
    .into_iter()
    .zip(cards.iter().map(|(_, name, _)| name.as_str()))
    .collect();
    assert_eq!(outcomes, want, "one row per card with its outcome, in Indonesian");
    assert_eq!(
        rows[2][3], "Alasan: sudah pindah; diterima oleh: petugas1 Test",
        "why it came back, and who received it"
    );
    let named = app.get(&format!("{base}.csv"), &s.staff).await;
    let disposition = named.headers["content-disposition"].to_str().unwrap().to_owned();
    assert!(
        disposition.contains("serah-terima-2026-12-04-kurir1.csv"),
        "named by the courier's username: {disposition}"
    );
    assert!(!csv.contains(&cards[0].2), "no whole NIK in the CSV");

    // The card still out is delivered the next morning: the closed day's report stands.
    app.sync(&s.courier, vec![delivered(c[3], 10)]).await;
    let (_, _, again) = app.get_bytes(&format!("{base}.csv"), &s.staff).await;
    assert_eq!(String::from_utf8(again).unwrap(), csv, "a closed day's report never changes");

    let metro = app.other_office_staff().await;
    assert_eq!(app.get_bytes(&format!("{base}.pdf"), &metro).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get_bytes(&format!("{base}.csv"), &s.courier).await.0, StatusCode::FORBIDDEN);
    let bad = format!("/api/v1/couriers/{}/days/04-12-2026/report.pdf", s.courier_id);
    assert_eq!(app.get_bytes(&bad, &s.staff).await.0, StatusCode::BAD_REQUEST);
}

/// A long name, address and kelurahan are printed whole, on more lines, on
/// the sheet and the label: never cut with "…".
async fn long_names_and_places_print_whole_on_the_sheet_and_the_label(app: TestApp) {
    let (_, staff) = app.user("petugas1", "staff").await;
    let (courier_id, _) = app.user("kurir1", "courier").await;
    let name = "SITI NURHALIZA BINTI MUHAMMAD ABDURRAHMAN WAHYUDI";
    let address = "JL. PANGERAN ANTASARI GANG MAWAR MERAH NO. 123 BLOK C";
    let kelurahan = "TANJUNG KARANG TIMUR BAGIAN UTARA";
    let csv =
        format!("NIK;NAMA;ALAMAT;KELURAHAN;KECAMATAN\n1871010101900001;{name};{address};{kelurahan};TANJUNG KARANG\n");
    assert_eq!(app.post_csv("/api/v1/cards/import", &staff, csv).await.body["imported"], 1);
    let card = app.get("/api/v1/cards", &staff).await.body["items"][0]["id"].as_str().unwrap().to_owned();
    let route = app
        .post("/api/v1/routes", &staff, json!({"courier_id": courier_id, "date": "2026-12-04", "card_ids": [card]}))
        .await;
    let id = route.body["id"].as_str().unwrap().to_owned();
    for doc in ["sheet", "labels"] {
        let (status, _, pdf) = app.get_bytes(&format!("/api/v1/routes/{id}/{doc}.pdf"), &staff).await;
        assert_eq!(status, StatusCode::OK);
        let text = pdf_text(&pdf);
        let words: Vec<&str> = text.split_whitespace().map(|w| w.trim_end_matches(',')).collect();
        for word in name.split(' ').chain(address.split(' ')).chain(kelurahan.split(' ')) {
            assert!(words.contains(&word), "{doc}: {word:?} printed whole in\n{text}");
        }
        assert!(!words.iter().any(|w| w.ends_with('…')), "{doc}: nothing cut\n{text}");
    }
}

on_both_backends!(
    long_names_and_places_print_whole_on_the_sheet_and_the_label,
    the_handover_report_balances_the_day_and_lists_each_card_under_its_outcome,
    the_route_sheet_lists_every_stop_in_order_with_only_the_niks_last_digits,
    labels_carry_the_stop_and_a_code_holding_only_the_door_link,
    another_offices_route_prints_nothing_and_couriers_print_nothing,
);
