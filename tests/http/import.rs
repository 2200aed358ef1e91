use antar_tests::{batch_csv, on_both_backends, TestApp};
use reqwest::StatusCode;

const ERRORS_SAMPLE: &str = include_str!("../../server/demo/cards-with-errors.csv");

async fn a_missing_required_column_rejects_the_file_naming_it(app: TestApp) {
    let (_, staff) = app.user("petugas1", "staff").await;
    let a = app.post_csv("/api/v1/cards/import", &staff, "NIK,NAMA,ALAMAT,KELURAHAN\n1871010101900001,A,B,C\n").await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.content_type, "application/problem+json");
    assert_eq!(a.body["errors"][0]["field"], "KECAMATAN");
    assert_eq!(app.get("/api/v1/cards", &staff).await.body["total"], 0);
}

async fn bad_rows_are_reported_by_line_and_good_rows_still_import(app: TestApp) {
    let (_, staff) = app.user("petugas1", "staff").await;
    let csv = "\u{feff}nik ; Name;ALAMAT;KELURAHAN;KECAMATAN;TANGGAL_CETAK\r\n\
        1871010101900001;ANI;JL. A;RAJABASA;RAJABASA;2026-11-01\r\n\
        1.87101E+15;BUDI;JL. B;RAJABASA;RAJABASA;2026-11-01\r\n\
        1871010101900003;  ;JL. C;RAJABASA;RAJABASA;2026-11-01\r\n\
        1871010101900001;CICI;JL. D;RAJABASA;RAJABASA;2026-11-01\r\n\
        3571010101900005;DEDI;JL. E;RAJABASA;RAJABASA;31-31-2026\r\n";
    let a = app.post_csv("/api/v1/cards/import", &staff, csv).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["imported"], 2);
    assert_eq!(a.body["rejected"], 3);
    let errors: Vec<(u64, &str, &str)> = a.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["column"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(errors, [(3, "nik", "nik_scientific_notation"), (4, "Name", "required"), (5, "nik", "duplicate_nik")]);
    let warnings: Vec<(u64, &str)> = a.body["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["line"].as_u64().unwrap(), w["code"].as_str().unwrap()))
        .collect();
    assert_eq!(warnings, [(6, "nik_other_regency"), (6, "bad_value")]);
    assert!(a.body["errors"][0]["message"].as_str().unwrap().contains("teks"));
}

async fn importing_the_same_file_twice_adds_nothing(app: TestApp) {
    let (_, staff) = app.user("petugas1", "staff").await;
    let csv = batch_csv(40, ';');
    let first = app.post_csv("/api/v1/cards/import", &staff, csv.clone()).await;
    assert_eq!(first.body["imported"], 40);
    let second = app.post_csv("/api/v1/cards/import", &staff, csv).await;
    assert_eq!(second.body["imported"], 0);
    assert_eq!(second.body["duplicates"], 40);
    assert_eq!(app.get("/api/v1/cards", &staff).await.body["total"], 40);
}

/// Rows are checked and written in batches of 1,000, the writing one batch
/// behind the checking: a NIK repeated batches later is still caught, and a
/// second import of the file sees every card the first one wrote.
async fn repeats_across_batches_are_caught_and_every_batch_is_written(app: TestApp) {
    let (_, staff) = app.user("petugas1", "staff").await;
    let mut csv = batch_csv(2_500, ',');
    let line = |n: usize| csv.lines().nth(n - 1).unwrap().to_owned();
    let (same, other) = (line(2), line(3));
    let renamed = other.replacen("WARGA UJI 1", "ORANG LAIN", 1);
    assert_ne!(renamed, other);
    csv.push_str(&format!("{same}\n{renamed}\n"));
    let first = app.post_csv("/api/v1/cards/import", &staff, csv.clone()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.body["imported"], 2_500);
    assert_eq!(first.body["duplicates"], 1, "line 2502 repeats line 2");
    assert_eq!(first.body["rejected"], 1);
    assert_eq!(first.body["errors"][0]["line"], 2_503);
    let e = &first.body["errors"][0];
    assert!(e["message"].as_str().unwrap().ends_with("di baris 3"), "{e}");
    assert!(e["message_en"].as_str().unwrap().ends_with("on line 3"), "{e}");
    assert_eq!(app.get("/api/v1/cards", &staff).await.body["total"], 2_500);
    let second = app.post_csv("/api/v1/cards/import", &staff, csv).await;
    assert_eq!((second.body["imported"].as_u64(), second.body["duplicates"].as_u64()), (Some(0), Some(2_501)));
    assert_eq!(app.get("/api/v1/cards", &staff).await.body["total"], 2_500);
}

/// Each message speaks one language (English beside it), says the line
/// only once — as a field —, names a card's holder rather than its id, and
/// the problems come in file order.
async fn problems_read_in_one_language_in_file_order(app: TestApp) {
    let (_, staff) = app.user("petugas1", "staff").await;
    app.post_csv("/api/v1/cards/import", &staff, batch_csv(1, ',')).await;
    let held = batch_csv(1, ',').lines().nth(1).unwrap().replacen("WARGA UJI 0", "ORANG LAIN", 1);
    let mut csv = batch_csv(0, ',');
    for i in 0..1_200 {
        csv.push_str(&format!("18710{i:011}ABC,X,Y,1,2,K,K,0812\n"));
    }
    csv.push_str(&format!("{held}\n"));
    let a = app.post_csv("/api/v1/cards/import?dry_run=true", &staff, csv).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let errors = a.body["errors"].as_array().unwrap();
    let lines: Vec<u64> = errors.iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "sorted by line");
    let dup = errors.iter().find(|e| e["code"] == "duplicate_nik").unwrap();
    assert_eq!(dup["line"], 1_202);
    let card_id = app.get("/api/v1/cards", &staff).await.body["items"][0]["id"].as_str().unwrap().to_owned();
    for text in [&dup["message"], &dup["message_en"]] {
        let text = text.as_str().unwrap();
        assert!(text.contains("WARGA UJI 0") && !text.contains(&card_id), "names the holder: {text}");
    }
    for e in errors.iter().chain(a.body["warnings"].as_array().unwrap()) {
        let (id, en) = (e["message"].as_str().unwrap(), e["message_en"].as_str().unwrap());
        assert!(!id.contains(" / ") && !id.contains("line ") && !en.contains("baris"), "{e}");
    }
}

async fn dry_run_reports_exactly_and_writes_nothing(app: TestApp) {
    let (_, staff) = app.user("petugas1", "staff").await;
    let dry = app.post_csv("/api/v1/cards/import?dry_run=true", &staff, ERRORS_SAMPLE).await;
    assert_eq!(dry.status, StatusCode::OK);
    assert_eq!(dry.body["dry_run"], true);
    assert_eq!(app.get("/api/v1/cards", &staff).await.body["total"], 0);
    let real = app.post_csv("/api/v1/cards/import", &staff, ERRORS_SAMPLE).await;
    for key in ["imported", "duplicates", "rejected", "errors", "warnings"] {
        assert_eq!(dry.body[key], real.body[key], "{key}");
    }
    assert!(real.body["rejected"].as_u64().unwrap() > 20, "the sample has ~15% damaged rows");
    assert_eq!(app.get("/api/v1/cards", &staff).await.body["total"], real.body["imported"]);
}

async fn cards_list_filters_and_pages(app: TestApp) {
    let (_, staff) = app.user("petugas1", "staff").await;
    app.post_csv("/api/v1/cards/import", &staff, batch_csv(30, ',')).await;
    let p = app.get("/api/v1/cards?per_page=10&page=3", &staff).await.body;
    assert_eq!(p["total"], 30);
    assert_eq!(p["items"].as_array().unwrap().len(), 10);
    let q = app.get("/api/v1/cards?q=uji%2017", &staff).await.body;
    assert_eq!(q["total"], 1);
    assert_eq!(q["items"][0]["name"], "WARGA UJI 17");
    assert_eq!(app.get("/api/v1/cards?kecamatan=rajabasa", &staff).await.body["total"], 30);
    let bad = app.get("/api/v1/cards?per_page=500", &staff).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.body["errors"][0]["field"], "per_page");
}

on_both_backends!(
    problems_read_in_one_language_in_file_order,
    a_missing_required_column_rejects_the_file_naming_it,
    bad_rows_are_reported_by_line_and_good_rows_still_import,
    importing_the_same_file_twice_adds_nothing,
    dry_run_reports_exactly_and_writes_nothing,
    repeats_across_batches_are_caught_and_every_batch_is_written,
    cards_list_filters_and_pages,
);
