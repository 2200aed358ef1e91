//! The route sheet and envelope labels of a saved route, and the handover
//! report of a courier's day (PDF and CSV): read from the database, handed
//! to the pure renderers in `crate::print`.

use crate::api::error::ApiError;
use crate::config::office_now_label;
use crate::db::cards::Card;
use crate::db::{events, offices::Office, routes, users, DbConnection};
use crate::print::handover::{self, Group, Handover, HandoverCard, Outcome};
use crate::print::labels::{self, Label, Labels};
use crate::print::sheet::{self, RouteSheet, SheetStop};
use crate::print::Addressee;
use antar_shared::payload::FailureReason;
use antar_shared::wire::CardSummary;
use antar_shared::EventKind;
use std::collections::HashMap;

fn addressee(c: &CardSummary) -> Addressee {
    Addressee {
        name: c.name.clone(),
        address: c.address.clone(),
        rt: c.rt.clone(),
        rw: c.rw.clone(),
        kelurahan: c.kelurahan.clone(),
        kecamatan: c.kecamatan.clone(),
    }
}

/// A printable route: the office's, or not found.
fn load(
    conn: &mut DbConnection,
    office: &Office,
    route_id: &str,
) -> Result<(routes::RouteRow, String, Vec<Card>), ApiError> {
    let route = routes::get(conn, &office.id, route_id)?.ok_or_else(|| ApiError::not_found("route"))?;
    let courier = users::names(conn, std::slice::from_ref(&route.courier_id))?
        .remove(&route.courier_id)
        .unwrap_or_else(|| route.courier_id.clone());
    // Every stop, whatever the route's state: a closed or cancelled route,
    // or a card already received back, prints as the route was.
    let cards = routes::stops_with_cards(conn, &route.id)?.into_iter().map(|(_, card)| card).collect();
    Ok((route, courier, cards))
}

fn last4(nik: &str) -> String {
    nik.chars().skip(nik.chars().count().saturating_sub(4)).collect()
}

fn print_error(e: crate::print::PrintError) -> ApiError {
    ApiError::Internal(e.to_string())
}

pub fn route_sheet(conn: &mut DbConnection, office: &Office, route_id: &str) -> Result<(String, Vec<u8>), ApiError> {
    let (route, courier, cards) = load(conn, office, route_id)?;
    let stops = cards
        .into_iter()
        .zip(1..)
        .map(|(c, seq)| SheetStop {
            seq,
            to: addressee(&c.summary()),
            nik_last4: last4(&c.nik),
            landmark: c.landmark,
            phone: c.phone,
        })
        .collect();
    let doc = RouteSheet {
        office: office.name.clone(),
        courier: courier.clone(),
        date: route.date.clone(),
        printed_at: office_now_label(&office.time_zone),
        stops,
    };
    let pdf = sheet::render(&doc).map_err(print_error)?;
    Ok((file_name("rute", &route.date, &courier), pdf))
}

pub fn route_labels(
    conn: &mut DbConnection,
    office: &Office,
    route_id: &str,
    public_url: &str,
) -> Result<(String, Vec<u8>), ApiError> {
    let (route, courier, cards) = load(conn, office, route_id)?;
    let labels = cards
        .into_iter()
        .zip(1..)
        .map(|(c, seq)| Label { seq, to: addressee(&c.summary()), url: labels::door_url(public_url, &c.id) })
        .collect();
    let set = Labels { courier: courier.clone(), date: route.date.clone(), labels };
    let pdf = labels::render(&set).map_err(print_error)?;
    Ok((file_name("label", &route.date, &courier), pdf))
}

/// What the report says of a returned card: why it came back (the last
/// failed attempt's reason before the return) and the officer who received
/// it; of a card still out that the courier declared returned, that it has
/// not been received.
fn notes(
    conn: &mut DbConnection,
    courier_id: &str,
    returned: &[CardSummary],
    declared: &[CardSummary],
) -> Result<HashMap<String, String>, ApiError> {
    let ids: Vec<String> = returned.iter().map(|c| c.id.clone()).collect();
    let log = events::for_cards(conn, &ids)?;
    let mut officers: Vec<String> = log.iter().filter_map(|e| e.actor_id.clone()).collect();
    officers.sort();
    officers.dedup();
    let names = users::names(conn, &officers)?;
    let mut out = HashMap::new();
    for card_log in log.chunk_by(|a, b| a.card_id == b.card_id) {
        let Some(at) = card_log.iter().rposition(|e| {
            e.kind() == Some(EventKind::ReturnedToOffice)
                && e.custody().and_then(|c| c.courier).as_deref().is_none_or(|c| c == courier_id)
        }) else {
            continue;
        };
        let reason = card_log[..at]
            .iter()
            .rev()
            .find(|e| e.kind() == Some(EventKind::AttemptFailed) && e.applied())
            .and_then(|e| serde_json::from_str::<serde_json::Value>(&e.payload).ok())
            .and_then(|p| p.get("reason").and_then(|r| r.as_str()).and_then(FailureReason::parse))
            .map_or("tidak dicatat", FailureReason::label_id);
        let officer = card_log[at].actor_id.as_ref().and_then(|a| names.get(a)).map_or("-", String::as_str);
        out.insert(card_log[at].card_id.clone(), format!("Alasan: {reason}; diterima oleh: {officer}"));
    }
    for c in declared {
        out.insert(c.id.clone(), "Kurir menyatakan sudah diserahkan kembali; belum diterima petugas".to_owned());
    }
    Ok(out)
}

/// The courier's day as the handover report prints it: the day report
/// (each card as its log stood at the close) grouped by outcome.
fn handover(conn: &mut DbConnection, office: &Office, courier_id: &str, date: &str) -> Result<Handover, ApiError> {
    let report = crate::domain::routes::day_report(conn, office, courier_id, date)?;
    let courier = users::names(conn, &[courier_id.to_owned()])?.remove(courier_id).unwrap_or_default();
    let username = users::by_id(conn, courier_id)?.map(|u| u.username).unwrap_or_default();
    let notes = notes(conn, courier_id, &report.returned, &report.declared_returned)?;
    let summaries = |outcome: Outcome| match outcome {
        Outcome::Delivered => &report.delivered,
        Outcome::Returned => &report.returned,
        Outcome::LeftAtVillageOffice => &report.left_at_village_office,
        Outcome::StillOut => &report.still_out,
        Outcome::NotTaken => &report.not_taken,
        Outcome::Other => &report.other,
    };
    let groups = Outcome::ALL
        .into_iter()
        .map(|outcome| Group {
            outcome,
            cards: summaries(outcome)
                .iter()
                .map(|c| HandoverCard {
                    to: addressee(c),
                    nik_last4: last4(&c.nik),
                    batch: c.batch.clone(),
                    note: notes.get(&c.id).cloned(),
                })
                .collect(),
        })
        .collect();
    Ok(Handover {
        office: office.name.clone(),
        courier,
        courier_username: username,
        date: date.to_owned(),
        printed_at: office_now_label(&office.time_zone),
        closed: report.closed,
        handed_out: report.handed_out,
        failed_attempts: report.failed_attempts,
        balanced: report.balanced,
        discrepancy: report.discrepancy,
        groups,
    })
}

pub fn handover_pdf(
    conn: &mut DbConnection,
    office: &Office,
    courier_id: &str,
    date: &str,
) -> Result<(String, Vec<u8>), ApiError> {
    let h = handover(conn, office, courier_id, date)?;
    let pdf = handover::render(&h).map_err(print_error)?;
    Ok((file_name("serah-terima", date, &h.courier_username), pdf))
}

/// The same report as CSV, one row per card with its outcome, for the
/// office's spreadsheets. A cell that a spreadsheet would run as a formula
/// is written as text.
pub fn handover_csv(
    conn: &mut DbConnection,
    office: &Office,
    courier_id: &str,
    date: &str,
) -> Result<(String, Vec<u8>), ApiError> {
    let h = handover(conn, office, courier_id, date)?;
    Ok((file_name("serah-terima", date, &h.courier_username).replace(".pdf", ".csv"), handover_rows(&h)?))
}

/// The CSV opens in Excel as UTF-8 (names with é, ñ…) only after a BOM.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fn handover_rows(h: &Handover) -> Result<Vec<u8>, ApiError> {
    let mut out = csv::Writer::from_writer(UTF8_BOM.to_vec());
    let header = [
        "TANGGAL",
        "KURIR",
        "HASIL",
        "KETERANGAN",
        "NAMA",
        "NIK_4",
        "ALAMAT",
        "RT",
        "RW",
        "KELURAHAN",
        "KECAMATAN",
        "NO_BATCH",
    ];
    let csv_error = |e: csv::Error| ApiError::Internal(format!("writing the CSV: {e}"));
    out.write_record(header).map_err(csv_error)?;
    for g in &h.groups {
        for c in &g.cards {
            let row = [
                h.date.as_str(),
                &h.courier,
                g.outcome.label(),
                c.note.as_deref().unwrap_or(""),
                &c.to.name,
                &c.nik_last4,
                &c.to.address,
                c.to.rt.as_deref().unwrap_or(""),
                c.to.rw.as_deref().unwrap_or(""),
                &c.to.kelurahan,
                &c.to.kecamatan,
                c.batch.as_deref().unwrap_or(""),
            ];
            out.write_record(row.map(as_text)).map_err(csv_error)?;
        }
    }
    out.into_inner().map_err(|e| ApiError::Internal(format!("writing the CSV: {e}")))
}

/// A cell starting with `=`, `+`, `-`, `@` (or a tab or carriage return)
/// is a formula to a spreadsheet: a leading apostrophe keeps it text.
fn as_text(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// `rute-2026-12-04-budi-kurir.pdf`: ASCII, so any browser saves it as is.
fn file_name(kind: &str, date: &str, courier: &str) -> String {
    let slug: String = courier
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!("{kind}-{date}-{slug}.pdf")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cell_a_spreadsheet_would_run_is_kept_as_text() {
        assert_eq!(super::as_text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::as_text("-1+2"), "'-1+2");
        assert_eq!(super::as_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::as_text("JL. MAWAR NO. 1"), "JL. MAWAR NO. 1");
        assert_eq!(super::as_text(""), "");
    }

    #[test]
    fn file_names_are_plain_ascii() {
        assert_eq!(super::file_name("rute", "2026-12-04", "Budi Kurir"), "rute-2026-12-04-budi-kurir.pdf");
        assert_eq!(
            super::file_name("label", "2026-12-04", "Sri 'Ani' Wahyuni"),
            "label-2026-12-04-sri-ani-wahyuni.pdf"
        );
    }
}
