//! The route sheet and envelope labels as PDFs, read back as a person and a
//! phone would: the text with `pdftotext`, the QR codes rendered with
//! `pdftoppm` and decoded with `zbarimg` (poppler-utils and zbar-tools,
//! which `.ci/run` installs).

use antar_tests::{on_both_backends, TestApp};
use reqwest::StatusCode;
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

on_both_backends!(
    the_route_sheet_lists_every_stop_in_order_with_only_the_niks_last_digits,
    labels_carry_the_stop_and_a_code_holding_only_the_door_link,
    another_offices_route_prints_nothing_and_couriers_print_nothing,
);
